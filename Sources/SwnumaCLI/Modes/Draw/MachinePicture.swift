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
        /// The package (socket) its CPUs are in; for a node without CPUs,
        /// the package of its initiators or of its nearest CPU node.
        var package: Int?
        /// What its memory is, when the machine says (`GPU memory`,
        /// `persistent memory`); nil for plain memory with CPUs.
        var kindWords: String?
        /// Lines about its memory kind: the GPU, the DAX device, tier, initiators.
        var kindLines: [String] = []

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
    /// At most this many device lines in a box, the last saying `and N more`.
    static let devicesPerBox = 6

    /// The order devices are shown in a box: the ones an operator places
    /// work by first, PCI functions without a class of their own last.
    static let kindOrder: [DeviceInventory.Kind] = [.gpu, .accelerator, .rdma, .network, .block, .dax, .pci]

    /// Puts each device in its node's box, named: `eth0 network: Intel I350`,
    /// `3b:00.0 gpu: NVIDIA GV100GL`. A box shows at most ``devicesPerBox``
    /// lines; what does not fit is counted by kind on the last (`and 3 more: 2 pci, 1 dax`).
    mutating func addDevices(_ inventory: DeviceInventory) {
        var perNode: [Int: [DeviceInventory.Device]] = [:]
        let indexOfNode = Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for device in inventory.devices {
            guard let node = device.node, let index = indexOfNode[node] else {
                unplacedDevices += 1
                continue
            }
            perNode[index, default: []].append(device)
        }
        let order = Dictionary(uniqueKeysWithValues: Self.kindOrder.enumerated().map { ($1, 2 * $0) })
        // Persistent memory namespaces after the other disks, so that
        // `sda` is not pushed out of the box by `pmem0.1`, `pmem0.2s`, ...
        func rank(_ device: DeviceInventory.Device) -> Int {
            let base = order[device.kind] ?? 99
            return device.kind == .block && device.name.hasPrefix("pmem") ? base + 1 : base
        }
        for (index, devices) in perNode {
            let sorted = devices.enumerated().sorted { a, b in
                let (ra, rb) = (rank(a.element), rank(b.element))
                return ra != rb ? ra < rb : a.offset < b.offset
            }.map(\.element)
            let shown = sorted.count > Self.devicesPerBox ? Self.devicesPerBox - 1 : sorted.count
            nodes[index].devices = sorted.prefix(shown).map(Self.deviceLine)
            if sorted.count > shown {
                let rest = sorted.dropFirst(shown)
                var counts: [(DeviceInventory.Kind, Int)] = []
                for kind in Self.kindOrder {
                    let count = rest.filter { $0.kind == kind }.count
                    if count > 0 { counts.append((kind, count)) }
                }
                nodes[index].devices.append(
                    "and \(rest.count) more: " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", "))
            }
        }
    }

    /// `eth0 network: Intel Corporation I350`, `1a:00.0 gpu: 3D controller`:
    /// the name (a PCI address without the usual domain 0000), the kind, and
    /// the model from `pci.ids`, else the class name, else the class code.
    static func deviceLine(_ device: DeviceInventory.Device) -> String {
        func short(_ address: String) -> String {
            address.hasPrefix("0000:") ? String(address.dropFirst(5)) : address
        }
        var line = "\(short(device.name)) \(device.kind.rawValue)"
        if let name = device.model ?? device.className {
            line += ": \(name)"
        } else if let code = device.pciClass {
            line += ": class \(DevicesText.hex(code, 6))"
        }
        return line
    }

    /// Packages and the nodes in each, in package order (nodes without a
    /// known package last, under nil); empty when no package is known.
    var groups: [(package: Int?, nodes: [Int])] {
        guard nodes.contains(where: { $0.package != nil }) else { return [] }
        var order: [Int?] = []
        var members: [Int?: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            if members[node.package] == nil { order.append(node.package) }
            members[node.package, default: []].append(index)
        }
        order.sort { ($0 ?? Int.max) < ($1 ?? Int.max) }
        return order.map { ($0, members[$0] ?? []) }
    }

    /// Names each node's memory and finds its package.
    ///
    /// - Parameters:
    ///   - kinds: what each node's memory is.
    ///   - packages: each CPU's package id (``NodeFeatures/packages(of:root:)``).
    ///   - devices: where the devices are, for a GPU memory node's package (its GPU's).
    mutating func addKinds(_ kinds: MemoryKinds?, packages: [Int: Int]?, devices: DeviceInventory? = nil) {
        if let kinds {
            for index in nodes.indices {
                guard let kind = kinds.node(nodes[index].id) else { continue }
                var lines: [String] = []
                // Short enough for a box's title.
                switch kind.kind {
                case .cpu, .empty: break
                case .persistent: nodes[index].kindWords = "persistent"
                case .specificPurpose: nodes[index].kindWords = "specific-purpose"
                default: nodes[index].kindWords = kind.kind.words
                }
                if let gpu = kind.gpu { lines.append("memory of GPU \(gpu)") }
                if let dax = kind.dax { lines.append("from \(dax)" + (kind.daxDriver.map { " (\($0))" } ?? "")) }
                var tierLine: [String] = []
                if let tier = kind.tier, let range = kind.abstractDistance {
                    tierLine.append("tier \(tier) (distance \(range.lowerBound)-\(range.upperBound))")
                }
                if let initiators = kind.initiators, initiators != NodeSet([nodes[index].id]) { tierLine.append("near node\(initiators.count == 1 ? "" : "s") \(initiators)") }
                if !tierLine.isEmpty { lines.append(tierLine.joined(separator: ", ")) }
                nodes[index].kindLines = lines
            }
        }
        guard let packages else { return }
        for index in nodes.indices where !nodes[index].cpus.isEmpty {
            let ids = Set(nodes[index].cpus.compactMap { packages[$0] })
            if ids.count == 1 { nodes[index].package = ids.first }
        }
        // A node without CPUs: its GPU's node's package, else its initiators',
        // else its nearest CPU node's.
        for index in nodes.indices where nodes[index].cpus.isEmpty {
            let known = nodes
            let packageOf = { (id: Int) in known.first { $0.id == id }?.package }
            if let gpu = kinds?.node(nodes[index].id)?.gpu,
                let node = devices?.devices.first(where: { $0.pciAddress == gpu && $0.node != nil })?.node,
                let package = packageOf(node)
            {
                nodes[index].package = package
                continue
            }
            if let initiators = kinds?.node(nodes[index].id)?.initiators {
                let found = Set(initiators.compactMap(packageOf))
                if found.count == 1 {
                    nodes[index].package = found.first
                    continue
                }
            }
            let row = distances[index]
            var nearest = Int.max
            var nearestPackages = Set<Int>()
            for (other, distance) in row.enumerated() where other != index {
                guard let distance, !nodes[other].cpus.isEmpty, let package = nodes[other].package else { continue }
                if distance < nearest {
                    nearest = distance
                    nearestPackages = [package]
                } else if distance == nearest {
                    nearestPackages.insert(package)
                }
            }
            if nearestPackages.count == 1 { nodes[index].package = nearestPackages.first }
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
