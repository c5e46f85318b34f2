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
        let matches = Dictionary(
            zip(names, NodeStatistics.processIDs(matchingEach: names, in: root, excluding: own)), uniquingKeysWith: { a, _ in a })
        for word in words {
            let pids = isNumber(word) ? ProcessPlacement.pid(of: word).map { [$0] } ?? [] : matches[word] ?? []
            if pids.isEmpty {
                report.problems.append(Problem(word: word, pid: nil, kind: .noMatch, message: "no process matches '\(escapedForDisplay(word))'"))
            }
            for pid in pids where seen.insert(pid).inserted {
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
        var out = ""
        for (index, process) in report.processes.enumerated() {
            if index > 0 { out += "\n" }
            out += block(process)
        }
        return out
    }

    /// `parts` joined by `separator`, appended one by one: the standard
    /// library's `joined(separator:)` is generic code that resolves its types
    /// at run time on its first call, a tenth of a `--process` run.
    static func joinedText(_ parts: [String], _ separator: String = "") -> String {
        var result = ""
        for (index, part) in parts.enumerated() {
            if index > 0 { result += separator }
            result += part
        }
        return result
    }

    static func block(_ p: ProcessPlacement) -> String {
        var out = "\(p.pid) (\(escapedForDisplay(p.name)))"
        if !p.commandLine.isEmpty { out += " " + joinedText(p.commandLine.map { escapedForDisplay($0) }, " ") }
        out += "\n"
        func line(_ label: String, _ text: String) {
            out += "  " + label.padding(12) + " " + text + "\n"
        }
        line("allowed", "cpus \(p.cpusAllowed.map { "\($0)" } ?? "?"), memory on nodes \(p.memsAllowed.map { "\($0)" } ?? "?")")
        if let cpuset = p.cpuset {
            line(
                "cpuset",
                "\(escapedForDisplay(cpuset.path)) (cgroup v\(cpuset.version)): cpus \(cpuset.cpus.map { "\($0)" } ?? "?"), nodes \(cpuset.mems.map { "\($0)" } ?? "?")"
            )
        }
        if !p.threads.isEmpty {
            // Inserted one by one: the set's generic init from a sequence,
            // called from this module, resolves its types at run time.
            var cpus = CPUSet()
            for thread in p.threads { _ = cpus.insert(thread.cpu) }
            let count = p.threads.count == 1 ? "1 thread" : "\(p.threads.count) threads"
            let nodes = p.runningNodes.isEmpty ? "no node" : "node\(p.runningNodes.count == 1 ? "" : "s") \(p.runningNodes)"
            line("threads", "\(count), last ran on cpu\(cpus.count == 1 ? "" : "s") \(cpus) (\(nodes))")
        }
        if let memory = p.memory {
            line("memory", bytes(memory.total))
            if !memory.nodes.isEmpty {
                out += "    node" + joinedText(["anonymous", "shared", "file", "huge", "total"].map { $0.leftPadding(12) }) + "\n"
                for node in memory.nodes {
                    out += "    " + String(node.node).leftPadding(4)
                    out += joinedText([node.anonymous, node.shared, node.file, node.huge, node.total].map { bytes($0).leftPadding(12) })
                    out += p.runningNodes.contains(node.node) ? "  (runs here)\n" : "\n"
                }
            }
            for (index, policy) in memory.policies.enumerated() where policy.nodes.contains(where: { $0.total > 0 }) {
                let total = policy.nodes.reduce(UInt64(0)) { $0.saturatingAdding($1.total) }
                let spread = joinedText(policy.nodes.map { "\(bytes($0.total)) on node \($0.node)" }, ", ")
                var text = "\(escapedForDisplay(policy.text)): \(spread)"
                if policy.nodes.count > 1 { text += " (\(bytes(total)))" }
                text += ", \(policy.mappings) mapping\(policy.mappings == 1 ? "" : "s")"
                if policy.outside > 0 { text += ", \(bytes(policy.outside)) outside" }
                line(index == 0 ? "policies" : "", text)
            }
            line(
                "remote",
                "\(share(memory.remote, of: memory.total)) on nodes its threads do not run on (\(bytes(memory.remote)))")
            var outside = "\(share(memory.outsidePolicy, of: memory.total)) outside what its policies allow (\(bytes(memory.outsidePolicy)))"
            if memory.outsidePolicyShared > 0 { outside += ", \(bytes(memory.outsidePolicyShared)) of it shared memory" }
            if memory.outsideMemsAllowed > 0 { outside += ", \(bytes(memory.outsideMemsAllowed)) outside Mems_allowed" }
            if memory.outsidePolicyFile > 0 {
                outside += "; and \(bytes(memory.outsidePolicyFile)) of file pages, page cache its first reader placed"
            }
            line("outside", outside)
        }
        for note in p.notes { line("note", note) }
        return out
    }

    /// A byte count in binary units with one decimal: `16.0 MiB`, `0 B`.
    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        if value < 1024 { return "\(value) B" }
        var unit = 0
        var scaled = Double(value)
        while scaled >= 1024 && unit + 1 < units.count {
            scaled /= 1024
            unit += 1
        }
        let tenths = Int((scaled * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `part` of `whole` as a percentage with one decimal; `0.0%` of nothing.
    static func share(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "0.0%" }
        let tenths = Int((Double(part) / Double(whole) * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
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
    /// The text padded with blanks on the right to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// The text padded with blanks on the left to `width` characters.
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
