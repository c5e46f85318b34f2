/// The man page's part on the kubelet memory manager modes.
enum KubeletManual {
    /// The Kubernetes release whose rules the kubelet modes implement (its
    /// `MemoryManagerRules.kubernetesVersion`; Tests/Kubelet checks they agree).
    static let kubernetesVersion = "1.34"

    static func section(_ page: inout MdocWriter) {
        page.macro("Sh KUBERNETES MEMORY MANAGER")
        page.text("""
            --kubelet-check, --kubelet-suggest and --kubelet-state apply the rules of the kubelet's memory manager \
            (--memory-manager-policy=Static) to this topology, before a kubelet restart finds them broken. \
            The rules are those of Kubernetes \(kubernetesVersion): \
            the --reserved-memory syntax (';' between nodes, NODE:TYPE=QUANTITY, ',' between types, the flag repeatable), \
            resource quantities with their suffixes and exponents, \
            the types memory and hugepages-SIZE, no zero and no duplicate entries, \
            nodes that exist, per-type sums equal to the Node Allocatable reservation \
            (kube-reserved + system-reserved + the hard eviction threshold for memory.available, percentages of MemTotal), \
            and a non-zero memory reservation under the Static policy. \
            kube-reserved and system-reserved take cpu, memory, ephemeral-storage and pid only, \
            so a non-zero hugepages reservation can never balance. \
            Checkpoints are read in the formats v1 (Kubernetes 1.21 and later), v2 (with podEntries) and v3 (data and dataChecksum), \
            and their checksums verified as the kubelet verifies them.
            """)
        page.macro("Pp")
        page.text("""
            The words after these options are the kubelet's own command line (--flag=value or --flag value; \
            flags that do not concern the memory manager are ignored), so they come last. \
            --config FILE is read as a KubeletConfiguration in YAML or JSON, and flags override it as in the kubelet. \
            Files named there are read from this machine as written. \
            Without arguments, swnuma checks the kubelet running under the root: its /proc/PID/cmdline, \
            and its configuration file read under the root too, so that a snapshot can be checked.
            """)
        page.macro("Pp")
        page.text("""
            Configuration files are read with libyaml, bounded as the kubelet's own loader is (aliases, nesting) and \
            at most 1 MiB; nothing of it runs before a kubelet mode is asked for. \
            --kubelet-check prints one line per finding: what the kubelet would say, in its own words, and what to change; \
            then the machine state the static policy would start with. \
            Beyond the kubelet, it names reservations larger than a node's memory or huge page pool, \
            reservations on nodes without memory or without CPUs, and reservations that the None policy ignores. \
            --kubelet-suggest prints the --reserved-memory flags and the reservedMemory: YAML that balance Node Allocatable, \
            split over the nodes with memory in proportion to their size and summing exactly to the byte. \
            --kubelet-state shows the checkpoint (default: memory_manager_state in the running kubelet's --root-dir, \
            else var/lib/kubelet/memory_manager_state under the root) and compares it with the machine state the kubelet would compute now, \
            from the running kubelet's settings when one is found, else from the checkpoint's own system-reserved values.
            """)
        page.macro("Pp")
        page.text("""
            With --json, each prints one JSON document instead; their schemas, kubelet-check.schema.json, \
            kubelet-suggest.schema.json and kubelet-state.schema.json, are installed beside the others.
            """)
        page.macro("Pp")
        page.text("""
            Where the kubelet reports one refusal picked in map order, swnuma reports every one. \
            A checkpoint's containers are replayed in pod and container name order; \
            the kubelet's own order is random, which matters only for blocks spread over several nodes.
            """)
    }
}
