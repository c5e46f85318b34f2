package import KubeletMemory
internal import NUMA

/// The modes `--kubelet-check`, `--kubelet-suggest` and `--kubelet-state`:
/// the words after the option and the release, handed to one
/// ``KubeletCommand`` request.
package protocol KubeletRequestMode: Mode {
    static var request: KubeletCommand.Request { get }
    var arguments: [String] { get }
    var json: Bool { get }
    var release: KubeletRelease { get }
    init(arguments: [String], json: Bool, release: KubeletRelease)
}

extension KubeletRequestMode {
    package static var combines: [OptionID]? { [.kubeletVersion] }
    package static var hasJSON: Bool { true }
    /// The kubelet's arguments follow the option: they are its, not a command.
    package static var runsCommand: Bool { true }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> Self {
        Self(arguments: try KubeletCommand.arguments(line, request.option), json: numactl.json, release: try KubeletCommand.release(line))
    }

    package func perform(_ context: inout Context) -> Outcome {
        KubeletCommand.perform(Self.request, arguments, root: context.root, json: json, release: release)
    }
}

/// `--kubelet-check [KUBELET-ARGS...]`: a kubelet's memory manager settings
/// checked against this topology by the kubelet's own rules.
package struct KubeletCheckMode: KubeletRequestMode, Equatable {
    package var arguments: [String]
    package var json: Bool
    package var release: KubeletRelease

    package init(arguments: [String], json: Bool, release: KubeletRelease) { (self.arguments, self.json, self.release) = (arguments, json, release) }

    package static let options: [OptionSpec] = [
        OptionSpec(.kubeletCheck, group: .swnuma, summary: "Check a kubelet's CPU, memory and Topology Manager settings against this topology", details: "Check what a kubelet command line (every word after the option; --config FILE is read as a KubeletConfiguration, YAML or JSON) sets for its three resource managers against the topology, by the kubelet's own rules and in its own words. CPU manager (--cpu-manager-policy=static): a CPU reservation (--reserved-cpus, or the cpu of --kube-reserved/--system-reserved, rounded up to whole CPUs) within the online CPUs, the policy options the release knows and their gates, refused pairs of options, full-pcpus-only against the SMT siblings, align-by-socket against the sockets and the Topology Manager. Memory manager (--memory-manager-policy=Static): --reserved-memory syntax and quantities, types, zero and duplicate entries, nodes that exist, per-type sums equal to Node Allocatable (kube-reserved + system-reserved + the hard eviction threshold for memory.available), a non-zero memory reservation. Topology Manager: policy and scope names, its options, the refusal on machines with more than 8 NUMA nodes unless max-allowable-numa-nodes allows them. Across the managers: reserved memory on nodes without reserved CPUs and the reverse, NUMA nodes left without an exclusive CPU or without memory, huge page sizes reserved on some nodes only. The restart: cpu_manager_state and memory_manager_state (in --root-dir) verified as the kubelet restores them (checksum, policy, a reservation or set of online CPUs that changed), with the steps to take. Without arguments, checks the kubelet running under the root (its /proc/PID/cmdline and configuration file). Exit 0 when the kubelet would accept the settings, 3 when it would refuse them or they are unsafe, 1 when the settings cannot be read.", fromNumactl: false, rest: "KUBELET-ARGS...", restValue: .kubeletArguments),
        OptionSpec(.kubeletVersion, value: .number, valueName: "X.Y", group: .swnuma, summary: "With --kubelet-*, apply the rules of Kubernetes X.Y (1.30 to 1.36; default 1.36)", details: "Apply the kubelet rules of Kubernetes release X.Y, from 1.30 to 1.36 (the default, the newest modelled), to --kubelet-check, --kubelet-suggest, --kubelet-state, --kubelet-fit and --node-resource-topology: the MemoryManager feature gate, the fields a configuration file may hold (mergeDefaultEvictionSettings), the policy names, the CPU and Topology Manager policy options and their stages, and how the memory and CPU managers' checkpoints are read. Give it before the kubelet option: the words after that option are the kubelet's. The text and JSON name the release whose rules were applied.", fromNumactl: false, missingValue: "a Kubernetes release such as 1.34"),
    ]

    package static let usage = [
        Usage(
            .optional([.option("--root", "dir")]), .optional([.option("--json")]), .optional([.option("--kubelet-version", "X.Y")]), .option("--kubelet-check"),
            .optional([.repeating(.argument("kubelet-arg"))]))
    ]

    package static var combines: [OptionID]? { [] }

    package static func manual(_ page: inout MdocWriter) {
        KubeletManual.section(&page)
    }

    package static let request = KubeletCommand.Request.check
}

/// `--kubelet-suggest [KUBELET-ARGS...]`: the `--reserved-memory` that
/// balances a kubelet's Node Allocatable memory.
package struct KubeletSuggestMode: KubeletRequestMode, Equatable {
    package var arguments: [String]
    package var json: Bool
    package var release: KubeletRelease

    package init(arguments: [String], json: Bool, release: KubeletRelease) { (self.arguments, self.json, self.release) = (arguments, json, release) }

    package static let options: [OptionSpec] = [
        OptionSpec(.kubeletSuggest, group: .swnuma, summary: "Print the --reserved-memory that balances a kubelet's Node Allocatable", details: "Print the --reserved-memory flags and the reservedMemory: YAML that balance the kubelet's Node Allocatable memory reservation, split across the nodes with memory in proportion to their size and summing exactly to the byte. The kubelet's arguments follow the option, as for --kubelet-check.", fromNumactl: false, rest: "KUBELET-ARGS...", restValue: .kubeletArguments),
    ]

    package static let usage = [
        Usage(
            .optional([.option("--root", "dir")]), .optional([.option("--json")]), .optional([.option("--kubelet-version", "X.Y")]), .option("--kubelet-suggest"),
            .optional([.repeating(.argument("kubelet-arg"))]))
    ]

    package static let request = KubeletCommand.Request.suggest
}

/// `--kubelet-state [FILE]`: the memory manager's checkpoint shown and
/// verified as the kubelet verifies it.
package struct KubeletStateMode: KubeletRequestMode, Equatable {
    package var arguments: [String]
    package var json: Bool
    package var release: KubeletRelease

    package init(arguments: [String], json: Bool, release: KubeletRelease) { (self.arguments, self.json, self.release) = (arguments, json, release) }

    package static let options: [OptionSpec] = [
        OptionSpec(.kubeletState, group: .swnuma, summary: "Show and verify the kubelet memory manager's checkpoint", details: "Show the memory manager's checkpoint (FILE, or memory_manager_state in the running kubelet's --root-dir, by default var/lib/kubelet/memory_manager_state under the root), judged against the kubelet arguments that follow FILE (the planned settings) or else the running kubelet's, exactly as --kubelet-check judges it: policy, per node and type the total, system-reserved, allocatable, reserved and free memory, node groups, and the containers' blocks; verify its checksum as the kubelet does, and compare it with the machine state the kubelet would compute now. Exit 0 when the kubelet would start with it, 3 when it would refuse it, 1 when it cannot be read.", fromNumactl: false, rest: "FILE [KUBELET-ARGS...]", restValue: .path),
    ]

    package static let usage = [
        Usage(
            .optional([.option("--root", "dir")]), .optional([.option("--json")]), .optional([.option("--kubelet-version", "X.Y")]), .option("--kubelet-state"),
            .optional([.argument("checkpoint"), .optional([.repeating(.argument("kubelet-arg"))])]))
    ]

    package static let request = KubeletCommand.Request.state
}

extension OptionID {
    package static let kubeletCheck = OptionID("kubelet-check")
    package static let kubeletSuggest = OptionID("kubelet-suggest")
    package static let kubeletState = OptionID("kubelet-state")
    package static let kubeletVersion = OptionID("kubelet-version")
}
