internal import NUMA

/// `--show` (`-s`): the memory policy and CPU binding this process has after
/// the options before it, byte for byte as numactl prints them.
package struct ShowMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.show, short: "s", group: .info, summary: "Show the memory policy and CPU binding in effect", details: "Print this process's memory policy and CPU binding, after the options before it, and exit. Words after it are not read.", endsScan: true),
    ]

    package static let usage = [Usage(.optional([.argument("policy")]), .option("--show"), .optional([.option("--json")]))]

    package func perform(_ context: inout Context) -> Outcome {
        var (outcome, done) = context.prepare(plan, topology: nil, needsLiveSystem: true)
        if done { return outcome }
        do {
            let report = try context.policyReport()
            outcome.stdout +=
                plan.json
                ? ShowJSON.render(report, limits: context.limits, cpuset: Cpuset.read(from: context.root))
                : ShowText.render(report)
        } catch {
            return .failure(error.description)
        }
        return outcome
    }
}

extension Context {
    /// The policy, binding and allowed sets `--show` prints.
    mutating func policyReport() throws(NUMAError) -> PolicyReport {
        let policy = try MemoryPolicy.current(maskBits: limits.nodeMaskBits)
        let affinity = try CPUAffinity.current()
        var weights: [Int: Int] = [:]
        if policy.mode == .weightedInterleave {
            for node in policy.nodes {
                if let text = root.readText("sys/kernel/mm/mempolicy/weighted_interleave/node\(node)"),
                    let weight = Int(decimal: text.trimmingWhitespaceAndNUL())
                {
                    weights[node] = weight
                }
            }
        }
        let topology = self.topology
        return PolicyReport(
            policy: policy, nextInterleaveNode: MemoryPolicy.nextInterleaveNode(), weights: weights,
            affinity: affinity, cpuNodes: topology.nodes(containing: affinity),
            memsAllowed: limits.memsAllowed ?? nodesWithMemory())
    }
}

extension OptionID {
    package static let show = OptionID("show")
}
