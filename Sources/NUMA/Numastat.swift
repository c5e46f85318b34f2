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

    /// The calling process's id.
    public static var ownProcessID: Int32 { Syscalls.processID }

    /// The ids of the `nodeN` entries of `sys/devices/system/node`, ascending.
    ///
    /// - Throws: ``NUMAError`` when the folder cannot be listed or has no node.
    public static func nodeIDs(in root: SystemRoot) throws(NUMAError) -> [Int] {
        let path = root.display(nodeFolder)
        let names: [String]
        switch root.listing(nodeFolder) {
        case .success(let list): names = list
        case .failure(let error): throw error
        }
        var ignored = Warnings()
        let ids = Topology.nodeIDs(names, root: root, warnings: &ignored)
        // numastat has no place for warnings beside its table: a snapshot
        // with names that are not the kernel's is refused, naming them.
        if let first = ignored.lines.first { throw NUMAError(.invalidArgument, first) }
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
        public var values: [Double?] {
            get { numbers.map { $0.isNaN ? nil : $0 } }
            set { numbers = newValue.map { $0 ?? .nan } }
        }

        /// ``values`` as stored: NaN where a node lacks the field (no count
        /// is NaN). An array of optional numbers was the first optional type
        /// a numastat run made, and the runtime then registers every optional
        /// type the standard library ships (an eighth of numastat's start).
        package var numbers: [Double]

        /// A row named `label` with one value per node.
        public init(label: String, values: [Double?]) {
            self.label = label
            self.numbers = values.map { $0 ?? .nan }
        }

        /// A row named `label` that has no value yet for any of `count` nodes.
        init(label: String, missing count: Int) {
            self.label = label
            self.numbers = Array(repeating: .nan, count: count)
        }

        /// Rows are equal when their labels are and their ``values`` are,
        /// a missing value equal only to another missing one.
        public static func == (left: Row, right: Row) -> Bool {
            left.label == right.label && left.numbers.count == right.numbers.count
                && zip(left.numbers, right.numbers).allSatisfy { $0.isNaN ? $1.isNaN : $0 == $1 }
        }

        /// Hashes what ``==(_:_:)`` compares: the label and the values.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(label)
            hasher.combine(numbers.count)
            for number in numbers {
                if number.isNaN {
                    hasher.combine(false)
                } else {
                    hasher.combine(true)
                    hasher.combine(number)
                }
            }
        }
    }

    /// The counters of each node's `numastat` file (pages), in the order of
    /// the first node's file.
    ///
    /// - Throws: ``NUMAError`` when a node's file cannot be read.
    public static func counters(in root: SystemRoot, nodes: [Int]) throws(NUMAError) -> [Row] {
        var rows: [Row] = []
        // Labels are found where they were in the first node's file (every
        // node's file lists the same counters in the same order), else by a
        // search; a dictionary only for a file with many labels.
        var rowOf: [String: Int]?
        for (column, id) in nodes.enumerated() {
            let relative = nodeFolder + "/node" + id.decimalText + "/numastat"
            let bytes = try readBytes(root, relative)
            var position = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                defer { start = end + 1 }
                // The first two words of the line: a printable label and a decimal count.
                func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0 }
                var at = start
                while at < end && isSeparator(bytes[at]) { at += 1 }
                let labelStart = at
                while at < end && !isSeparator(bytes[at]) { at += 1 }
                let labelEnd = at
                while at < end && isSeparator(bytes[at]) { at += 1 }
                let valueStart = at
                while at < end && !isSeparator(bytes[at]) { at += 1 }
                guard labelEnd > labelStart, let value = UInt64(decimalBytes: bytes[valueStart..<at]),
                    bytes[labelStart..<labelEnd].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
                else { continue }
                let label = bytes[labelStart..<labelEnd]
                var row: Int?
                if position < rows.count && rows[position].label.utf8.elementsEqual(label) {
                    row = position
                } else if let rowOf {
                    row = rowOf[String(decoding: label, as: UTF8.self)]
                } else {
                    row = rows.firstIndex { $0.label.utf8.elementsEqual(label) }
                }
                if row == nil {
                    guard column == 0 else { continue }
                    try checkRowCount(rows.count, root: root, relative)
                    row = rows.count
                    rows.append(Row(label: String(decoding: label, as: UTF8.self), missing: nodes.count))
                    if rows.count == 64 {
                        var index: [String: Int] = [:]
                        for (offset, known) in rows.enumerated() where index[known.label] == nil { index[known.label] = offset }
                        rowOf = index
                    } else if rowOf != nil {
                        rowOf![rows[rows.count - 1].label] = rows.count - 1
                    }
                }
                if let row {
                    rows[row].numbers[column] = Double(value)
                    position = row + 1
                }
            }
        }
        return rows
    }

    /// The most rows a per-node file may give (a node's meminfo has about 50
    /// fields, its numastat 10): the table is rows times nodes.
    public static let rowLimit = 4096

    private static func checkRowCount(_ count: Int, root: SystemRoot, _ relative: String) throws(NUMAError) {
        guard count < rowLimit else {
            throw NUMAError(.invalidArgument, "\(root.display(relative)) has more than \(rowLimit) fields: not a node's file")
        }
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
        // As in ``counters(in:nodes:)``: a label is looked for where it was in
        // the first node's file, then searched; a dictionary only for many rows.
        var rowOf: [String: Int]?
        for (column, id) in nodes.enumerated() {
            let folder = nodeFolder + "/node" + id.decimalText
            // The node's huge page sizes, listed once for its three counters:
            // nil before that, .some(nil) when the folder cannot be listed.
            var hugePageSizes: [(name: String, kib: UInt64)]??
            // On the live system a size with no pages has none free and none
            // surplus either (the kernel counts both among its pages): its
            // other two counters are not read. A snapshot's are, as written.
            var emptySizes: [Bool] = []
            // Lines without a value (blank lines) would be rows with no cells: never shown.
            for (position, field) in Meminfo(bytes: try readBytes(root, "\(folder)/meminfo")).fields.enumerated() {
                let label = field.name
                let row: Int
                // Every node's meminfo lists the same fields in the same
                // order: look where this one was on the first node first.
                if position < result.rows.count && result.rows[position].label == label {
                    row = position
                } else if let known = rowOf != nil ? rowOf![label] : result.rows.firstIndex(where: { $0.label == label }) {
                    row = known
                } else if column == 0 {
                    try checkRowCount(result.rows.count, root: root, "\(folder)/meminfo")
                    row = result.rows.count
                    result.rows.append(Row(label: label, missing: nodes.count))
                    if rowOf != nil {
                        rowOf![label] = row
                    } else if result.rows.count == 64 {
                        var index: [String: Int] = [:]
                        for (offset, known) in result.rows.enumerated() where index[known.label] == nil { index[known.label] = offset }
                        rowOf = index
                    }
                } else {
                    result.notes.append("\(root.display(folder))/meminfo: \(label) is not in node \(nodes[0])'s meminfo; ignored")
                    continue
                }
                let count = Double(field.value)
                var bytes = count * 1024
                if !field.inKB && label.hasBytePrefix("HugePages") {
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
                                names.compactMap { name in hugePageFolderKiB(name).map { (name, $0) } }
                            })
                        }
                        if let sizes = hugePageSizes ?? nil {
                            let total = counter == "nr_hugepages"
                            for (position, (name, kib)) in sizes.enumerated() {
                                if root.isLive, !total, position < emptySizes.count, emptySizes[position] { continue }
                                guard let text = root.readAttribute("\(folder)/hugepages/\(name)/\(counter)"),
                                    let pages = UInt64(decimalText: String(decoding: text, as: UTF8.self).trimmingWhitespaceAndNUL())
                                else { continue }
                                if root.isLive, total {
                                    while emptySizes.count <= position { emptySizes.append(false) }
                                    emptySizes[position] = pages == 0
                                }
                                recomputed += Double(pages) * Double(kib) * 1024
                            }
                        } else {
                            result.notes.append("\(root.display(folder))/hugepages cannot be read; \(label) uses the default huge page size")
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
                result.rows[row].numbers[column] = bytes
            }
        }
        return result
    }

    /// The default huge page size in bytes (`Hugepagesize` of `proc/meminfo`).
    ///
    /// - Throws: ``NUMAError`` when `proc/meminfo` cannot be read or lacks it.
    public static func hugePageSize(in root: SystemRoot) throws(NUMAError) -> Int {
        let text = try read(root, "proc/meminfo")
        guard let field = Meminfo(text).fields.first(where: { $0.name == "Hugepagesize" }), field.inKB else {
            throw NUMAError(.invalidArgument, "\(root.display("proc/meminfo")) has no Hugepagesize")
        }
        // A page size is a power of two no larger than the address space; a
        // snapshot's number is checked before it is converted or multiplied.
        guard let bytes = Meminfo(text).bytes("Hugepagesize"), bytes <= 1 << 48, bytes > 0 else {
            throw NUMAError(.invalidArgument, "\(root.display("proc/meminfo")): Hugepagesize \(field.value) kB is not a page size")
        }
        return Int(bytes)
    }

    // MARK: Processes

    /// The ids of the processes under `proc` whose name (`Name:` of
    /// `status`) followed by a blank and the command line (NULs read as
    /// blanks) contains `pattern`, ascending.
    public static func processIDs(matching pattern: String, in root: SystemRoot, excluding excluded: Int? = nil) -> [Int] {
        processIDs(matchingEach: [pattern], in: root, excluding: excluded)[0]
    }

    /// For each pattern, the ids of the processes whose name and command
    /// line contain it (as ``processIDs(matching:in:excluding:)``), ascending.
    ///
    /// Each process is read once and its text searched once for all the
    /// patterns together (``PatternSet``): the time is linear in the
    /// processes' text and the patterns' length, not their product.
    public static func processIDs(
        matchingEach patterns: [String], in root: SystemRoot, excluding excluded: Int? = nil
    ) -> [[Int]] {
        var result = [[Int]](repeating: [], count: patterns.count)
        guard !patterns.isEmpty, let names = root.list("proc") else { return result }
        let automaton = PatternSet(patterns.map { Array($0.utf8) })
        var text: [UInt8] = []
        for name in names {
            guard let pid = Int(decimal: name), pid != excluded else { continue }
            text.removeAll(keepingCapacity: true)
            text += (processName(pid, in: root) ?? "").utf8
            text.append(0x20)
            for byte in root.readBytes("proc/\(name)/cmdline", limit: 1 << 20) ?? [] {
                text.append(byte == 0 ? 0x20 : byte)
            }
            for index in automaton.matches(in: text) { result[index].append(pid) }
        }
        return result.map { $0.sorted() }
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
        let categories = ProcessMemory.Category.allCases.count
        var memory = ProcessMemory(
            bytes: Array(repeating: Array(repeating: 0, count: nodes.count), count: categories),
            elsewhere: Array(repeating: 0, count: categories))
        // Sums of a snapshot's numbers are checked: refused, naming the
        // count, never wrapped.
        var overflow: NumaMaps.NodePages?
        // Node id to column: one lookup per count, however many nodes. The
        // table reaches the largest of `nodes` (ids past the kernel's limit
        // are left out: ``NumaMaps`` refuses counts that name them); a count
        // past its end is elsewhere.
        let largest = nodes.reduce(-1) { max($0, $1 < NodeKind.kernelLimit ? $1 : -1) }
        var column = [Int](repeating: -1, count: largest + 1)
        for (index, node) in nodes.enumerated() where node >= 0 && node < column.count && column[node] < 0 {
            column[node] = index
        }
        // Read and parsed a piece at a time: numa_maps can be megabytes.
        let read: Result<Void, NUMAError>
        do {
            read = try NumaMaps.forEachMapping(
                inFile: path, under: root, limit: 1 << 26,
                hugePageSize: { () throws(NUMAError) in UInt64(try hugePageSize(in: root)) }
            ) { mapping in
                let category = mapping.category.rawValue
                for position in 0..<mapping.pageCount where overflow == nil {
                    let entry = mapping.page(position)
                    let (amount, tooLarge) = entry.pages.multipliedReportingOverflow(by: mapping.pageBytes)
                    let index = entry.node < column.count && column[entry.node] >= 0 ? column[entry.node] : nil
                    let total = index.map { memory.bytes[category][$0] } ?? memory.elsewhere[category]
                    let (sum, wrapped) = total.addingReportingOverflow(amount)
                    if tooLarge || wrapped {
                        overflow = entry
                    } else if let index {
                        memory.bytes[category][index] = sum
                    } else {
                        memory.elsewhere[category] = sum
                    }
                }
            }
        } catch where error.code == .invalidArgument && error.message.hasPrefix("cannot read the node count") {
            throw NUMAError(.invalidArgument, "\(root.display(path)): \(error.message)")
        }
        try read.get()
        if let overflow {
            throw NUMAError(.invalidArgument, "\(root.display(path)): 'N\(overflow.node)=\(overflow.pages)' makes more than 2^64 bytes")
        }
        return memory
    }

    // MARK: Reading

    private static func read(_ root: SystemRoot, _ relative: String, attribute: Bool = true) throws(NUMAError) -> String {
        String(decoding: try readBytes(root, relative, attribute: attribute), as: UTF8.self)
    }

    private static func readBytes(_ root: SystemRoot, _ relative: String, attribute: Bool = true) throws(NUMAError) -> [UInt8] {
        let sysfs = relative.hasBytePrefix("sys/")
        return try root.read(relative, limit: sysfs ? Topology.attributeLimit : 1 << 26, attribute: attribute && sysfs).get()
    }
}

