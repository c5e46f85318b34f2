internal import NUMA

/// numactl's own job: set the memory policy and CPU binding, then replace
/// the process with the command (`swnuma -m 0 -N 0 -- cmd`).
///
/// Its rows are numactl's policy and binding options, which `--show`,
/// `--hardware` and shared-memory mode take too: ``NumactlPlan`` reads them
/// in order for all of them.
package struct LaunchMode: Mode, Equatable {
    package var plan: NumactlPlan
    package var command: [String]

    package static let options: [OptionSpec] = [
        OptionSpec(.interleave, short: "i", value: .nodes, group: .policy, summary: "Interleave memory allocations across nodes", details: "Allocate memory round robin across the given nodes. An empty set means the default policy."),
        OptionSpec(.weightedInterleave, short: "w", value: .nodes, group: .policy, summary: "Interleave by the weights in /sys/kernel/mm/mempolicy/weighted_interleave", details: "Like --interleave, but each node gets pages in proportion to its weight. Needs Linux 6.9 or later."),
        OptionSpec(.preferred, short: "p", value: .node, valueName: "node", group: .policy, summary: "Prefer memory from one node, fall back to others", details: "Allocate on the given node when possible and fall back to other nodes. Takes exactly one node."),
        OptionSpec(.preferredMany, short: "P", value: .nodes, group: .policy, summary: "Prefer memory from a set of nodes, fall back to others", details: "Allocate on any of the given nodes when possible and fall back to other nodes. Needs Linux 5.15 or later."),
        OptionSpec(.membind, short: "m", value: .nodes, group: .policy, summary: "Allocate memory only from these nodes", details: "Allocate memory only from the given nodes; allocation fails when they have no memory left."),
        OptionSpec(.localalloc, short: "l", group: .policy, summary: "Allocate on the node of the CPU that runs the code", details: "Always allocate on the node of the CPU the allocating thread runs on."),
        OptionSpec(.balancing, short: "b", group: .policy, summary: "With --membind, let NUMA balancing move pages within the set", details: "Combined with a later --membind, asks the kernel to balance pages among the bound nodes (MPOL_F_NUMA_BALANCING); ignored where the kernel lacks it."),
        OptionSpec(.cpunodebind, short: "N", value: .nodes, group: .cpu, summary: "Run only on the CPUs of these nodes", details: "Run the command only on the CPUs of the given nodes. Nodes with CPUs and no memory are accepted."),
        OptionSpec(.cpubind, short: "c", value: .nodes, group: .cpu, summary: "Old name of --cpunodebind", details: "Deprecated spelling of --cpunodebind, kept for old scripts."),
        OptionSpec(.physcpubind, short: "C", value: .cpus, group: .cpu, summary: "Run only on these CPUs", details: "Run the command only on the given CPUs."),
        OptionSpec(.all, short: "a", group: .cpu, summary: "Let later <nodes>/<cpus> name ids outside the cpuset", details: "Parse the <nodes> and <cpus> that follow against every node and CPU that exists instead of the ones this process is allowed to use. Must come before them."),
    ]

    package static let usage = [
        Usage(.optional([.argument("options")]), .optional([.option("--")]), .argument("command"), .optional([.repeating(.argument("arg"))]))
    ]

    package static var combines: [OptionID]? { nil }
    package static var runsCommand: Bool { true }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> LaunchMode {
        LaunchMode(plan: numactl, command: line.command)
    }

    package func perform(_ context: inout Context) -> Outcome {
        var (outcome, done) = context.prepare(plan, topology: nil, needsLiveSystem: true)
        if done { return outcome }
        outcome.launch = command
        return outcome
    }
}

extension OptionID {
    package static let interleave = OptionID("interleave")
    package static let weightedInterleave = OptionID("weighted-interleave")
    package static let preferred = OptionID("preferred")
    package static let preferredMany = OptionID("preferred-many")
    package static let membind = OptionID("membind")
    package static let localalloc = OptionID("localalloc")
    package static let balancing = OptionID("balancing")
    package static let cpunodebind = OptionID("cpunodebind")
    package static let cpubind = OptionID("cpubind")
    package static let physcpubind = OptionID("physcpubind")
    package static let all = OptionID("all")
}
