/// The man page's part on the kubelet memory manager modes.
enum KubeletManual {
    /// The newest Kubernetes release whose rules the kubelet modes implement
    /// (`KubeletRelease.newest`; Tests/Kubelet checks they agree).
    static let kubernetesVersion = "1.36"

    /// Each rule that changed between 1.30 and the newest release, with the
    /// release and how it was established (docs/kubelet-rules.md).
    static let rulesByRelease: [(String, String)] = [
        ("MemoryManager feature gate", """
            Beta and on by default up to 1.31, where --feature-gates MemoryManager=false turns the memory manager off \
            (no policy, no reservation, no checkpoint read); GA and locked on from 1.32, where setting it to false stops the kubelet: \
            "cannot set feature gate MemoryManager to false, feature is locked to true". \
            Release from the feature gate documentation; the message from component-base.
            """),
        ("mergeDefaultEvictionSettings", """
            A field of the configuration file from 1.33 (before, an unknown field, logged and ignored). \
            When true, the default hard eviction thresholds fill the signals that the file's evictionHard leaves out; \
            swnuma applies it to a list from the file only, never to one given by --eviction-hard. \
            Whether 1.33's kubelet also merges into a flag's list was not read.
            """),
        ("Fields of the configuration file", """
            failCgroupV1 from 1.31; crashLoopBackOff and singleProcessOOMKill from 1.32; \
            imagePullCredentialsVerificationPolicy, preloadedImagesVerificationAllowlist and userNamespaces from 1.33; \
            memoryReservationPolicy and tlsCurvePreferences from 1.36: an unknown field before its release.
            """),
        ("Policy names", """
            None and Static in every release. BestEffort is refused on Linux from 1.32 with \
            "policy \"BestEffort\" is not available for platform \"linux\"" and as an unknown policy before; \
            the release that added the name was not read (1.32 is the release notes' Windows support).
            """),
        ("--config-dir", """
            Merged in every release modelled (1.28 and 1.29 needed the environment variable KUBELET_CONFIG_DROPIN_DIR_ALPHA; beta from 1.30, GA from 1.35 with no change of behaviour; there is no feature gate for it). The folder is walked as Go's filepath.WalkDir walks it: names sorted in each folder, subfolders where their names fall, a linked folder not followed; every file ending in .conf is decoded (YAML to JSON, a repeated key or a missing kind stops the kubelet, naming the file; apiVersion and kind are not otherwise checked) and merged as a JSON merge patch over the file and the drop-ins before it (objects merge, null removes what an earlier drop-in set). The result is read into the kubelet's internal type: keys match in any case, unknown keys are ignored without a word, maps such as systemReserved and featureGates are added to rather than replaced, and a value of the wrong type stops the kubelet. Flags still win over all of it. A missing folder stops the kubelet. Read from development copies of kubernetes/kubernetes (cmd/kubelet/app/server.go) and apimachinery v0.30.0 to v0.36.0; swnuma reads at most 64 drop-ins of 1 MiB each, 4096 names and 16 folders deep, and under --root never outside the snapshot.
            """),
        ("Feature gates", """
            --feature-gates and featureGates are set as component-base sets them (v0.30.0 to v0.36.0): a name the release does not know stops the kubelet with "unrecognized feature gate: NAME" (names are case-sensitive; TopologyManager, removed in 1.29, is unknown to every release modelled; PodLevelResourceManagers is known from 1.36; ComponentFlagz and ComponentStatusz from 1.32), and a locked gate set against its default stops it with "cannot set feature gate NAME to VALUE, feature is locked to DEFAULT" (MemoryManager from 1.32, CPUManagerPolicyOptions from 1.33). Setting a GA gate to its value is logged. The gates known are those of the managers swnuma checks, component-base's own, and a list of other well-known kubelet gates taken as known in every release: a real gate missing from that list is wrongly refused, and a gate removed before a release may be wrongly accepted.
            """),
        ("Checkpoint formats and checksums", """
            1.30 to 1.35 read only the v1 format and refuse a stored checksum of 0 like any wrong checksum \
            (1.34 read; 1.30 to 1.33 and 1.35 by the format's history, not read per release). \
            1.36 reads v1 with PodLevelResourceManagers off (the default) and accepts a checksum of 0; \
            with --feature-gates PodLevelResourceManagers=true it reads v2 (podEntries), falling back to v1. \
            A v2 file read as v1 fails its checksum (podEntries are in it); a v3 file is read by its top-level v1 fields and checksum: \
            the release that reads data and dataChecksum is later than 1.36 and not modelled.
            """),
        ("Node Allocatable", """
            In every release modelled, a reservation (kube-reserved + system-reserved + the hard eviction threshold) larger than \
            the capacity stops the kubelet: "invalid Node Allocatable configuration. Resource \"memory\" has an allocatable of R, capacity of C" \
            (the kubelet prints the reservation as R and capacity minus reservation as C). \
            Eviction flags are validated even under --experimental-allocatable-ignore-eviction, which only leaves them out of the sum; \
            a percentage above 100% is refused with "must be <= 100%". Read in development copies, not per release.
            """),
    ]

    static func section(_ page: inout MdocWriter) {
        page.macro("Sh KUBERNETES RESOURCE MANAGERS")
        page.text("""
            A node that pins Guaranteed pods to NUMA nodes runs three kubelet managers together: \
            the CPU manager (--cpu-manager-policy=static), the memory manager (--memory-manager-policy=Static) \
            and the Topology Manager (--topology-manager-policy, --topology-manager-scope). \
            --kubelet-check applies the rules of all three to this topology, and how they fit together, \
            before a kubelet restart finds them broken. Each finding is one line: \
            refused (the kubelet would not start: its own words), unsafe (it would start, but the setting is wrong for this machine) \
            or note, each followed by what to change.
            """)
        page.macro("Bl -tag -width Ds")
        page.macro("It CPU manager")
        page.text("""
            The static policy needs a CPU reservation: --reserved-cpus (a CPU list, within the online CPUs; \
            it replaces the cpu of --system-reserved and drops that of --kube-reserved), \
            else the cpu of --kube-reserved plus --system-reserved, rounded up to whole CPUs and taken whole cores first. \
            Policy options are checked by release and gate (alpha options need --feature-gates CPUManagerPolicyAlphaOptions=true), \
            refused pairs are named (full-pcpus-only or distribute-cpus-across-numa with distribute-cpus-across-cores, \
            prefer-align-cpus-by-uncorecache with either distribute option), \
            full-pcpus-only against reserved CPUs that split a core, \
            align-by-socket against single-numa-node and against machines with more sockets than NUMA nodes. \
            cpu_manager_state is verified as the kubelet restores it: its checksum (v1, v2, and v3 of 1.36 with PodLevelResourceManagers), \
            its policy, then the static policy's state validation: every reserved CPU in the shared pool \
            (none of them under strict-cpu-reservation), no container's CPUs in it, and together exactly the online CPUs.
            """)
        page.macro("It Memory manager")
        page.text("""
            --reserved-memory against Node Allocatable and the nodes' memory and huge page pools, as described below; \
            memory_manager_state against the planned machine state.
            """)
        page.macro("It Topology Manager")
        page.text("""
            Policy (none, best-effort, restricted, single-numa-node) and scope (container, pod) names; its options by release \
            (prefer-closest-numa-nodes, max-allowable-numa-nodes, at least 8); \
            any policy but none is refused on a machine with more NUMA nodes than max-allowable-numa-nodes (default 8).
            """)
        page.macro("It Across the managers")
        page.text("""
            Reserved memory on a node none of whose CPUs is reserved, and reserved CPUs on a node with no reserved memory; \
            a NUMA node all of whose CPUs are reserved (no exclusive CPU there, and under restricted or single-numa-node \
            no container with exclusive CPUs can take its memory); a node left with no memory for containers; \
            a huge page size reserved on some nodes but not on others that have the pool.
            """)
        page.macro("El")
        page.text("Check a planned static node, then the node's running kubelet, then a snapshot with its own configuration file:")
        page.macro("Bd -literal -offset indent")
        page.text("swnuma --kubelet-check --cpu-manager-policy=static --reserved-cpus=0,32 --memory-manager-policy=Static --system-reserved=memory=1Gi --reserved-memory '0:memory=1124Mi' --topology-manager-policy=single-numa-node")
        page.text("swnuma --kubelet-check")
        page.text("swnuma --root /tmp/sosreport --kubelet-check --config /tmp/sosreport/var/lib/kubelet/config.yaml")
        page.text("swnuma --kubelet-version=1.33 --kubelet-check --topology-manager-policy=restricted --topology-manager-policy-options=max-allowable-numa-nodes=16")
        page.text("swnuma --json --kubelet-check | jq -r '.findings[] | select(.severity != \"note\") | .rule + \": \" + .advice'")
        page.macro("Ed")
        page.macro("Pp")
        page.text("""
            --kubelet-check, --kubelet-suggest and --kubelet-state apply the rules of the kubelet's memory manager \
            (--memory-manager-policy=Static) to this topology, before a kubelet restart finds them broken. \
            The rules are those of the Kubernetes release given by --kubelet-version X.Y, from Kubernetes 1.30 to Kubernetes \(kubernetesVersion) (the default); \
            the text and JSON name the release applied. Common to every release: \
            the --reserved-memory syntax (';' between nodes, NODE:TYPE=QUANTITY, ',' between types, the flag repeatable), \
            resource quantities with their suffixes and exponents, \
            the types memory and hugepages-SIZE, no zero and no duplicate entries, \
            nodes that exist, per-type sums equal to the Node Allocatable reservation \
            (kube-reserved + system-reserved + the hard eviction threshold for memory.available, percentages of MemTotal), \
            and a non-zero memory reservation under the Static policy. \
            kube-reserved and system-reserved take cpu, memory, ephemeral-storage and pid only, \
            so a non-zero hugepages reservation can never balance. \
            Checkpoints are read in the formats v1 (Kubernetes 1.21 and later), v2 (with podEntries) and v3 (data and dataChecksum), \
            and their checksums verified as the kubelet of the release verifies them.
            """)
        page.macro("Pp")
        page.text("The rules that differ by release, and the release each changed in:")
        page.macro("Bl -tag -width Ds")
        for (rule, text) in rulesByRelease {
            page.macro("It \(rule)")
            page.text(text)
        }
        page.macro("El")
        page.macro("Pp")
        page.text("""
            The restart: --kubelet-check reads the node's memory_manager_state (in --root-dir, by default /var/lib/kubelet, \
            under --root for a snapshot) and says whether the kubelet would start with the planned settings over it. \
            A policy or reservation that changed since the checkpoint was written, a corrupt or truncated file and a wrong checksum \
            each stop the kubelet (exit 3, with the kubelet's message and swnuma's reason beside it). \
            Changing the policy or the reservations of a node therefore always takes the same steps, printed with the finding and \
            in JSON (restart.steps): drain the node, stop the kubelet, delete memory_manager_state, start the kubelet. \
            --kubelet-state FILE KUBELET-ARGS... judges a named file against the planned settings exactly as --kubelet-check \
            judges the file at its default path.
            """)
        page.macro("Pp")
        page.text("""
            The words after these options are the kubelet's own command line (--flag=value or --flag value; \
            flags that do not concern the memory manager are ignored), so they come last. \
            --config FILE is read as a KubeletConfiguration in YAML or JSON, --config-dir DIR's drop-ins are merged over it, \
            and flags override both as in the kubelet. \
            Files and folders named there are read from this machine as written. \
            Without arguments, swnuma checks the kubelet running under the root: its /proc/PID/cmdline, \
            and its configuration file and drop-ins read under the root too, so that a snapshot can be checked.
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
            split over the nodes with memory and CPUs in proportion to their size and summing exactly to the byte \
            (never onto a memory-only node, such as a GPU's memory); \
            on a snapshot without proc/meminfo the capacity is the sum of the nodes' memory, and a note says so. \
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
