internal import NUMA

/// swnuma's numastat mode: per-node memory statistics, with numastat's
/// command line and tables. swnuma runs in this mode when invoked as
/// `numastat` or `swnuma-numastat`.
package enum NumastatCommand {
    /// What the command line asks for.
    struct Request: Equatable {
        enum Sort: Equatable {
            case total
            case node(Int)
        }

        /// No words at all: numastat's original table of raw counters.
        var legacy = false
        var compress = false
        var meminfo = false
        var numastat = false
        var verbose = false
        var hideZeros = false
        var sort: Sort?
        /// PIDs (all digits) and name patterns, in command-line order.
        var processes: [String] = []
    }

    enum Parsed: Equatable {
        case run(Request)
        case help
        case version
        case usage(String)
    }

    /// The names it is run as: its installed name, then numastat's.
    static let names = ["swnuma-numastat", "numastat"]

    /// numastat's command line: getopt's `cmnp:s::vVz?` and `--help`, plus
    /// swnuma's `--version`; options and words mixed, `--` ends the options,
    /// and `-V`, `-?`, `--help` and `--version` act where they appear. Built
    /// for the docs; the scanner reads ``options`` alone.
    package static var program: Program {
        Program(
            name: names[0], aliases: [names[1]], summary: "per-node memory statistics, as numastat prints them",
            permutes: true, options: options,
            usage: [
                Usage(
                    .optional([.option("-c")]), .optional([.option("-m")]), .optional([.option("-n")]),
                    .optional([.option("-p", "PID|PATTERN")]), .optional([.option("-s", "NODE")]), .optional([.option("-v")]),
                    .optional([.option("-V")]), .optional([.option("-z")]), .optional([.repeating(.argument("PID|PATTERN"))]))
            ])
    }

    /// numastat's options, the ones its scanner reads.
    static let options: [OptionSpec] = [
            OptionSpec(.numastatCompress, short: "c", group: .options, summary: "narrow columns, no decimals", details: "Narrow columns: values rounded to whole megabytes, columns only as wide as they need.", shortOnly: true),
            OptionSpec(.numastatMeminfo, short: "m", group: .options, summary: "per-node meminfo, in MB", details: "Each node's meminfo (sys/devices/system/node/nodeN/meminfo), in MB.", shortOnly: true),
            OptionSpec(.numastatCounters, short: "n", group: .options, summary: "per-node allocation counters, in MB (the default)", details: "The kernel's per-node allocation counters (numa_hit, numa_miss, ...), in MB. The default with other options.", shortOnly: true),
            OptionSpec(.numastatProcess, short: "p", value: .process, valueName: "PID|PATTERN", group: .options, summary: "per-node memory of a process, or of every process whose name or command line contains PATTERN (also as plain words)", details: "The memory of a process by node, from its numa_maps: a word of digits is a process id, any other word selects every process whose name or command line contains it. Plain words after the options mean the same.", repeatable: true, shortOnly: true, missingValue: "a PID or a pattern"),
            OptionSpec(.numastatSort, short: "s", value: .node, valueName: "NODE", group: .options, summary: "sort rows on the Total column, or on node NODE's (attached: -s2)", details: "Sort the rows on the Total column, or on the column of node, which must be attached: -s2.", valueOnlyAttached: true, shortOnly: true),
            OptionSpec(.numastatVerbose, short: "v", group: .options, summary: "one table per process", details: "One table per process, and more detail.", shortOnly: true),
            OptionSpec(.version, short: "V", group: .options, summary: "print the version", details: "Print swnuma-numastat and swnuma's version, and exit.", endsScan: true),
            OptionSpec(.numastatHideZeros, short: "z", group: .options, summary: "leave out rows and columns of zeros", details: "Leave out rows and columns that are all zeros.", shortOnly: true),
            OptionSpec(.help, short: "?", group: .options, summary: "print this help", details: "Print a summary of the options on standard output and exit.", endsScan: true),
    ]

    /// Reads the command line as numastat's getopt does (``program``).
    static func parse(_ arguments: [String]) -> Parsed {
        let line: ScannedLine
        do {
            line = try Scanner.scan(arguments, rows: options, permutes: true)
        } catch {
            return .usage(error.description)
        }
        var request = Request()
        request.legacy = arguments.isEmpty
        for option in line.options {
            switch option.id {
            case .numastatCompress: request.compress = true
            case .numastatMeminfo: request.meminfo = true
            case .numastatCounters: request.numastat = true
            case .numastatVerbose: request.verbose = true
            case .numastatHideZeros: request.hideZeros = true
            case .version: return .version
            case .help: return .help
            case .numastatProcess, .operand: request.processes.append(option.value ?? "")
            case .numastatSort:
                // Whatever is attached is taken: digits first name a node (-s2), else the Total column.
                let value = option.value ?? ""
                let digits = value.prefix { $0.isASCII && $0.isNumber }
                request.sort = digits.isEmpty ? .total : Int(digits).map { .node($0) } ?? .total
            default: break
            }
        }
        return .run(request)
    }

    static func helpText(_ program: String) -> String {
        """
        Usage: \(program) [-c] [-m] [-n] [-p <PID>|<pattern>] [-s[<node>]] [-v] [-V] [-z] [<PID>|<pattern>...]
        Per-node memory statistics (swnuma's numastat). With no arguments at all,
        the kernel's per-node allocation counters in pages.

          -c              narrow columns, no decimals
          -m              per-node meminfo, in MB
          -n              per-node allocation counters, in MB (the default)
          -p PID|PATTERN  per-node memory of a process, or of every process whose
                          name or command line contains PATTERN (also as plain words)
          -s[NODE]        sort rows on the Total column, or on node NODE's (attached: -s2)
          -v              one table per process
          -V, --version   print the version
          -z              leave out rows and columns of zeros
          --help          print this help

        NUMASTAT_WIDTH sets the width tables fold to (default: the terminal's; into a
        pipe or a file tables are not folded).
        SWNUMA_ROOT reads sys/ and proc/ under another root.
        Exit status 0; 1 for a usage error, an unreadable node file, or a PID
        with no process (said on stderr; the other tables are printed).

        """
    }

    /// Everything numastat does short of writing.
    ///
    /// - Parameters:
    ///   - program: the name it was invoked as, which prefixes diagnostics.
    ///   - environment: reads `NUMASTAT_WIDTH` and `SWNUMA_ROOT`.
    ///   - terminalColumns: the width of standard output's terminal; nil when it is not one.
    package static func run(
        _ arguments: [String], program: String, environment: (String) -> String?, terminalColumns: Int?
    ) -> Outcome {
        var outcome = Outcome()
        func fail(_ message: String) -> Outcome {
            outcome.stderr += "\(program): \(message)\n"
            outcome.status = 1
            return outcome
        }
        let request: Request
        switch parse(arguments) {
        case .help: return Outcome(stdout: helpText(program))
        case .version: return Outcome(stdout: "\(Self.names[0]) \(Program.version)\n")
        case .usage(let message):
            return Outcome(stderr: "\(program): \(message)\nTry '\(program) --help' for more information.\n", status: 1)
        case .run(let parsed): request = parsed
        }

        let root: SystemRoot
        do {
            root = try Program.systemRoot(option: nil, environment: environment(SystemRoot.environmentVariable))
        } catch {
            return fail(error.description)
        }
        var report = NumastatReport(
            root: root, request: request,
            screenWidth: screenWidth(environment("NUMASTAT_WIDTH"), terminalColumns: terminalColumns))
        do {
            try report.produce(into: &outcome)
        } catch {
            return fail(error.description)
        }
        for note in report.notes { outcome.stderr += "\(program): \(note)\n" }
        return outcome
    }

    /// The width of a line when standard output is not a terminal: numastat
    /// does not fold tables into a pipe or a file, and scripts rely on that.
    static let unfoldedWidth = 10_000_000

    /// The width tables fold to: `NUMASTAT_WIDTH` when set (read as atoi;
    /// outside 1...10,000,000 it is 80), else the terminal's width (80 when
    /// the terminal does not say), else, into a pipe or a file, 10,000,000:
    /// no folding; never less than 32.
    static func screenWidth(_ variable: String?, terminalColumns: Int?) -> Int {
        var width: Int
        if let variable {
            width = atoi(variable)
            if width < 1 || width > unfoldedWidth { width = 80 }
        } else if let terminalColumns {
            width = terminalColumns < 1 || terminalColumns > unfoldedWidth ? 80 : terminalColumns
        } else {
            width = unfoldedWidth
        }
        return max(width, 32)
    }

    /// C's atoi: optional blanks and sign, then digits; 0 when there are none.
    static func atoi(_ text: String) -> Int {
        var bytes = Substring(text).utf8.drop { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { break }
            value = min(value * 10 + Int(byte - 0x30), Int(Int32.max) + 1)
        }
        return negative ? -value : value
    }
}

/// The tables of one numastat run.
struct NumastatReport {
    let root: SystemRoot
    let request: NumastatCommand.Request
    let screenWidth: Int
    /// Diagnostics for stderr that do not stop the run.
    var notes: [String] = []

    static let mebibyte = 1_048_576.0

    init(root: SystemRoot, request: NumastatCommand.Request, screenWidth: Int) {
        self.root = root
        self.request = request
        self.screenWidth = screenWidth
    }

    mutating func produce(into outcome: inout Outcome) throws(NUMAError) {
        let nodes = try NodeStatistics.nodeIDs(in: root)
        if request.legacy {
            outcome.stdout += try legacyTable(nodes)
            return
        }
        // The report is gathered as bytes and made a string once, also when
        // a read fails part-way. Appending each table's string to the output
        // freed it, and freeing the first string with room for breadcrumbs
        // makes the runtime register every optional type the standard
        // library ships (a tenth of `numastat -n`).
        var text = ByteText()
        defer { outcome.stdout += text.string }
        var pids: [Int] = []
        var named = Set<Int>()
        // Every pattern is looked for in one pass over the processes.
        let patterns = request.processes.filter { $0.isEmpty || !$0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        let own = root.isLive ? Int(NodeStatistics.ownProcessID) : nil
        let matches = Dictionary(
            zip(patterns, NodeStatistics.processIDs(matchingEach: patterns, in: root, excluding: own)),
            uniquingKeysWith: { a, _ in a })
        for word in request.processes {
            if !word.isEmpty, word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                guard let pid = Int(word), pid <= Int(Int32.max) else {
                    throw NUMAError(.invalidArgument, "PID '\(word)' is out of range")
                }
                pids.append(pid)
                named.insert(pid)
            } else {
                let found = matches[word] ?? []
                if found.isEmpty { text.append("Found no processes containing pattern: \"\(escapedForDisplay(word))\"\n") }
                pids += found
            }
        }
        // Sorted, each once (no Set: a hash table for a handful of PIDs costs more).
        pids.sort()
        var unique: [Int] = []
        for pid in pids where unique.last != pid { unique.append(pid) }
        pids = unique
        // A process that does not exist (or ended since a pattern found it)
        // has no table: numastat prints one named "(null)". A PID the command
        // line names is said to be missing, and the run exits 1 (as
        // migratepages does); the other tables are still printed.
        var names: [Int: String] = [:]
        var missing = false
        for pid in pids {
            if let name = NodeStatistics.processName(pid, in: root) {
                names[pid] = name
            } else if named.contains(pid) {
                notes.append("no process with PID \(pid) (\(root.resolve("proc/\(pid)")))")
                missing = true
            }
        }
        if missing { outcome.status = 1 }
        let found = pids.filter { names[$0] != nil }
        if !found.isEmpty {
            try processTables(found, names: names, nodes: nodes, into: &text)
        }
        if request.meminfo {
            text.append("\nPer-node system memory usage (in MBs):\n")
            let fields = try NodeStatistics.memoryFields(in: root, nodes: nodes)
            notes += fields.notes
            var table = nodeTable(nodes)
            for row in fields.rows {
                table.add(.data, dataRow(row.label, row.numbers) { $0 / Self.mebibyte })
            }
            finish(&table, nodes: nodes, into: &text)
        }
        if request.numastat || (pids.isEmpty && !request.meminfo) {
            text.append("\nPer-node numastat info (in MBs):\n")
            let pageSize = Double(NodeStatistics.pageSize)
            var table = nodeTable(nodes)
            for row in try NodeStatistics.counters(in: root, nodes: nodes) {
                table.add(.data, dataRow(Self.title(row.label), row.numbers) { $0 * pageSize / Self.mebibyte })
            }
            finish(&table, nodes: nodes, into: &text)
        }
    }

    /// `numa_hit` -> `Numa_Hit`.
    static func title(_ label: String) -> String {
        var result = ""
        var upper = true
        for character in label {
            result.append(upper ? Character(character.uppercased()) : character)
            upper = character == "_"
        }
        return result
    }

    /// Compatibility mode: raw counters, `nodeN` headers, no Total column.
    func legacyTable(_ nodes: [Int]) throws(NUMAError) -> String {
        var table = StatTable(columns: nodes.count + 2, leftWidth: 16, decimals: 0)
        table.add(.header, [.empty] + nodes.map { .text("node" + $0.decimalText) } + [.empty])
        for row in try NodeStatistics.counters(in: root, nodes: nodes) {
            var cells: [StatTable.Cell] = []
            cells.reserveCapacity(nodes.count + 2)
            cells.append(.text(row.label))
            for value in row.numbers { cells.append(value.isNaN ? .empty : .number(value)) }
            cells.append(.empty)
            table.add(.data, cells)
        }
        return table.render(screenWidth: screenWidth, hideZeros: false)
    }

    /// An `-n` or `-m` table with its two header rows.
    func nodeTable(_ nodes: [Int]) -> StatTable {
        var table = StatTable(columns: nodes.count + 2, leftWidth: 16, decimals: request.compress ? 0 : 2)
        table.add(.header, [.empty] + nodes.map { .text("Node " + $0.decimalText) } + [.text("Total")])
        table.add(.header, [.empty] + Array(repeating: .rule("-"), count: nodes.count + 1))
        return table
    }

    /// A label, one value per node (each scaled), and their sum; one array, no copies.
    func dataRow(_ label: String, _ values: [Double], scaled: (Double) -> Double) -> [StatTable.Cell] {
        var cells: [StatTable.Cell] = []
        cells.reserveCapacity(values.count + 2)
        cells.append(.text(label))
        var total = 0.0
        // NaN: the node lacks the field (``NodeStatistics/Row/numbers``).
        for value in values {
            if !value.isNaN {
                let number = scaled(value)
                total += number
                cells.append(.number(number))
            } else {
                cells.append(.empty)
            }
        }
        cells.append(.number(total))
        return cells
    }

    /// Sorts, sizes and renders a table, appended to `text`.
    func finish(_ table: inout StatTable, nodes: [Int], into text: inout ByteText) {
        if let sort = request.sort {
            var column = table.columnCount - 1
            if case .node(let id) = sort, let index = nodes.firstIndex(of: id) { column = index + 1 }
            table.sort(on: column)
        }
        if request.compress {
            table.widths[0] = max(4, min(Self.longestLabel(table) + 1, 16))
            table.fitDataColumns()
        }
        table.render(screenWidth: screenWidth, hideZeros: request.hideZeros, into: &text)
    }

    /// The length of the longest label in the left column.
    static func longestLabel(_ table: StatTable) -> Int {
        var longest = 0
        for row in table.rows {
            if case .text(let label) = row.cells[0] { longest = max(longest, label.count) }
        }
        return longest
    }

    /// The left column's width in a process table (with `-c`, ``finish`` narrows it).
    func processLeftWidth(_ table: StatTable) -> Int {
        min(max(16, Self.longestLabel(table)) + 1, 24)
    }

    mutating func processTables(
        _ pids: [Int], names: [Int: String], nodes: [Int], into text: inout ByteText
    ) throws(NUMAError) {
        let columns = nodes.count + 2
        let decimals = request.compress ? 0 : 2
        func megabytes(_ bytes: UInt64) -> Double { Double(bytes) / Self.mebibyte }
        func memory(_ pid: Int) throws(NUMAError) -> NodeStatistics.ProcessMemory? {
            do {
                return try NodeStatistics.processMemory(pid, in: root, nodes: nodes)
            } catch where error.code == .systemCall {
                notes.append(error.description)
                return nil
            }
        }
        let header: [StatTable.Cell] = nodes.map { .text("Node \($0)") } + [.text("Total")]
        let separator = StatTable.Row(kind: .separator, cells: Array(repeating: .rule("-"), count: columns))

        if pids.count > 1 && !request.verbose {
            text.append("\nPer-node process memory usage (in MBs)\n")
            var table = StatTable(columns: columns, leftWidth: 16, decimals: decimals)
            table.add(.header, [.text("PID")] + header)
            table.add(.header, Array(repeating: .rule("-"), count: columns))
            var totals = [UInt64](repeating: 0, count: nodes.count + 1)
            var lastFailed = false
            for pid in pids {
                var bytes = [UInt64](repeating: 0, count: nodes.count + 1)
                let read = try memory(pid)
                lastFailed = read == nil
                if let read {
                    for category in read.bytes.indices {
                        for node in nodes.indices { bytes[node] &+= read.bytes[category][node] }
                        bytes[nodes.count] &+= read.bytes[category].reduce(0, &+) &+ read.elsewhere[category]
                    }
                }
                for index in bytes.indices { totals[index] &+= bytes[index] }
                let name = names[pid] ?? ""
                table.add(.data, [.text(String("\(pid) (\(escapedForDisplay(name)))".prefix(63)))] + bytes.map { .number(megabytes($0)) })
            }
            table.rows.append(separator)
            table.add(.data, [.text("Total")] + totals.map { .number(megabytes($0)) })
            table.widths[0] = processLeftWidth(table)
            // numastat prints no table when the last process could not be read.
            if !lastFailed { finish(&table, nodes: nodes, into: &text) }
            return
        }

        for pid in pids {
            let name = names[pid] ?? ""
            text.append("\nPer-node process memory usage (in MBs) for PID ")
            text.append(pid)
            text.append(" (")
            text.append(escapedForDisplay(name))
            text.append(")\n")
            guard let read = try memory(pid) else { continue }
            var table = StatTable(columns: columns, leftWidth: 16, decimals: decimals)
            table.add(.header, [.empty] + header)
            table.add(.header, [.empty] + Array(repeating: .rule("-"), count: columns - 1))
            var totals = [UInt64](repeating: 0, count: nodes.count + 1)
            for category in NodeStatistics.ProcessMemory.Category.allCases {
                let perNode = read.bytes[category.rawValue]
                let sum = perNode.reduce(0, &+) &+ read.elsewhere[category.rawValue]
                for node in nodes.indices { totals[node] &+= perNode[node] }
                totals[nodes.count] &+= sum
                table.add(.data, [.text(Self.label(category))] + (perNode + [sum]).map { .number(megabytes($0)) })
            }
            table.rows.append(separator)
            table.add(.data, [.text("Total")] + totals.map { .number(megabytes($0)) })
            table.widths[0] = processLeftWidth(table)
            finish(&table, nodes: nodes, into: &text)
        }
    }

    static func label(_ category: NodeStatistics.ProcessMemory.Category) -> String {
        switch category {
        case .huge: "Huge"
        case .heap: "Heap"
        case .stack: "Stack"
        case .private: "Private"
        }
    }
}

extension OptionID {
    static let numastatCompress = OptionID("c")
    static let numastatMeminfo = OptionID("m")
    static let numastatCounters = OptionID("n")
    static let numastatProcess = OptionID("p")
    static let numastatSort = OptionID("s")
    static let numastatVerbose = OptionID("v")
    static let numastatHideZeros = OptionID("z")
}
