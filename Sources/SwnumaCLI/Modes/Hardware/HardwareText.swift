package import NUMA

/// Renders `--hardware` exactly as numactl 2.0.19 prints it, with swnuma's
/// fixes: CPU lists of any width, `free: <not available>` when unknown.
///
/// Output is built as bytes: a 1024-node machine has a million distance
/// cells, and string concatenation per cell would dominate the run time.
package enum HardwareText {
    package static func render(_ topology: Topology, compressCPUs: Bool) -> String {
        var out = ByteText()
        out.append("available: ")
        out.append(topology.nodes.count)
        out.append(" nodes (")
        out.append(topology.nodeIDs.description)
        out.append(")\n")
        for node in topology.nodes {
            out.append("node ")
            out.append(node.id)
            out.append(" cpus:")
            if compressCPUs {
                var separator = " "
                node.cpus.forEachRun { first, last in
                    out.append(separator)
                    separator = ", "
                    out.append(first)
                    if last != first {
                        out.append("-")
                        out.append(last)
                    }
                }
                out.append(" (")
                out.append(node.cpus.count)
                out.append(")")
            } else {
                for cpu in node.cpus {
                    out.append(" ")
                    out.append(cpu)
                }
            }
            out.append("\nnode ")
            out.append(node.id)
            out.append(" size: ")
            out.appendMegabytes(node.memoryTotal)
            out.append("\nnode ")
            out.append(node.id)
            out.append(" free: ")
            out.appendMegabytes(node.memoryFree)
            out.append("\n")
        }
        guard topology.hasDistances else {
            out.append("No distance information available.\n")
            return out.string
        }
        out.append("node distances:\nnode  ")
        for node in topology.nodes {
            out.appendColumn(node.id)
            out.append(" ")
        }
        out.append("\n")
        let count = topology.nodes.count
        for row in topology.nodes {
            out.appendColumn(row.id)
            out.append(": ")
            out.appendDistanceCells(row.distanceTable, count: count)
            out.append("\n")
        }
        return out.string
    }
}
