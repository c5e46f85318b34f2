package import NUMA

/// Renders `--hardware` exactly as numactl 2.0.19 prints it, with swnuma's
/// fixes: CPU lists of any width, `free: <not available>` when unknown.
package enum HardwareText {
    package static func render(_ topology: Topology, compressCPUs: Bool) -> String {
        var out = "available: \(topology.nodes.count) nodes (\(topology.nodeIDs))\n"
        for node in topology.nodes {
            out += "node \(node.id) cpus:"
            if compressCPUs {
                out += node.cpus.ranges.map { run in
                    run.count == 1 ? " \(run.lowerBound)" : " \(run.lowerBound)-\(run.upperBound)"
                }.joined(separator: ",")
                out += " (\(node.cpus.count))"
            } else {
                for cpu in node.cpus { out += " \(cpu)" }
            }
            out += "\n"
            out += "node \(node.id) size: \(megabytes(node.memoryTotal))\n"
            out += "node \(node.id) free: \(megabytes(node.memoryFree))\n"
        }
        guard topology.hasDistances else {
            return out + "No distance information available.\n"
        }
        out += "node distances:\nnode  "
        for node in topology.nodes { out += column(node.id) + " " }
        out += "\n"
        for row in topology.nodes {
            out += column(row.id) + ": "
            for index in topology.nodes.indices {
                out += column(index < row.distances.count ? row.distances[index] ?? 0 : 0) + " "
            }
            out += "\n"
        }
        return out
    }

    /// `%llu MB` of whole MiB, or `<not available>`.
    static func megabytes(_ bytes: UInt64?) -> String {
        bytes.map { "\($0 >> 20) MB" } ?? "<not available>"
    }

    /// A number as printf's `% 4d` writes it.
    static func column(_ value: Int) -> String {
        let text = value < 0 ? String(value) : " " + String(value)
        return text.count >= 4 ? text : String(repeating: " ", count: 4 - text.count) + text
    }
}
