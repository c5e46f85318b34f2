internal import NUMA

/// `swnuma --process PID|NAME`: where running processes' memory is, against
/// where they run and what their policies allow. Text (one block per
/// process) or JSON (`docs/schema/process.schema.json`).
enum ProcessView {
    /// A word that gave no process, or a process that could not be read.
    struct Problem: Equatable {
        enum Kind: String { case noMatch = "no-match", vanished, unreadable }
        var word: String
        var pid: Int?
        var kind: Kind
        var message: String
    }

    struct Report {
        var processes: [ProcessPlacement] = []
        var problems: [Problem] = []
    }

    /// Reads the processes the words name, each once, in ascending pid order
    /// per word. Names skip swnuma's own process on the live system.
    static func gather(_ words: [String], root: SystemRoot, topology: Topology) -> Report {
        var report = Report()
        var seen = Set<Int>()
        let own = root.isLive ? Int(NodeStatistics.ownProcessID) : nil
        // Every name is looked for in one pass over the processes.
        let names = words.filter { !isNumber($0) }
        let matches: [String: [Int]] =
            names.isEmpty
            ? [:]
            : Dictionary(
                zip(names, NodeStatistics.processIDs(matchingEach: names, in: root, excluding: own)), uniquingKeysWith: { a, _ in a })
        for word in words {
            let pids = isNumber(word) ? ProcessPlacement.pid(of: word).map { [$0] } ?? [] : matches[word] ?? []
            if pids.isEmpty {
                report.problems.append(Problem(word: word, pid: nil, kind: .noMatch, message: "no process matches '\(escapedForDisplay(word))'"))
            }
            // The same process named twice is read once (a name matches each process once).
            for pid in pids where words.count == 1 || seen.insert(pid).inserted {
                switch ProcessPlacement.read(pid: pid, root: root, topology: topology) {
                case .read(let placement):
                    report.processes.append(placement)
                case .vanished:
                    report.problems.append(
                        Problem(word: word, pid: pid, kind: .vanished, message: "process \(pid) does not exist (any more)"))
                case .unreadable(_, let reason):
                    report.problems.append(Problem(word: word, pid: pid, kind: .unreadable, message: "process \(pid): \(reason)"))
                }
            }
        }
        return report
    }

    static func isNumber(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    // MARK: Text

    static func renderText(_ report: Report) -> String {
        var out = ByteText(capacity: 1024)
        for (index, process) in report.processes.enumerated() {
            if index > 0 { out.append("\n") }
            block(process, into: &out)
        }
        return out.string
    }

    /// One process's text, appended to `out` as bytes: string interpolation
    /// and concatenation cost a sixth of a `--process` run for this half page.
    static func block(_ p: ProcessPlacement, into out: inout ByteText) {
        out.append(p.pid)
        out.append(" (")
        out.append(escapedForDisplay(p.name))
        out.append(")")
        for word in p.commandLine {
            out.append(" ")
            out.append(escapedForDisplay(word))
        }
        out.append("\n")
        // "  label       text": the label left-aligned in 12 columns (every label fits).
        func label(_ name: StaticString) {
            out.append("  ")
            let start = out.count
            out.append(name)
            out.fitColumn(from: start, width: 12, leftAligned: true)
            out.append(" ")
        }
        func set(_ text: String?) { out.append(text ?? "?") }
        label("allowed")
        out.append("cpus ")
        set(p.cpusAllowed?.description)
        out.append(", memory on nodes ")
        set(p.memsAllowed?.description)
        out.append("\n")
        if let cpuset = p.cpuset {
            label("cpuset")
            out.append(escapedForDisplay(cpuset.path))
            out.append(" (cgroup v")
            out.append(cpuset.version)
            out.append("): cpus ")
            set(cpuset.cpus?.description)
            out.append(", nodes ")
            set(cpuset.mems?.description)
            out.append("\n")
        }
        if !p.threads.isEmpty {
            // Inserted one by one: the set's generic init from a sequence,
            // called from this module, resolves its types at run time.
            var cpus = CPUSet()
            for thread in p.threads { _ = cpus.insert(thread.cpu) }
            label("threads")
            out.append(p.threads.count)
            out.append(p.threads.count == 1 ? " thread" : " threads")
            out.append(cpus.count == 1 ? ", last ran on cpu " : ", last ran on cpus ")
            out.append(cpus.description)
            if p.runningNodes.isEmpty {
                out.append(" (no node)\n")
            } else {
                out.append(p.runningNodes.count == 1 ? " (node " : " (nodes ")
                out.append(p.runningNodes.description)
                out.append(")\n")
            }
        }
        if let memory = p.memory {
            label("memory")
            appendBytes(memory.total, to: &out)
            out.append("\n")
            // A right-aligned column of 12 (every byte count fits).
            func column(_ value: UInt64) {
                let start = out.count
                appendBytes(value, to: &out)
                out.fitColumn(from: start, width: 12, leftAligned: false)
            }
            if !memory.nodes.isEmpty {
                out.append("    node   anonymous      shared        file        huge       total\n")
                for node in memory.nodes {
                    out.append("    ")
                    // Node ids are below 1024: four columns hold them.
                    let start = out.count
                    out.append(node.node)
                    out.fitColumn(from: start, width: 4, leftAligned: false)
                    for value in [node.anonymous, node.shared, node.file, node.huge, node.total] { column(value) }
                    out.append(p.runningNodes.contains(node.node) ? "  (runs here)\n" : "\n")
                }
            }
            // By index, not enumerated(): the enumeration's copy of the list is
            // let go through its type's metadata, whose first request costs
            // the runtime's registration of every array type the standard
            // library ships.
            for index in memory.policies.indices {
                let policy = memory.policies[index]
                guard policy.nodes.contains(where: { $0.total > 0 }) else { continue }
                label(index == 0 ? "policies" : "")
                out.append(escapedForDisplay(policy.text))
                out.append(": ")
                var total: UInt64 = 0
                for position in policy.nodes.indices {
                    let node = policy.nodes[position]
                    if position > 0 { out.append(", ") }
                    appendBytes(node.total, to: &out)
                    out.append(" on node ")
                    out.append(node.node)
                    total = total.saturatingAdding(node.total)
                }
                if policy.nodes.count > 1 {
                    out.append(" (")
                    appendBytes(total, to: &out)
                    out.append(")")
                }
                out.append(", ")
                out.append(policy.mappings)
                out.append(policy.mappings == 1 ? " mapping" : " mappings")
                if policy.outside > 0 {
                    out.append(", ")
                    appendBytes(policy.outside, to: &out)
                    out.append(" outside")
                }
                out.append("\n")
            }
            label("remote")
            appendShare(memory.remote, of: memory.total, to: &out)
            out.append(" on nodes its threads do not run on (")
            appendBytes(memory.remote, to: &out)
            out.append(")\n")
            label("outside")
            appendShare(memory.outsidePolicy, of: memory.total, to: &out)
            out.append(" outside what its policies allow (")
            appendBytes(memory.outsidePolicy, to: &out)
            out.append(")")
            if memory.outsidePolicyShared > 0 {
                out.append(", ")
                appendBytes(memory.outsidePolicyShared, to: &out)
                out.append(" of it shared memory")
            }
            if memory.outsideMemsAllowed > 0 {
                out.append(", ")
                appendBytes(memory.outsideMemsAllowed, to: &out)
                out.append(" outside Mems_allowed")
            }
            if memory.outsidePolicyFile > 0 {
                out.append("; and ")
                appendBytes(memory.outsidePolicyFile, to: &out)
                out.append(" of file pages, page cache its first reader placed")
            }
            out.append("\n")
        }
        for note in p.notes {
            label("note")
            out.append(note)
            out.append("\n")
        }
    }

    /// A byte count in binary units with one decimal: `16.0 MiB`, `0 B`.
    static func bytes(_ value: UInt64) -> String {
        var out = ByteText(capacity: 16)
        appendBytes(value, to: &out)
        return out.string
    }

    /// Appends ``bytes(_:)``'s text of `value`.
    static func appendBytes(_ value: UInt64, to out: inout ByteText) {
        if value < 1024 {
            out.append(value)
            out.append(" B")
            return
        }
        var unit = 0
        var scaled = Double(value)
        while scaled >= 1024 && unit + 1 < 7 {
            scaled /= 1024
            unit += 1
        }
        let tenths = Int((scaled * 10).rounded())
        out.append(tenths / 10)
        out.append(".")
        out.append(tenths % 10)
        switch unit {
        case 1: out.append(" KiB")
        case 2: out.append(" MiB")
        case 3: out.append(" GiB")
        case 4: out.append(" TiB")
        case 5: out.append(" PiB")
        default: out.append(" EiB")
        }
    }

    /// Appends `part` of `whole` as a percentage with one decimal; `0.0%` of nothing.
    static func appendShare(_ part: UInt64, of whole: UInt64, to out: inout ByteText) {
        guard whole > 0 else { return out.append("0.0%") }
        let tenths = Int((Double(part) / Double(whole) * 1000).rounded())
        // Appended as numbers, not interpolated: the standard library's
        // integer printing is code nothing else on the run needs.
        out.append(tenths / 10)
        out.append(".")
        out.append(tenths % 10)
        out.append("%")
    }

    // MARK: JSON

    static func renderJSON(_ report: Report) -> String {
        JSONValue.object([
            ("schema_version", .number(1)),
            ("processes", .array(report.processes.map(processJSON))),
            (
                "problems",
                .array(
                    report.problems.map { problem in
                        .object([
                            ("word", .string(problem.word)),
                            ("pid", problem.pid.map { .number($0) } ?? .null),
                            ("problem", .string(problem.kind.rawValue)),
                            ("message", .string(problem.message)),
                        ])
                    })
            ),
        ]).render()
    }

    static func processJSON(_ p: ProcessPlacement) -> JSONValue {
        func nodeBytes(_ node: ProcessPlacement.NodeBytes) -> JSONValue {
            .object([
                ("node", .number(node.node)),
                ("anonymous_bytes", .uint(node.anonymous)),
                ("shared_bytes", .uint(node.shared)),
                ("file_bytes", .uint(node.file)),
                ("huge_bytes", .uint(node.huge)),
                ("total_bytes", .uint(node.total)),
            ])
        }
        var memory = JSONValue.null
        if let m = p.memory {
            memory = .object([
                ("total_bytes", .uint(m.total)),
                ("remote_bytes", .uint(m.remote)),
                ("outside_policy_bytes", .uint(m.outsidePolicy)),
                ("outside_policy_shared_bytes", .uint(m.outsidePolicyShared)),
                ("outside_mems_allowed_bytes", .uint(m.outsideMemsAllowed)),
                ("outside_policy_file_bytes", .uint(m.outsidePolicyFile)),
                ("nodes", .array(m.nodes.map(nodeBytes))),
                (
                    "policies",
                    .array(
                        m.policies.map { policy in
                            .object([
                                ("policy", .string(policy.text)),
                                ("mode", .string(policy.policy.mode.rawValue)),
                                ("flags", .array(policy.policy.flags.map { .string($0) })),
                                ("nodes", .ids(policy.policy.nodes)),
                                ("mappings", .number(policy.mappings)),
                                ("outside_bytes", .uint(policy.outside)),
                                ("per_node", .array(policy.nodes.map(nodeBytes))),
                            ])
                        })
                ),
            ])
        }
        return .object([
            ("pid", .number(p.pid)),
            ("name", .string(p.name)),
            ("command", .array(p.commandLine.map { .string($0) })),
            ("cpus_allowed", .ids(p.cpusAllowed)),
            ("mems_allowed", .ids(p.memsAllowed)),
            ("cpuset", cpusetJSON(p.cpuset)),
            (
                "threads",
                .array(
                    p.threads.map { thread in
                        .object([
                            ("tid", .number(thread.tid)),
                            ("cpu", .number(thread.cpu)),
                            ("node", thread.node.map { .number($0) } ?? .null),
                        ])
                    })
            ),
            ("running_nodes", .ids(p.runningNodes)),
            ("memory", memory),
            ("notes", .array(p.notes.map { .string($0) })),
        ])
    }
}

extension String {
    /// The text padded with blanks on the left to `width` characters.
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
