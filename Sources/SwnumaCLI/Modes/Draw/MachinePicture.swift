internal import NUMA

/// What `--draw` shows of a machine, ready for either renderer: per node
/// its CPUs, memory, huge pages and devices, and the distance matrix.
struct MachinePicture {
    enum NodeKind {
        /// CPUs and memory.
        case full
        /// CPUs, no memory (a memoryless node).
        case cpuOnly
        /// Memory, no CPUs (CXL, HBM, persistent memory).
        case memoryOnly
        /// Neither (an offline or empty node).
        case empty
    }

    struct Node {
        var id: Int
        var kind: NodeKind
        var cpus: CPUSet
        var memoryTotal: UInt64?
        var memoryFree: UInt64?
        /// Huge page sizes with pages, as `2 MiB: 10 of 512 free`.
        var hugePages: [String]
        /// One line per device attached to the node (``addDevices(_:)``).
        var devices: [String]

        /// The used share of memory, 0...1, when known.
        var usedShare: Double? {
            guard let total = memoryTotal, total > 0, let free = memoryFree else { return nil }
            return 1 - Double(min(free, total)) / Double(total)
        }

        /// `4 CPUs: 0-3` or `no CPUs`.
        var cpuText: String {
            cpus.isEmpty ? "no CPUs" : "\(cpus.count) CPU\(cpus.count == 1 ? "" : "s"): \(cpus)"
        }

        /// `15.6 GiB, 79% free`, `no memory`, or `memory unknown`.
        var memoryText: String {
            if kind == .cpuOnly || kind == .empty { return "no memory" }
            guard let total = memoryTotal else { return "memory unknown" }
            var text = ProcessView.bytes(total)
            if let free = memoryFree, total > 0 {
                text += ", \(Int((Double(min(free, total)) / Double(total) * 100).rounded()))% free"
            }
            return text
        }
    }

    var nodes: [Node]
    /// Devices whose node the kernel does not know, or that name a node
    /// the machine does not have.
    var unplacedDevices = 0
    /// At most this many device lines in a box; then `+ N more`.
    static let devicesPerBox = 6

    /// Puts each device in its node's box: `eth0 (network, 02:00.0)`.
    mutating func addDevices(_ inventory: DeviceInventory) {
        for device in inventory.devices {
            guard let node = device.node, let index = nodes.firstIndex(where: { $0.id == node }) else {
                unplacedDevices += 1
                continue
            }
            // PCI addresses without the usual domain 0000: eth0 (network, 02:00.0).
            func short(_ address: String) -> String {
                address.hasPrefix("0000:") ? String(address.dropFirst(5)) : address
            }
            let address = device.pciAddress.map(short)
            let line =
                device.kind == .pci
                ? "\(short(device.name)) (pci)"
                : "\(device.name) (\(device.kind.rawValue)" + (address.map { ", \($0)" } ?? "") + ")"
            nodes[index].devices.append(line)
        }
        for index in nodes.indices where nodes[index].devices.count > Self.devicesPerBox {
            let more = nodes[index].devices.count - (Self.devicesPerBox - 1)
            nodes[index].devices = Array(nodes[index].devices.prefix(Self.devicesPerBox - 1)) + ["+ \(more) more devices"]
        }
    }

    /// Distances, row by row in node order; nil where unknown.
    var distances: [[Int?]]
    var hasDistances: Bool

    init(_ topology: Topology) {
        nodes = topology.nodes.map { node in
            let hasMemory = (node.memoryTotal ?? 1) > 0
            let kind: NodeKind =
                switch (node.hasCPUs, hasMemory) {
                case (true, true): .full
                case (true, false): .cpuOnly
                case (false, true): .memoryOnly
                case (false, false): .empty
                }
            let huge = node.hugePages.compactMap { pages -> String? in
                guard let total = pages.total, total > 0 else { return nil }
                return "\(ProcessView.bytes(pages.pageSize).replacingZeroDecimal()) pages: \(pages.free.map(String.init) ?? "?") of \(total) free"
            }
            return Node(
                id: node.id, kind: kind, cpus: node.cpus, memoryTotal: node.memoryTotal, memoryFree: node.memoryFree,
                hugePages: huge, devices: [])
        }
        // Each row's own table, in the nodes' order: one pass, not a lookup per cell.
        let count = topology.nodes.count
        distances = topology.nodes.map { row in
            let known = row.distances
            return (0..<count).map { $0 < known.count ? known[$0] : nil }
        }
        hasDistances = topology.hasDistances
        let known = distances.joined().compactMap { $0 }
        if let low = known.min(), let high = known.max() { distanceRange = (low, high) }
    }

    /// The known distances' smallest and largest values.
    var distanceRange: (low: Int, high: Int)?

    /// Where a distance sits between the smallest and largest, 0...1.
    func heat(_ distance: Int) -> Double {
        guard let (low, high) = distanceRange, high > low else { return 0 }
        return Double(distance - low) / Double(high - low)
    }
}

extension String {
    /// `2.0 MiB` as `2 MiB`.
    func replacingZeroDecimal() -> String {
        guard let space = firstIndex(of: " "), self[..<space].hasSuffix(".0") else { return self }
        return String(self[..<index(space, offsetBy: -2)]) + String(self[space...])
    }
}
