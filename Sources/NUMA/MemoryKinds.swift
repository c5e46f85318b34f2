/// What each node's memory is, as the machine says: its memory tier, a
/// GPU's memory, persistent or specific-purpose memory brought online from
/// a DAX device, CXL memory, and the nodes whose CPUs or devices are its
/// initiators.
///
/// Read only when asked for (`-H` never reads it):
/// - `sys/devices/virtual/memory_tiering/memory_tierN/nodelist`: the
///   kernel's tiers; tier N covers abstract distances `N*128` to `N*128+127`,
///   smaller is faster (DRAM is tier 4 by default);
/// - `proc/driver/nvidia/gpus/BUS/numa_status` (`Node: N`): a GPU whose
///   memory is node N (the way hwloc finds them);
/// - `sys/bus/dax/devices/daxX.Y` with `target_node`: the node its memory
///   joins when the `kmem` driver onlines it; its folder tells what it is
///   (an NVDIMM region under `ndbus`, soft-reserved `hmem`, a CXL region);
/// - `sys/devices/system/node/nodeN/access0/initiators/nodeM` (and
///   `access1`): the nodes that reach node N's memory best (HMAT);
/// - `has_generic_initiator`: nodes that are a device, not CPUs or memory.
public struct MemoryKinds: Sendable, Equatable {
    /// What a node's memory is.
    public enum Kind: String, Sendable, CaseIterable {
        /// A node with CPUs: the machine's main memory.
        case cpu
        /// A GPU's own memory (`proc/driver/nvidia/gpus/*/numa_status`).
        case gpu
        /// Persistent memory (an NVDIMM region) onlined from a DAX device.
        case persistent
        /// Specific-purpose memory (soft reserved by the firmware, often
        /// high-bandwidth memory) onlined from a DAX device (`hmem`).
        case specificPurpose = "specific-purpose"
        /// CXL-attached memory (a CXL region's DAX device).
        case cxl
        /// A generic initiator: a device node, with neither CPUs nor memory.
        case initiator
        /// Memory without CPUs that the machine says nothing more about.
        case memoryOnly = "memory-only"
        /// Neither CPUs nor memory, and not an initiator.
        case empty

        /// A few words for people: `GPU memory`, `persistent memory`.
        public var words: String {
            switch self {
            case .cpu: "memory with CPUs"
            case .gpu: "GPU memory"
            case .persistent: "persistent memory"
            case .specificPurpose: "specific-purpose memory"
            case .cxl: "CXL memory"
            case .initiator: "generic initiator"
            case .memoryOnly: "memory only"
            case .empty: "no CPUs, no memory"
            }
        }
    }

    /// One node.
    public struct Node: Sendable, Equatable {
        /// The node id.
        public var id: Int
        /// What its memory is.
        public var kind: Kind
        /// Its memory tier (`memory_tierN`), when the kernel has tiers.
        public var tier: Int?
        /// The nodes that reach its memory best (`access0/initiators`,
        /// `access1` when that names some); nil when there are none.
        public var initiators: NodeSet?
        /// The GPU whose memory it is: its PCI address.
        public var gpu: String?
        /// The DAX device its memory came from (`dax0.0`) and that device's driver.
        public var dax: String?
        /// The DAX device's driver (`kmem`, `device_dax`).
        public var daxDriver: String?
        /// Why ``kind`` is what it is: the file that says so, relative to the root.
        public var evidence: String?

        /// A node entry; what is not given is unknown.
        public init(
            id: Int, kind: Kind, tier: Int? = nil, initiators: NodeSet? = nil, gpu: String? = nil, dax: String? = nil,
            daxDriver: String? = nil, evidence: String? = nil
        ) {
            self.id = id
            self.kind = kind
            self.tier = tier
            self.initiators = initiators
            self.gpu = gpu
            self.dax = dax
            self.daxDriver = daxDriver
            self.evidence = evidence
        }

        /// The abstract distances of ``tier`` (tiers are 128 wide; smaller is faster).
        public var abstractDistance: ClosedRange<Int>? {
            tier.map { $0 * MemoryKinds.tierWidth...$0 * MemoryKinds.tierWidth + MemoryKinds.tierWidth - 1 }
        }
    }

    /// How many abstract distances one memory tier covers (the kernel's
    /// `MEMTIER_CHUNK_SIZE`).
    public static let tierWidth = 128

    /// The nodes of the topology, in its order.
    public var nodes: [Node]

    /// The nodes as given.
    public init(nodes: [Node]) { self.nodes = nodes }

    /// The entry of node `id`.
    public func node(_ id: Int) -> Node? { nodes.first { $0.id == id } }

    /// Reads the kinds of `topology`'s nodes under `root`.
    public static func read(from root: SystemRoot, topology: Topology) -> MemoryKinds {
        let tiers = readTiers(root)
        let gpus = readGPUMemory(root)
        let dax = readDAX(root)
        let initiatorNodes = root.readAttribute("sys/devices/system/node/has_generic_initiator", limit: 1 << 16)
            .flatMap { NodeSet(list: String(decoding: $0, as: UTF8.self).trimmingWhitespaceAndNUL()) } ?? NodeSet()
        var result: [Node] = []
        for topologyNode in topology.nodes {
            let id = topologyNode.id
            var node = Node(id: id, kind: .memoryOnly)
            node.tier = tiers[id]
            node.initiators = readInitiators(root, node: id)
            if let bus = gpus[id] {
                node.gpu = bus
                node.kind = .gpu
                node.evidence = "proc/driver/nvidia/gpus/\(bus)/numa_status"
            } else if let device = dax[id] {
                node.dax = device.name
                node.daxDriver = device.driver
                node.kind = device.kind
                node.evidence = device.path
            }
            if topologyNode.hasCPUs {
                node.kind = .cpu
            } else if !topologyNode.hasMemory && node.gpu == nil && node.dax == nil {
                node.kind = initiatorNodes.contains(id) ? .initiator : .empty
                if node.kind == .initiator { node.evidence = "sys/devices/system/node/has_generic_initiator" }
            }
            result.append(node)
        }
        return MemoryKinds(nodes: result)
    }

    /// Node to tier, from `memory_tiering/memory_tierN/nodelist`.
    static func readTiers(_ root: SystemRoot) -> [Int: Int] {
        let folder = "sys/devices/virtual/memory_tiering"
        var tiers: [Int: Int] = [:]
        for name in root.list(folder) ?? [] where name.hasPrefix("memory_tier") {
            guard let tier = Int(decimal: name.dropFirst(11)), tier <= Int(Int32.max) / tierWidth,
                let bytes = root.readAttribute("\(folder)/\(name)/nodelist", limit: 1 << 16),
                let nodes = NodeSet(list: String(decoding: bytes, as: UTF8.self).trimmingWhitespaceAndNUL())
            else { continue }
            for node in nodes { tiers[node] = tier }
        }
        return tiers
    }

    /// Node to GPU PCI address, from the NVIDIA driver's `numa_status`.
    static func readGPUMemory(_ root: SystemRoot) -> [Int: String] {
        let folder = "proc/driver/nvidia/gpus"
        var gpus: [Int: String] = [:]
        for bus in (root.list(folder) ?? []).sorted() {
            guard let bytes = root.readBytes("\(folder)/\(bus)/numa_status", limit: 1 << 16) else { continue }
            ProcessLimits.forEachLine(of: bytes) { line in
                guard var value = ProcessLimits.value(of: "Node:", in: line) else { return }
                while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
                let digits = value.prefix { $0 >= 0x30 && $0 <= 0x39 }
                if let node = Int(decimal: String(decoding: digits, as: UTF8.self)), node < NodeSet.limit,
                    gpus[node] == nil
                {
                    gpus[node] = bus
                }
            }
        }
        return gpus
    }

    /// A DAX device whose memory is (or would be) a node's.
    struct DAXDevice {
        var name: String
        var driver: String?
        var kind: Kind
        var path: String
    }

    /// Node to DAX device, from `sys/bus/dax/devices/*/target_node`. A
    /// device the `kmem` driver onlined wins over one left as a device.
    static func readDAX(_ root: SystemRoot) -> [Int: DAXDevice] {
        let folder = "sys/bus/dax/devices"
        var found: [Int: DAXDevice] = [:]
        for name in (root.list(folder) ?? []).sorted() {
            guard let bytes = root.readAttribute("\(folder)/\(name)/target_node", limit: 64),
                let node = Int(decimal: String(decoding: bytes, as: UTF8.self).trimmingWhitespaceAndNUL()),
                node < NodeSet.limit
            else { continue }
            let path = SysfsDevice.canonical("\(folder)/\(name)", root: root) ?? "\(folder)/\(name)"
            let driver = SysfsDevice.canonical("\(folder)/\(name)/driver", root: root).flatMap {
                $0.split(separator: "/").last.map(String.init)
            }
            let device = DAXDevice(name: name, driver: driver, kind: daxKind(path: path), path: path)
            if let existing = found[node], existing.driver == "kmem" || driver != "kmem" { continue }
            found[node] = device
        }
        return found
    }

    /// What a DAX device's folder says it is: a CXL region (`ACPI0017`, a
    /// `decoder`), an NVDIMM region (`ndbus`), soft-reserved memory (`hmem`).
    public static func daxKind(path: String) -> Kind {
        let components = path.split(separator: "/")
        if components.contains(where: { $0.hasPrefix("ACPI0017") || $0.hasPrefix("decoder") || $0.hasPrefix("cxl") }) {
            return .cxl
        }
        if components.contains(where: { $0.hasPrefix("ndbus") }) { return .persistent }
        if components.contains(where: { $0.hasPrefix("hmem") }) { return .specificPurpose }
        return .memoryOnly
    }

    /// The `nodeM` entries of `nodeN/access1/initiators`, else of `access0`.
    static func readInitiators(_ root: SystemRoot, node: Int) -> NodeSet? {
        for access in ["access1", "access0"] {
            let entries = root.list("sys/devices/system/node/node\(node)/\(access)/initiators") ?? []
            let nodes = entries.compactMap { name -> Int? in
                guard name.hasPrefix("node"), let id = Int(decimal: name.dropFirst(4)), id < NodeSet.limit else { return nil }
                return id
            }
            if !nodes.isEmpty { return NodeSet(nodes) }
        }
        return nil
    }
}
