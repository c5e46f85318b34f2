/// The per-node statistics numastat reports: each node's allocation counters
/// (`numastat`), its `meminfo` fields, and where a process's memory is
/// (`/proc/PID/numa_maps`). Everything is read from a ``SystemRoot``; values
/// are raw (pages, bytes) and the caller scales and prints them.
public enum NodeStatistics {
    static let nodeFolder = "sys/devices/system/node"

    /// The system's page size in bytes.
    ///
    /// The corresponding C function is `sysconf(_SC_PAGESIZE)`.
    public static var pageSize: Int { Syscalls.pageSize }

    /// The value of an environment variable (`NUMASTAT_WIDTH`), if set.
    public static func environment(_ name: String) -> String? { Syscalls.environment(name) }

    /// The calling process's id.
    public static var ownProcessID: Int32 { Syscalls.processID }

    /// The columns of the terminal on file descriptor `fd`: nil when it is
    /// not a terminal, 0 when it is one that does not tell its width.
    ///
    /// The corresponding system call is `ioctl(2)` with `TIOCGWINSZ`.
    public static func terminalColumns(_ fd: Int32) -> Int? { Syscalls.terminalColumns(fd) }

    /// The ids of the `nodeN` entries of `sys/devices/system/node`, ascending.
    ///
    /// - Throws: ``NUMAError`` when the folder cannot be listed or has no node.
    public static func nodeIDs(in root: SystemRoot) throws(NUMAError) -> [Int] {
        let path = root.resolve(nodeFolder)
        let names: [String]
        switch Syscalls.listDirectory(path) {
        case .success(let list): names = list
        case .failure(let errno): throw NUMAError(.systemCall, "cannot list \(path)", errno: errno)
        }
        let ids = names.compactMap { name -> Int? in
            guard name.hasPrefix("node") else { return nil }
            return Int(decimal: name.dropFirst(4)).flatMap { $0 < NodeSet.limit ? $0 : nil }
        }.sorted()
        guard !ids.isEmpty else {
            throw NUMAError(.unsupported, "\(path) has no node: sysfs is not mounted or the kernel has no NUMA support")
        }
        return ids
    }

    /// One line of a per-node file, with a value for each node.
    public struct Row: Hashable, Sendable {
        /// The field's name.
        public var label: String
        /// One value per node, aligned with the node ids; nil where a node lacks the field.
        public var values: [Double?]

        /// A row named `label` with one value per node.
        public init(label: String, values: [Double?]) {
            self.label = label
            self.values = values
        }
    }

    /// The counters of each node's `numastat` file (pages), in the order of
    /// the first node's file.
    ///
    /// - Throws: ``NUMAError`` when a node's file cannot be read.
    public static func counters(in root: SystemRoot, nodes: [Int]) throws(NUMAError) -> [Row] {
        var rows: [Row] = []
        for (column, id) in nodes.enumerated() {
            let text = try read(root, "\(nodeFolder)/node\(id)/numastat")
            for line in text.words(separatedBy: { $0 == 0x0A }) {
                let tokens = line.words()
                guard tokens.count >= 2, let value = UInt64(decimalText: tokens[1]) else { continue }
                let label = String(tokens[0])
                // A handful of counters: a linear search beats hashing here.
                var row = rows.firstIndex { $0.label == label }
                if row == nil {
                    guard column == 0 else { continue }
                    row = rows.count
                    rows.append(Row(label: label, values: Array(repeating: nil, count: nodes.count)))
                }
                if let row { rows[row].values[column] = Double(value) }
            }
        }
        return rows
    }

    /// Each node's `meminfo` fields in bytes, in the order of the first node's file.
    public struct MemoryFields: Hashable, Sendable {
        /// One row per field, named as in the file (`MemTotal`), values in bytes.
        public var rows: [Row]
        /// Fields that could not be placed or scaled as numastat would: one
        /// sentence each, for the caller to present.
        public var notes: [String]
    }

    /// Reads each node's `meminfo` (`Node N Field: value kB`).
    ///
    /// Fields in kB are converted to bytes. `HugePages_Total`, `_Free` and
    /// `_Surp` count huge pages: they are recomputed from the node's
    /// `hugepages/hugepages-<size>kB/{nr,free,surplus}_hugepages` and every
    /// size; when that gives nothing, the count times the default huge page
    /// size (`Hugepagesize` of `proc/meminfo`) is used.
    ///
    /// - Throws: ``NUMAError`` when a node's file, or `proc/meminfo` when
    ///   needed, cannot be read.
    public static func memoryFields(in root: SystemRoot, nodes: [Int]) throws(NUMAError) -> MemoryFields {
        var result = MemoryFields(rows: [], notes: [])
        var defaultHugePageSize: Double?
        for (column, id) in nodes.enumerated() {
            let folder = "\(nodeFolder)/node\(id)"
            // The node's huge page sizes, listed once for its three counters:
            // nil before that, .some(nil) when the folder cannot be listed.
            var hugePageSizes: [(name: String, kib: UInt64)]??
            // Lines without a value (blank lines) would be rows with no cells: never shown.
            for (position, field) in Meminfo(bytes: try readBytes(root, "\(folder)/meminfo")).fields.enumerated() {
                let label = field.name
                let row: Int
                // Every node's meminfo lists the same fields in the same
                // order: look where this one was on the first node first.
                if position < result.rows.count && result.rows[position].label == label {
                    row = position
                } else if let known = result.rows.firstIndex(where: { $0.label == label }) {
                    row = known
                } else if column == 0 {
                    row = result.rows.count
                    result.rows.append(Row(label: label, values: Array(repeating: nil, count: nodes.count)))
                } else {
                    result.notes.append("\(root.resolve(folder))/meminfo: \(label) is not in node \(nodes[0])'s meminfo; ignored")
                    continue
                }
                let count = Double(field.value)
                var bytes = count * 1024
                if !field.inKB && label.hasPrefix("HugePages") {
                    let counter: String? =
                        switch label {
                        case "HugePages_Total": "nr_hugepages"
                        case "HugePages_Free": "free_hugepages"
                        case "HugePages_Surp": "surplus_hugepages"
                        default: nil
                        }
                    var recomputed = 0.0
                    if let counter {
                        if hugePageSizes == nil {
                            hugePageSizes = .some(root.list("\(folder)/hugepages").map { names in
                                names.compactMap { name in
                                    guard name.hasPrefix("hugepages-") && name.hasSuffix("kB"),
                                        let kib = UInt64(decimalText: name.dropFirst(10).dropLast(2))
                                    else { return nil }
                                    return (name, kib)
                                }
                            })
                        }
                        if let sizes = hugePageSizes ?? nil {
                            for (name, kib) in sizes {
                                guard let text = root.readAttribute("\(folder)/hugepages/\(name)/\(counter)"),
                                    let pages = UInt64(decimalText: String(decoding: text, as: UTF8.self).trimmingWhitespaceAndNUL())
                                else { continue }
                                recomputed += Double(pages) * Double(kib) * 1024
                            }
                        } else {
                            result.notes.append("\(root.resolve(folder))/hugepages cannot be read; \(label) uses the default huge page size")
                        }
                    }
                    if recomputed > 0 {
                        bytes = recomputed
                    } else if count == 0 {
                        // No pages of any size: nothing to convert, and no need for the default size.
                        bytes = 0
                    } else {
                        if defaultHugePageSize == nil { defaultHugePageSize = Double(try hugePageSize(in: root)) }
                        bytes = count * (defaultHugePageSize ?? 0)
                    }
                }
                result.rows[row].values[column] = bytes
            }
        }
        return result
    }

    /// The default huge page size in bytes (`Hugepagesize` of `proc/meminfo`).
    ///
    /// - Throws: ``NUMAError`` when `proc/meminfo` cannot be read or lacks it.
    public static func hugePageSize(in root: SystemRoot) throws(NUMAError) -> Int {
        let text = try read(root, "proc/meminfo")
        guard let bytes = Meminfo(text).bytes("Hugepagesize") else {
            throw NUMAError(.invalidArgument, "\(root.resolve("proc/meminfo")) has no Hugepagesize")
        }
        return Int(bytes)
    }

    // MARK: Processes

    /// The ids of the processes under `proc` whose name (`Name:` of
    /// `status`) followed by a blank and the command line (NULs read as
    /// blanks) contains `pattern`, ascending.
    public static func processIDs(matching pattern: String, in root: SystemRoot, excluding excluded: Int? = nil) -> [Int] {
        guard let names = root.list("proc") else { return [] }
        let needle = Array(pattern.utf8)
        var result: [Int] = []
        for name in names {
            guard let pid = Int(decimal: name), pid != excluded else { continue }
            var text = Array((processName(pid, in: root) ?? "").utf8)
            text.append(0x20)
            for byte in root.readBytes("proc/\(name)/cmdline", limit: 1 << 20) ?? [] {
                text.append(byte == 0 ? 0x20 : byte)
            }
            if contains(text, needle) { result.append(pid) }
        }
        return result.sorted()
    }

    /// Whether `needle` occurs in `haystack`, byte for byte.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            var matched = true
            for offset in 1..<needle.count where haystack[start + offset] != needle[offset] {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }

    /// The `Name:` of a process's `status`, or nil when it cannot be read.
    public static func processName(_ pid: Int, in root: SystemRoot) -> String? {
        guard let bytes = root.readBytes("proc/\(pid)/status", limit: 1 << 20) else { return nil }
        var name: String?
        ProcessLimits.forEachLine(of: bytes) { line in
            guard name == nil, var value = ProcessLimits.value(of: "Name:", in: line) else { return }
            while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
            name = String(decoding: value, as: UTF8.self)
        }
        return name
    }

    /// Where a process's memory is, from its `numa_maps`.
    public struct ProcessMemory: Hashable, Sendable {
        /// The kinds of mapping numastat tells apart.
        public enum Category: Int, CaseIterable, Sendable {
            /// Huge pages, heap, stack and other private mappings, in numastat's order.
            case huge, heap, stack, `private`
        }

        /// Bytes by category (``Category`` raw values) and node, aligned
        /// with the node ids the memory was read for.
        public var bytes: [[UInt64]]
        /// Bytes on nodes that are not among those ids, by category.
        public var elsewhere: [UInt64]
    }

    /// Reads `proc/PID/numa_maps`.
    ///
    /// A mapping is huge, heap or stack when one of its words starts with
    /// `huge`, `heap` or `stack` (the first such word decides), and private
    /// otherwise. Its `N<node>=<pages>` counts are in pages of
    /// `kernelpagesize_kB`, else of the default huge page size for huge
    /// mappings, else of the system page size.
    ///
    /// - Throws: ``NUMAError`` when the file cannot be read or a count does
    ///   not parse.
    public static func processMemory(_ pid: Int, in root: SystemRoot, nodes: [Int]) throws(NUMAError) -> ProcessMemory {
        let path = "proc/\(pid)/numa_maps"
        let bytes = try readBytes(root, path, attribute: false)
        let categories = ProcessMemory.Category.allCases.count
        var memory = ProcessMemory(
            bytes: Array(repeating: Array(repeating: 0, count: nodes.count), count: categories),
            elsewhere: Array(repeating: 0, count: categories))
        var defaultHugePageSize: UInt64?
        // numa_maps can be megabytes with thousands of mappings: parsed as
        // bytes, token by token, without making strings.
        var tokens: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            tokens.removeAll(keepingCapacity: true)
            var at = start
            while at < end {
                while at < end && (bytes[at] == 0x20 || bytes[at] == 0x09) { at += 1 }
                let tokenStart = at
                while at < end && bytes[at] != 0x20 && bytes[at] != 0x09 { at += 1 }
                if at > tokenStart { tokens.append(tokenStart..<at) }
            }
            var category = ProcessMemory.Category.private
            for token in tokens {
                if hasPrefix(bytes, token, "huge") { category = .huge; break }
                if hasPrefix(bytes, token, "heap") { category = .heap; break }
                if hasPrefix(bytes, token, "stack") { category = .stack; break }
            }
            var pageBytes = UInt64(pageSize)
            if let token = tokens.first(where: { hasPrefix(bytes, $0, "kernelpagesize_kB=") }),
                let kib = UInt64(decimalBytes: bytes[token.lowerBound + 18..<token.upperBound])
            {
                pageBytes = kib &* 1024
            } else if category == .huge {
                if defaultHugePageSize == nil { defaultHugePageSize = UInt64(try hugePageSize(in: root)) }
                pageBytes = defaultHugePageSize ?? pageBytes
            }
            for token in tokens where bytes[token.lowerBound] == UInt8(ascii: "N") {
                let body = token.lowerBound + 1..<token.upperBound
                guard let equals = bytes[body].firstIndex(of: UInt8(ascii: "=")),
                    let node = UInt64(decimalBytes: bytes[body.lowerBound..<equals]), node <= UInt64(Int.max),
                    let pages = UInt64(decimalBytes: bytes[equals + 1..<body.upperBound])
                else {
                    let text = String(decoding: bytes[token], as: UTF8.self)
                    throw NUMAError(.invalidArgument, "\(root.resolve(path)): cannot read the node count '\(text)'")
                }
                let amount = pages &* pageBytes
                if let index = nodes.firstIndex(of: Int(node)) {
                    memory.bytes[category.rawValue][index] &+= amount
                } else {
                    memory.elsewhere[category.rawValue] &+= amount
                }
            }
        }
        return memory
    }

    /// Whether the token `range` of `bytes` starts with `prefix`.
    private static func hasPrefix(_ bytes: [UInt8], _ range: Range<Int>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard range.count >= count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where bytes[range.lowerBound + offset] != start[offset] { return false }
        return true
    }


    // MARK: Reading

    private static func read(_ root: SystemRoot, _ relative: String, attribute: Bool = true) throws(NUMAError) -> String {
        String(decoding: try readBytes(root, relative, attribute: attribute), as: UTF8.self)
    }

    private static func readBytes(_ root: SystemRoot, _ relative: String, attribute: Bool = true) throws(NUMAError) -> [UInt8] {
        let path = root.resolve(relative)
        switch Syscalls.readFile(path, limit: 1 << 26, shortReadIsEnd: attribute && relative.hasPrefix("sys/")) {
        case .success(let bytes): return bytes
        case .failure(let errno): throw NUMAError(.systemCall, "cannot read \(path)", errno: errno)
        }
    }
}
