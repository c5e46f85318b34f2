package import NUMA

/// What `--show` reports: the process's memory policy and CPU binding.
package struct PolicyReport: Equatable, Sendable {
    package var policy: MemoryPolicy
    /// The next interleave node, when the kernel answers the query.
    package var nextInterleaveNode: Int?
    /// Weights of weighted interleave, by node id, when readable.
    package var weights: [Int: Int] = [:]
    package var affinity: CPUSet
    /// The nodes whose CPUs the process may run on (CPU-only nodes included).
    package var cpuNodes: NodeSet
    package var memsAllowed: NodeSet
}

/// Renders `--show` as numactl 2.0.19 does, with swnuma's fixes: every line
/// ends with a newline, CPU-only nodes appear in cpubind/nodebind, and
/// weighted interleave has its name and weights.
package enum ShowText {
    package static func render(_ report: PolicyReport) -> String {
        let policy = report.policy
        let plain = policy.flags.isEmpty
        let next = report.nextInterleaveNode ?? 0
        var out = "policy: "
        out += (plain ? policy.mode.name : nil) ?? "[\(policy.rawMode)]"
        out += "\npreferred node: "
        if plain {
            switch policy.mode {
            case .default: out += "current"
            case .preferred: out += "\(policy.nodes.first ?? 0)"
            case .bind: out += "\(policy.nodes.first ?? 0)"
            case .interleave, .weightedInterleave: out += "\(next) (interleave next)"
            case .preferredMany: out += "\(next) (preferred-many)"
            default: break
            }
        }
        out += "\n"
        if plain && (policy.mode == .interleave || policy.mode == .weightedInterleave) {
            out += maskLine("interleavemask", policy.nodes)
            if policy.mode == .weightedInterleave {
                out += "interleaveweights:" + policy.nodes.map { " \(report.weights[$0] ?? 1)" }.joined() + "\n"
            }
            out += "interleavenode: \(next)\n"
        }
        out += maskLine("physcpubind", report.affinity)
        out += maskLine("cpubind", report.cpuNodes)
        out += maskLine("nodebind", report.cpuNodes)
        out += maskLine("membind", policy.mode == .bind ? policy.nodes : report.memsAllowed)
        out += maskLine("preferred", policy.nodes)
        return out
    }

    /// `name: ` then each id followed by a space, then a newline.
    static func maskLine<Kind>(_ name: String, _ set: IDSet<Kind>) -> String {
        var out = ByteText()
        out.append(name)
        out.append(": ")
        for id in set {
            out.append(id)
            out.appendSpace()
        }
        out.append("\n")
        return out.string
    }
}
