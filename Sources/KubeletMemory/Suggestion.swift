/// A `--reserved-memory` that balances the Node Allocatable reservation:
/// the total split across the nodes with memory in proportion to their size,
/// in whole MiB when the total is a whole number of MiB, summing exactly to
/// the total.
public struct ReservationSuggestion: Hashable, Sendable {
    /// The amount to split (system-reserved + kube-reserved + eviction threshold).
    public var total: Quantity
    /// Each node's share in bytes, by node id.
    public var shares: [Share]

    public struct Share: Hashable, Sendable {
        public var node: Int
        public var bytes: UInt64
        /// The share as a quantity (`1Gi`, `550Mi`, or bytes).
        public var quantity: Quantity { Quantity(Int64(clamping: bytes), format: .binarySI) }
    }

    /// The flags, one per node.
    public var flags: [String] {
        shares.map { "--reserved-memory=\($0.node):memory=\($0.quantity)" }
    }

    /// The `reservedMemory:` stanza of a KubeletConfiguration.
    public var yaml: String {
        var text = "reservedMemory:\n"
        for share in shares {
            text += "  - numaNode: \(share.node)\n    limits:\n      memory: \(share.quantity)\n"
        }
        return text
    }

    /// The split of `total` bytes over `machine`'s nodes with memory and
    /// CPUs (never a memory-only node such as a GPU's or CXL memory, which
    /// runs no system process), or nil when there is nothing to split or no
    /// such node has memory.
    public static func split(total: Quantity, machine: MachineMemory) -> ReservationSuggestion? {
        guard let totalBytes = total.int64Value, totalBytes > 0 else { return nil }
        let nodes = machine.nodes.filter { $0.memory > 0 && $0.hasCPUs }.sorted { $0.id < $1.id }
        guard !nodes.isEmpty else { return nil }
        let mib: UInt64 = 1 << 20
        let unit: UInt64 = UInt64(totalBytes) % mib == 0 ? mib : 1
        let units = UInt128(UInt64(totalBytes) / unit)
        let sum = nodes.reduce(UInt128(0)) { $0 + UInt128($1.memory) }
        var shares: [(node: Int, units: UInt128, remainder: UInt128)] = nodes.map { node in
            let product = units * UInt128(node.memory)
            return (node.id, product / sum, product % sum)
        }
        var left = units - shares.reduce(UInt128(0)) { $0 + $1.units }
        let order = shares.indices.sorted { shares[$0].remainder != shares[$1].remainder ? shares[$0].remainder > shares[$1].remainder : shares[$0].node < shares[$1].node }
        for index in order where left > 0 {
            shares[index].units += 1
            left -= 1
        }
        return ReservationSuggestion(
            total: total, shares: shares.map { Share(node: $0.node, bytes: UInt64($0.units) * unit) })
    }
}
