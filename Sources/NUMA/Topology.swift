/// The NUMA topology of a machine: its nodes, their CPUs, memory and distances.
///
/// Read from a ``SystemRoot`` by ``load(from:options:)``, which never fails:
/// a value that cannot be read or makes no sense is left unknown (nil) and
/// reported once in ``warnings``. Node ids are the kernel's, and may be sparse.
public struct Topology: Hashable, Sendable {
    /// One NUMA node.
    public struct Node: Hashable, Sendable {
        /// The kernel's node id (the N of `nodeN`).
        public var id: Int
        /// The node's CPUs; empty for a memory-only node or when unknown.
        public var cpus: CPUSet
        /// `MemTotal` in bytes; nil when unknown.
        public var memoryTotal: UInt64?
        /// `MemFree` in bytes; nil when unknown.
        public var memoryFree: UInt64?
        /// Distances to every node, aligned with ``Topology/nodes``; nil entries when unknown.
        public var distances: [Int?] {
            get { distanceTable.map { $0 < 0 ? nil : Int($0) } }
            set { distanceTable = newValue.map { Int32(clamping: $0 ?? -1) } }
        }
        /// ``distances`` compactly, -1 for unknown: a 1024-node machine has a million entries.
        package var distanceTable: [Int32]
        /// Huge pages by page size, ascending; filled only when asked for.
        public var hugePages: [HugePages]

        /// Whether the node has CPUs.
        public var hasCPUs: Bool { !cpus.isEmpty }
        /// Whether the node has memory (unknown counts as having memory).
        public var hasMemory: Bool { memoryTotal.map { $0 > 0 } ?? true }

        /// A node with the given values; unknown values are nil, unknown distances nil entries.
        public init(
            id: Int, cpus: CPUSet = [], memoryTotal: UInt64? = nil, memoryFree: UInt64? = nil,
            distances: [Int?] = [], hugePages: [HugePages] = []
        ) {
            self.id = id
            self.cpus = cpus
            self.memoryTotal = memoryTotal
            self.memoryFree = memoryFree
            self.distanceTable = distances.map { Int32(clamping: $0 ?? -1) }
            self.hugePages = hugePages
        }
    }

    /// The huge pages of one size on one node.
    public struct HugePages: Hashable, Sendable {
        /// The page size in bytes.
        public var pageSize: UInt64
        /// `nr_hugepages`, nil when unknown.
        public var total: UInt64?
        /// `free_hugepages`, nil when unknown.
        public var free: UInt64?

        /// The counts of pages of `pageSize` bytes; nil when unknown.
        public init(pageSize: UInt64, total: UInt64?, free: UInt64?) {
            self.pageSize = pageSize
            self.total = total
            self.free = free
        }
    }

    /// Where the topology came from.
    public enum Source: Hashable, Sendable {
        /// `sys/devices/system/node`.
        case sysfs
        /// The root has no node folder (a kernel built without NUMA): one node 0
        /// with every CPU and all memory, at distance 10 from itself; no node
        /// (and a warning) when neither the CPUs nor the memory can be read.
        case singleNodeFallback
    }

    /// What to read beyond nodes, CPUs, memory and distances.
    public struct LoadOptions: OptionSet, Hashable, Sendable {
        /// The option bits.
        public let rawValue: Int
        /// The options of the bits of `rawValue`.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Per-node huge page counts.
        public static let hugePages = LoadOptions(rawValue: 1)
        /// Leave distances unread (all unknown), for callers that need only CPUs and memory.
        public static let skipDistances = LoadOptions(rawValue: 2)
        /// Leave memory unread (unknown), for callers that need only CPUs.
        public static let skipMemory = LoadOptions(rawValue: 4)
    }

    /// The nodes in ascending id order.
    public var nodes: [Node]
    /// Where the topology came from.
    public var source: Source
    /// One line for each value that could not be read or made no sense.
    public var warnings: [String]

    /// A topology of `nodes`, in ascending id order; ``load(from:options:)`` reads a machine's.
    ///
    /// Each node's ``Node/distances`` are aligned with `nodes`.
    public init(nodes: [Node], source: Source = .sysfs, warnings: [String] = []) {
        self.nodes = nodes
        self.source = source
        self.warnings = warnings
    }

    /// The ids of all nodes.
    public var nodeIDs: NodeSet { NodeSet(nodes.map(\.id)) }

    /// Every CPU of every node.
    public var cpus: CPUSet { nodes.reduce(CPUSet()) { $0.union($1.cpus) } }

    /// The node with id `id`, if it exists.
    public func node(_ id: Int) -> Node? {
        nodes.first { $0.id == id }
    }

    /// The distance from node `from` to node `to`, nil when unknown or either does not exist.
    public func distance(from: Int, to: Int) -> Int? {
        guard let row = node(from), let column = nodes.firstIndex(where: { $0.id == to }),
            column < row.distanceTable.count, row.distanceTable[column] >= 0
        else { return nil }
        return Int(row.distanceTable[column])
    }

    /// Whether the distance matrix is known, decided as numactl does: the
    /// distance from the highest node to the lowest must be known and non-zero.
    public var hasDistances: Bool {
        guard let lowest = nodes.first, let highest = nodes.last else { return false }
        return (distance(from: highest.id, to: lowest.id) ?? 0) != 0
    }

    /// The nodes with CPUs.
    public var nodesWithCPUs: NodeSet { NodeSet(nodes.filter(\.hasCPUs).map(\.id)) }

    /// The nodes with memory.
    public var nodesWithMemory: NodeSet { NodeSet(nodes.filter(\.hasMemory).map(\.id)) }

    /// The nodes whose CPUs include any of `cpus`.
    public func nodes(containing cpus: CPUSet) -> NodeSet {
        NodeSet(nodes.filter { !$0.cpus.intersection(cpus).isEmpty }.map(\.id))
    }
}

// MARK: - Reading

extension Topology {
    static let nodeFolder = "sys/devices/system/node"
    static let cpuFolder = "sys/devices/system/cpu"

    /// Reads the topology under `root`.
    ///
    /// Nodes are the `nodeN` entries of `sys/devices/system/node`; CPUs come from
    /// each node's `cpumap` (any width) or else `cpulist`; memory from its
    /// `meminfo`; distances from its `distance`, whose entries are taken in the
    /// order of the existing nodes. A root without a node folder gives one
    /// node 0 (``Source/singleNodeFallback``); a node folder that exists but
    /// cannot be listed (a file, a link loop) gives no node, with a warning.
    public static func load(from root: SystemRoot, options: LoadOptions = []) -> Topology {
        var warnings = Warnings()
        let entries: [String]
        // Under a snapshot the listing also says which entries are folders,
        // so that each node folder needs no check of its own.
        var folders = Set<String>()
        switch root.isLive ? root.listing(nodeFolder).map { (names: $0, folders: folders) } : root.listingWithFolders(nodeFolder) {
        case .success(let listing):
            entries = listing.names
            folders = listing.folders
        case .failure(let error):
            // Only a missing folder means a kernel without NUMA; a folder that
            // is a file, a link loop or unreadable is said, and no node is
            // made up in its place.
            guard error.errno?.rawValue == Errno.noSuchFile.rawValue else {
                warnings.add("\(error.description): no node is known")
                return Topology(nodes: [], source: .sysfs, warnings: warnings.lines)
            }
            return singleNode(from: root, warnings: &warnings)
        }
        let ids = nodeIDs(entries, root: root, warnings: &warnings, knownFolders: folders)
        var nodes: [Node] = []
        nodes.reserveCapacity(ids.count)
        for id in ids {
            let folder = nodeFolder + "/node" + id.decimalText
            var node = Node(id: id)
            node.cpus = readCPUs(root, folder: folder, warnings: &warnings)
            if !options.contains(.skipMemory) {
                let meminfo = readMeminfo(root, "\(folder)/meminfo", warnings: &warnings)
                node.memoryTotal = meminfo.total
                node.memoryFree = meminfo.free
            }
            node.distanceTable =
                options.contains(.skipDistances)
                ? [Int32](repeating: -1, count: ids.count)
                : readDistances(root, "\(folder)/distance", count: ids.count, warnings: &warnings)
            if options.contains(.hugePages) {
                node.hugePages = readHugePages(root, "\(folder)/hugepages", warnings: &warnings)
            }
            nodes.append(node)
        }
        return Topology(nodes: nodes, source: .sysfs, warnings: warnings.lines)
    }

    /// The node ids of the `nodeN` names of the node folder, ascending.
    ///
    /// Only the kernel's own spelling counts (`node1`, never `node01`, which
    /// would name node 1 twice), ids below ``NodeKind/kernelLimit``; under a
    /// snapshot root, only folders. Every name left out that looks like a
    /// node is said, in one line per reason.
    static func nodeIDs(_ entries: [String], root: SystemRoot, warnings: inout Warnings, knownFolders: Set<String> = []) -> [Int] {
        var ids: [Int] = []
        var tooLarge: [String] = []
        var misspelt: [String] = []
        var notFolders: [String] = []
        for name in entries where name.hasBytePrefix("node") {
            let suffix = name.utf8.dropFirst(4)
            guard !suffix.isEmpty, suffix.allSatisfy({ $0 &- 0x30 < 10 }) else { continue }
            guard suffix.first != UInt8(ascii: "0") || suffix.count == 1 else {
                misspelt.append(name)
                continue
            }
            guard let id = Int(decimal: name.dropFirst(4)), id < NodeKind.kernelLimit else {
                tooLarge.append(name)
                continue
            }
            // A live sysfs has only folders here; a snapshot may hold anything.
            if !root.isLive && !knownFolders.contains(name) && !root.isDirectory("\(nodeFolder)/\(name)") {
                notFolders.append(name)
                continue
            }
            ids.append(id)
        }
        func say(_ names: [String], _ reason: @autoclosure () -> String) {
            guard !names.isEmpty else { return }
            let sorted = names.sorted()
            let shown = sorted.prefix(3).map { root.display("\(nodeFolder)/\($0)") }.joined(separator: ", ")
            let more = sorted.count > 3 ? " and \(sorted.count - 3) more" : ""
            warnings.add("ignoring \(shown)\(more): \(reason())")
        }
        say(tooLarge, "node id beyond the \(NodeKind.kernelLimit) nodes Linux can have")
        say(misspelt, "not the kernel's spelling of a node id (a leading zero)")
        say(notFolders, "not a folder")
        return ids.sorted()
    }

    private static func singleNode(from root: SystemRoot, warnings: inout Warnings) -> Topology {
        var cpus = root.readAttribute("\(cpuFolder)/online").flatMap { CPUSet(listBytes: $0, limit: CPUKind.kernelLimit) }
        if cpus == nil, let names = root.list(cpuFolder) {
            cpus = CPUSet(names.compactMap { name in
                name.hasBytePrefix("cpu") ? Int(decimal: Substring(name.utf8.dropFirst(3))).flatMap { $0 < CPUKind.kernelLimit ? $0 : nil } : nil
            })
        }
        let meminfo = readMeminfo(root, "proc/meminfo", warnings: &warnings)
        if cpus == nil && meminfo.total == nil {
            warnings.add("\(root.display(nodeFolder)), \(root.display(cpuFolder)) and \(root.display("proc/meminfo")) cannot be read: nothing is known of this machine")
            return Topology(nodes: [], source: .singleNodeFallback, warnings: warnings.lines)
        }
        let node = Node(
            id: 0, cpus: cpus ?? [], memoryTotal: meminfo.total, memoryFree: meminfo.free, distances: [10])
        return Topology(nodes: [node], source: .singleNodeFallback, warnings: warnings.lines)
    }

    /// The bytes of a file, or nil with a warning that names it when it
    /// exists but cannot be read (missing files are the caller's to mention).
    private static func read(_ root: SystemRoot, _ path: String, warnings: inout Warnings) -> [UInt8]? {
        switch root.read(path, limit: attributeLimit, attribute: path.hasBytePrefix("sys/")) {
        case .success(let bytes):
            return bytes
        case .failure(let error):
            if error.errno?.rawValue != Errno.noSuchFile.rawValue { warnings.add(error.description) }
            return nil
        }
    }

    /// The most read of one sysfs file (and of `proc/meminfo`): 1 MiB, far
    /// above the longest a kernel writes (a `cpulist` of 8192 scattered CPUs
    /// is under 40 KiB).
    static let attributeLimit = 1 << 20

    private static func readCPUs(_ root: SystemRoot, folder: String, warnings: inout Warnings) -> CPUSet {
        for file in ["cpumap", "cpulist"] {
            let path = "\(folder)/\(file)"
            guard let bytes = read(root, path, warnings: &warnings) else { continue }
            let cpus = file == "cpumap" ? CPUSet(maskBytes: bytes) : CPUSet(listBytes: bytes)
            guard let cpus else {
                warnings.add("\(root.display(path)) is not a CPU \(file == "cpumap" ? "mask" : "list"): ignored")
                continue
            }
            if let top = cpus.last, top >= CPUKind.kernelLimit {
                warnings.add("\(root.display(path)) names cpu \(top), beyond the \(CPUKind.kernelLimit) CPUs Linux can have: ignored")
                continue
            }
            return cpus
        }
        warnings.add("cannot read the CPUs of \(root.display(folder)) (cpumap, cpulist)")
        return []
    }

    struct MemoryFigures {
        var total: UInt64?
        var free: UInt64?
    }

    private static func readMeminfo(_ root: SystemRoot, _ path: String, warnings: inout Warnings) -> MemoryFigures {
        guard let bytes = read(root, path, warnings: &warnings) else {
            warnings.add("cannot read \(root.display(path))")
            return MemoryFigures()
        }
        let fields = Meminfo(bytes: bytes)
        let figures = MemoryFigures(total: fields.bytes("MemTotal"), free: fields.bytes("MemFree"))
        if figures.total == nil || figures.free == nil {
            warnings.add("\(root.display(path)) has no readable MemTotal or MemFree")
        }
        return figures
    }

    /// Reads a `distance` file: blank-separated decimal numbers, taken in
    /// the order of the existing nodes. Parsed byte by byte: a 1024-node
    /// machine has a million entries.
    private static func readDistances(
        _ root: SystemRoot, _ path: String, count: Int, warnings: inout Warnings
    ) -> [Int32] {
        var result = [Int32](repeating: -1, count: count)
        guard let bytes = read(root, path, warnings: &warnings) else {
            warnings.add("cannot read \(root.display(path)): its distances are unknown")
            return result
        }
        var unreadable: Int?
        var entries = 0
        // One pass over the bytes: a 1024-node machine has a million entries.
        bytes.withUnsafeBufferPointer { bytes in
            result.withUnsafeMutableBufferPointer { result in
                var column = 0
                var value = 0
                var start = -1  // where the current number starts, or -1 between numbers
                var index = 0
                while index < bytes.count && column < count {
                    let byte = bytes[index]
                    let digit = byte &- 0x30
                    if start < 0, digit < 10, index + 2 < bytes.count, bytes[index + 1] &- 0x30 < 10,
                        bytes[index + 2] == 0x20
                    {
                        // The usual entry, two digits and a blank, in one step.
                        result[column] = Int32(digit) &* 10 &+ Int32(bytes[index + 1] &- 0x30)
                        column += 1
                        index += 3
                        continue
                    }
                    if digit < 10 {
                        if start < 0 {
                            start = index
                            value = 0
                        }
                        value = value &* 10 &+ Int(digit)
                        if value > Int(Int32.max) {
                            unreadable = start
                            return
                        }
                    } else if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0 {
                        if start >= 0 {
                            result[column] = Int32(value)
                            column += 1
                            start = -1
                        }
                    } else {
                        unreadable = start >= 0 ? start : index
                        return
                    }
                    index += 1
                }
                if start >= 0 && column < count {
                    result[column] = Int32(value)
                    column += 1
                }
                entries = column
            }
        }
        if let start = unreadable {
            var end = start
            while end < bytes.count, end < start + 20, !isPadding(bytes[end]) { end += 1 }
            let token = escapedForDisplay(bytes: bytes[start..<max(end, start + 1)])
            warnings.add("\(root.display(path)) has an unreadable entry '\(token)': the distances from it on are unknown")
            return result
        }
        if entries < count {
            warnings.add("\(root.display(path)) has \(entries) distances for \(count) nodes: the rest are unknown")
        }
        return result
    }

    private static func readHugePages(_ root: SystemRoot, _ folder: String, warnings: inout Warnings) -> [HugePages] {
        guard let names = root.list(folder) else { return [] }
        var result: [HugePages] = []
        for name in names {
            guard let kib = hugePageFolderKiB(name) else { continue }
            let (size, overflow) = kib.multipliedReportingOverflow(by: 1024)
            guard !overflow else { continue }
            func counter(_ file: String) -> UInt64? {
                let path = "\(folder)/\(name)/\(file)"
                guard let bytes = read(root, path, warnings: &warnings) else { return nil }
                guard let value = UInt64(decimalText: String(decoding: bytes, as: UTF8.self).trimmingWhitespaceAndNUL()) else {
                    warnings.add("\(root.display(path)) is not a number: ignored")
                    return nil
                }
                return value
            }
            let total = counter("nr_hugepages")
            let free = counter("free_hugepages")
            result.append(HugePages(pageSize: size, total: total, free: free))
        }
        return result.sorted { $0.pageSize < $1.pageSize }
    }
}

/// Collects warning lines, each once, in the order first seen.
struct Warnings {
    private(set) var lines: [String] = []
    private var seen: Set<String> = []

    mutating func add(_ line: String) {
        if seen.insert(line).inserted { lines.append(line) }
    }
}

/// The fields of a `meminfo` file, either `/proc/meminfo` (`MemTotal: 1 kB`)
/// or a node's (`Node 0 MemTotal: 1 kB`), in file order.
public struct Meminfo: Sendable {
    /// A field: its name, its number, and whether the number is in kB.
    public struct Field: Hashable, Sendable {
        /// The key without its colon or node prefix: `MemTotal`.
        public var name: String
        /// The number as written.
        public var value: UInt64
        /// Whether `kB` follows the number.
        public var inKB: Bool
    }

    /// The fields that parse, in file order.
    public private(set) var fields: [Field] = []

    /// Parses the text of a meminfo file; lines that do not parse are skipped.
    public init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Parses the bytes of a meminfo file, line by line: the key is the word
    /// that ends in `:`, the value the number after it, then an optional `kB`.
    package init(bytes: [UInt8]) {
        // One pass over the bytes without bounds checks; a node's meminfo
        // has about 40 lines of about 30 bytes.
        var fields: [Field] = []
        fields.reserveCapacity(bytes.count / 24 + 1)
        bytes.withUnsafeBufferPointer { bytes in
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
            let count = bytes.count
            var index = 0
            while index < count {
                var end = index
                var colon = -1
                while end < count {
                    let byte = bytes[end]
                    if byte == 0x0A { break }
                    if colon < 0 && byte == UInt8(ascii: ":") { colon = end }
                    end += 1
                }
                defer { index = end + 1 }
                guard colon >= 0 else { continue }
                var keyStart = colon
                while keyStart > index && !isBlank(bytes[keyStart - 1]) { keyStart -= 1 }
                var at = colon + 1
                while at < end && isBlank(bytes[at]) { at += 1 }
                let digitsStart = at
                while at < end, bytes[at] >= 0x30, bytes[at] <= 0x39 { at += 1 }
                let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<colon])
                guard let value = UInt64(decimalBytes: bytes[digitsStart..<at]), keyStart < colon, at == end || isBlank(bytes[at]),
                    // A key is printable ASCII: a snapshot's control bytes never become a row label.
                    key.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
                else { continue }
                while at < end && isBlank(bytes[at]) { at += 1 }
                let inKB = end - at >= 2 && bytes[at] == UInt8(ascii: "k") && bytes[at + 1] == UInt8(ascii: "B")
                fields.append(Field(name: String(decoding: key, as: UTF8.self), value: value, inKB: inKB))
            }
        }
        self.fields = fields
    }

    /// A kB field converted to bytes; nil when absent, not in kB, or too large.
    public func bytes(_ name: String) -> UInt64? {
        guard let field = fields.first(where: { $0.name == name }), field.inKB else { return nil }
        let (bytes, overflow) = field.value.multipliedReportingOverflow(by: 1024)
        return overflow ? nil : bytes
    }
}
