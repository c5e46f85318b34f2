/// Every option swnuma knows, in one table.
///
/// The scanner, `--help`, the man page and the shell completions are all
/// generated from this table, so they cannot drift apart. The numactl options
/// keep numactl's names, letters and argument rules exactly.
package enum OptionID: String, CaseIterable, Sendable {
    case all, interleave, weightedInterleave, preferred, preferredMany, membind, localalloc
    case cpunodebind, cpubind, physcpubind, balancing
    case show, hardware, cpuCompress, version, help
    case shm, file, length, offset, shmmode, huge, shmid, strict, touch, dump, dumpNodes, verify
    case root, json, require, devices
    case process, draw
    case nfdFeatures, label, expiry, output
    case kubeletCheck, kubeletSuggest, kubeletState
}

/// What an option's value is, which decides how it is parsed and completed.
package enum ValueKind: String, Sendable {
    /// No value.
    case none
    /// A `<nodes>` spec.
    case nodes
    /// A `<nodes>` spec that must name exactly one node.
    case node
    /// A `<cpus>` spec.
    case cpus
    /// A size with an optional k, m or g suffix.
    case size
    /// A file path.
    case path
    /// A folder path.
    case directory
    /// An octal file mode.
    case mode
    /// A number.
    case number
    /// A `--require` expression.
    case expression
}

/// Where an option belongs, for grouping in help and the man page.
package enum OptionGroup: String, CaseIterable, Sendable {
    case policy = "Memory policy (one per command line)"
    case cpu = "CPU binding"
    case info = "Information"
    case shm = "Shared memory (policy for a region instead of a process)"
    case swnuma = "swnuma extensions"
}

/// One row of the option table.
package struct OptionSpec: Sendable {
    package let id: OptionID
    /// The long name without dashes.
    package let long: String
    /// The short letter, if any.
    package let short: Character?
    package let value: ValueKind
    /// The value's name in help text (`nodes`, `cpus`, `size`).
    package let valueName: String
    package let group: OptionGroup
    /// One line for `--help`.
    package let summary: String
    /// A paragraph for the man page.
    package let details: String
    /// True for numactl's own options; false for swnuma's additions.
    package let fromNumactl: Bool
    /// Left out of `--help` (still in the man page).
    package let hidden: Bool
    /// The value may be left out (`--draw` alone); see ``Scanner``.
    package var valueIsOptional = false
    /// For an option that takes every word after it (`--kubelet-check
    /// KUBELET-ARGS...`), the name of those words; nil otherwise.
    package let rest: String?

    package var takesValue: Bool { value != .none }

    /// The option as written in help: `-m, --membind=nodes`.
    package var synopsis: String {
        let value = valueIsOptional ? "[=\(valueName)]" : takesValue ? "=\(valueName)" : ""
        let longForm = "--\(long)" + value + (rest.map { " [\($0)]" } ?? "")
        return short.map { "-\($0), \(longForm)" } ?? longForm
    }

    /// The option as written in messages: `-m/--membind` or `--cpu-compress`.
    package var displayName: String {
        short.map { "-\($0)/--\(long)" } ?? "--\(long)"
    }
}

package enum OptionTable {
    /// Every option, in the order help lists them.
    package static let all: [OptionSpec] = [
        row(.interleave, "interleave", "i", .nodes, .policy,
            "Interleave memory allocations across nodes",
            "Allocate memory round robin across the given nodes. An empty set means the default policy."),
        row(.weightedInterleave, "weighted-interleave", "w", .nodes, .policy,
            "Interleave by the weights in /sys/kernel/mm/mempolicy/weighted_interleave",
            "Like --interleave, but each node gets pages in proportion to its weight. Needs Linux 6.9 or later."),
        row(.preferred, "preferred", "p", .node, .policy,
            "Prefer memory from one node, fall back to others",
            "Allocate on the given node when possible and fall back to other nodes. Takes exactly one node.",
            valueName: "node"),
        row(.preferredMany, "preferred-many", "P", .nodes, .policy,
            "Prefer memory from a set of nodes, fall back to others",
            "Allocate on any of the given nodes when possible and fall back to other nodes. Needs Linux 5.15 or later."),
        row(.membind, "membind", "m", .nodes, .policy,
            "Allocate memory only from these nodes",
            "Allocate memory only from the given nodes; allocation fails when they have no memory left."),
        row(.localalloc, "localalloc", "l", .none, .policy,
            "Allocate on the node of the CPU that runs the code",
            "Always allocate on the node of the CPU the allocating thread runs on."),
        row(.balancing, "balancing", "b", .none, .policy,
            "With --membind, let NUMA balancing move pages within the set",
            "Combined with a later --membind, asks the kernel to balance pages among the bound nodes (MPOL_F_NUMA_BALANCING); ignored where the kernel lacks it."),
        row(.cpunodebind, "cpunodebind", "N", .nodes, .cpu,
            "Run only on the CPUs of these nodes",
            "Run the command only on the CPUs of the given nodes. Nodes with CPUs and no memory are accepted."),
        row(.cpubind, "cpubind", "c", .nodes, .cpu,
            "Old name of --cpunodebind",
            "Deprecated spelling of --cpunodebind, kept for old scripts."),
        row(.physcpubind, "physcpubind", "C", .cpus, .cpu,
            "Run only on these CPUs",
            "Run the command only on the given CPUs."),
        row(.all, "all", "a", .none, .cpu,
            "Let later <nodes>/<cpus> name ids outside the cpuset",
            "Parse the <nodes> and <cpus> that follow against every node and CPU that exists instead of the ones this process is allowed to use. Must come before them."),
        row(.hardware, "hardware", "H", .none, .info,
            "Show the nodes, their CPUs, memory and distances",
            "Print the inventory of nodes: CPUs, memory size and free memory, and the distance matrix. A command after it is ignored."),
        row(.cpuCompress, "cpu-compress", nil, .none, .info,
            "With --hardware, print CPU lists as ranges",
            "Print the CPU lists of --hardware as ranges with a count: 0-3, 8 (5)."),
        row(.show, "show", "s", .none, .info,
            "Show the memory policy and CPU binding in effect",
            "Print this process's memory policy and CPU binding, after the options before it, and exit. Words after it are not read."),
        row(.version, "version", nil, .none, .info,
            "Print the version and exit",
            "Print the version and exit."),
        row(.help, "help", "h", .none, .info,
            "Print this help and exit",
            "Print a summary of the options on standard output and exit."),
        row(.shm, "shm", "S", .path, .shm,
            "Apply the policy to a System V shared memory segment",
            "Attach the System V shared memory segment keyed by the file (created when missing) and apply the following policy options to it.",
            valueName: "keyfile"),
        row(.file, "file", "f", .path, .shm,
            "Apply the policy to a file in tmpfs or hugetlbfs",
            "Map the file (created when missing) and apply the following policy options to it."),
        row(.length, "length", "L", .size, .shm,
            "Length of the region (k, m, g suffixes)",
            "Length of the shared memory region, with an optional k, m or g suffix. Must come before --shm/--file."),
        row(.offset, "offset", "o", .size, .shm,
            "Offset of the region (k, m, g suffixes)",
            "Offset into the shared memory region. Must come before --shm/--file."),
        row(.shmmode, "shmmode", "M", .mode, .shm,
            "Mode for a created segment or file (octal)",
            "Permission bits, in octal, for a segment or file that --shm/--file creates. Must come before them.",
            valueName: "mode"),
        row(.shmid, "shmid", "I", .number, .shm,
            "Project id for the --shm key",
            "The project id combined with the key file to form the System V key.",
            valueName: "id"),
        row(.huge, "huge", "u", .none, .shm,
            "Use huge pages for a created --shm segment",
            "Create the --shm segment with huge pages. Must come before --shm."),
        row(.strict, "strict", "t", .none, .shm,
            "Fail when pages of the region are on the wrong node",
            "Make later policy options on the region fail when pages already lie outside the policy."),
        row(.touch, "touch", "T", .none, .shm,
            "Touch every page of the region to apply the policy now",
            "Fault in every page of the region so that the policy takes effect at once."),
        row(.dump, "dump", "d", .none, .shm,
            "Print the policy of each part of the region",
            "Print the policy of the region in runs of pages."),
        row(.dumpNodes, "dump-nodes", "D", .none, .shm,
            "Print the node of each part of the region",
            "Print the node each run of pages of the region is on."),
        row(.verify, "verify", "V", .none, .shm,
            "Check the region's pages against the policy",
            "Touch the region and check that every page follows the policy set before it."),
        row(.root, "root", nil, .directory, .swnuma,
            "Read the topology from a snapshot folder instead of /",
            "Read sys/ and proc/ under the folder, a snapshot of another machine, instead of the running system. Also set by SWNUMA_ROOT. Policies and commands are refused under a snapshot.",
            valueName: "dir", fromNumactl: false),
        row(.json, "json", nil, .none, .swnuma,
            "With --hardware, --show, --require, --process or --kubelet-*, print JSON",
            "Print one JSON document on standard output instead of text.",
            fromNumactl: false),
        row(.devices, "devices", nil, .none, .swnuma,
            "List each node's network, block, GPU, DAX and PCI devices",
            "For each node, list the devices attached to it: network interfaces, disks, GPUs, DAX devices and other PCI functions, with their PCI address and class (named from pci.ids when the hwdata package is installed), found as netdev: and block: find them. Devices whose node the kernel does not know are listed last. With --hardware, after its output; with --json, a devices array in the --hardware document.",
            fromNumactl: false),
        row(.require, "require", nil, .expression, .swnuma,
            "Check the topology; launch only when it holds",
            "Check a requirement on the topology before anything else. Alone, exit 0 when every requirement holds and 3 when one does not; before a command, launch it only when all hold. Repeatable.",
            valueName: "expr", fromNumactl: false),
        row(.process, "process", nil, .number, .swnuma,
            "Show where a running process's memory is against where it runs",
            "Show a running process by id, or every process whose name or command line contains the word (as numastat -p matches): its command, allowed CPUs and nodes, cpuset, the nodes its threads last ran on, its memory per node by kind (anonymous, file, huge pages) and by the policy of each mapping, the share of its memory on nodes its threads do not run on, and the memory outside what its policies or its cpuset allow. Repeatable; with --json, one JSON document. A process that vanished or cannot be read is reported, not fatal. Works under --root.",
            valueName: "pid|name", fromNumactl: false),
        row(.draw, "draw", nil, .path, .swnuma,
            "Draw the machine: an SVG file, or boxes on the terminal",
            "Draw the nodes (CPUs, memory and free share, huge pages, devices) and the distance matrix. --draw=FILE, or --draw FILE when FILE ends in .svg, writes an SVG picture to FILE; --draw - writes it to standard output. --draw alone prints boxes of box-drawing characters, as wide as the terminal, or 80 columns (COLUMNS when set) when standard output is not a terminal. Any other word after --draw is a command, which --draw refuses.",
            valueName: "file.svg", fromNumactl: false, valueIsOptional: true),
        row(.nfdFeatures, "nfd-features", nil, .none, .swnuma,
            "Print NUMA labels for node-feature-discovery",
            "Print a feature file for node-feature-discovery's local source: one name=value line per NUMA label (see NODE FEATURE LABELS), to be placed in /etc/kubernetes/node-feature-discovery/features.d/. A name or value that breaks Kubernetes' label rules is refused before anything is written. With --require, the file is printed or written only when every requirement holds (exit 3 otherwise).",
            fromNumactl: false),
        row(.label, "label", nil, .expression, .swnuma,
            "With --nfd-features, add NAME=true|false from a --require expression",
            "With --nfd-features, add the label NAME, true when the --require expression EXPR holds and false when it does not: --label db-ready='node(0).free>=64G'. NAME is written as given; node-feature-discovery prefixes a name without a prefix/ with feature.node.kubernetes.io/. Repeatable.",
            valueName: "name=expr", fromNumactl: false),
        row(.expiry, "expiry", nil, .number, .swnuma,
            "With --nfd-features, labels expire after this duration (1h30m)",
            "With --nfd-features, write the directive # +expiry-time= with the time (UTC, RFC 3339) this duration from now, after which node-feature-discovery drops the labels unless the file is refreshed. A duration is one or more whole numbers each followed by s, m, h or d: 90s, 30m, 1h30m, 7d; from 1s to 3650d. As the time moves, each run rewrites the file.",
            valueName: "duration", fromNumactl: false),
        row(.output, "output", nil, .path, .swnuma,
            "With --nfd-features, write the file atomically instead of to stdout",
            "With --nfd-features, write the feature file to this path instead of standard output: through a hidden temporary file in the same folder, flushed and renamed over the path, so that a reader never sees a partial file. When the file already holds exactly the same text it is left untouched.",
            valueName: "file", fromNumactl: false),
        row(.kubeletCheck, "kubelet-check", nil, .none, .swnuma,
            "Check a kubelet's memory manager settings against this topology",
            "Check the memory manager settings of a kubelet command line (every word after the option; --config FILE is read as a KubeletConfiguration, YAML or JSON) against the topology, by the kubelet's own rules: --reserved-memory syntax and quantities, types, zero and duplicate entries, nodes that exist, per-type sums equal to Node Allocatable (kube-reserved + system-reserved + the hard eviction threshold for memory.available), a non-zero memory reservation under the Static policy. Beyond the kubelet: reservations that exceed a node's memory or huge page pool, reservations on nodes without CPUs or memory, reservations the None policy ignores. Without arguments, checks the kubelet running under the root (its /proc/PID/cmdline and configuration file). Exit 0 when the kubelet would accept the settings, 3 when it would refuse them or they are unsafe, 1 when the settings cannot be read.",
            fromNumactl: false, rest: "KUBELET-ARGS..."),
        row(.kubeletSuggest, "kubelet-suggest", nil, .none, .swnuma,
            "Print the --reserved-memory that balances a kubelet's Node Allocatable",
            "Print the --reserved-memory flags and the reservedMemory: YAML that balance the kubelet's Node Allocatable memory reservation, split across the nodes with memory in proportion to their size and summing exactly to the byte. The kubelet's arguments follow the option, as for --kubelet-check.",
            fromNumactl: false, rest: "KUBELET-ARGS..."),
        row(.kubeletState, "kubelet-state", nil, .none, .swnuma,
            "Show and verify the kubelet memory manager's checkpoint",
            "Show the memory manager's checkpoint (FILE, or memory_manager_state in the running kubelet's --root-dir, by default var/lib/kubelet/memory_manager_state under the root): policy, per node and type the total, system-reserved, allocatable, reserved and free memory, node groups, and the containers' blocks; verify its checksum as the kubelet does, and compare it with the machine state the kubelet would compute now. Exit 0 when the kubelet would start with it, 3 when it would refuse it, 1 when it cannot be read.",
            fromNumactl: false, rest: "FILE"),
    ]

    /// The row for `id`.
    package static func spec(_ id: OptionID) -> OptionSpec {
        guard let spec = all.first(where: { $0.id == id }) else {
            preconditionFailure("option \(id) has no row in the option table")
        }
        return spec
    }

    private static func row(
        _ id: OptionID, _ long: String, _ short: Character?, _ value: ValueKind, _ group: OptionGroup,
        _ summary: String, _ details: String, valueName: String? = nil, fromNumactl: Bool = true,
        hidden: Bool = false, valueIsOptional: Bool = false, rest: String? = nil
    ) -> OptionSpec {
        OptionSpec(
            id: id, long: long, short: short, value: value, valueName: valueName ?? value.rawValue, group: group,
            summary: summary, details: details, fromNumactl: fromNumactl, hidden: hidden,
            valueIsOptional: valueIsOptional, rest: rest)
    }
}
