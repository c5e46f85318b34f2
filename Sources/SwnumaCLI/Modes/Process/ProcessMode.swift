internal import NUMA

/// `--process PID|NAME` (repeatable): where a running process's memory is
/// against where it runs and what its policies allow.
package struct ProcessMode: Mode, Equatable {
    /// The words of `--process`, in order.
    package var words: [String]
    package var json: Bool

    package static let options: [OptionSpec] = [
        OptionSpec(.process, value: .process, valueName: "pid|name", group: .swnuma, summary: "Show where a running process's memory is against where it runs", details: "Show a running process by id, or every process whose name or command line contains the word (as numastat -p matches): its command, allowed CPUs and nodes, cpuset, the nodes its threads last ran on, its memory per node by kind (anonymous, file, huge pages) and by the policy of each mapping, the share of its memory on nodes its threads do not run on, and the memory outside what its policies or its cpuset allow. Repeatable; with --json, one JSON document. A process that vanished or cannot be read is reported, not fatal. Works under --root.", fromNumactl: false, repeatable: true),
    ]

    package static let usage = [Usage(.repeating(.option("--process", "pid|name")), .optional([.option("--json")]))]

    package static var hasJSON: Bool { true }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> ProcessMode {
        var words: [String] = []
        for option in line.options where option.id == .process {
            let word = option.value ?? ""
            if word.isEmpty { throw UsageError("\(option.spelling) needs a process id or a name") }
            if word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), (Int(decimal: word) ?? .max) > Int(Int32.max) {
                throw UsageError("\(option.spelling): process id '\(word)' is out of range")
            }
            words.append(word)
        }
        return ProcessMode(words: words, json: numactl.json)
    }

    package func perform(_ context: inout Context) -> Outcome {
        var outcome = Outcome()
        context.topologyOptions = [.skipDistances, .skipMemory]
        let report = ProcessView.gather(words, root: context.root, topology: context.topology)
        for problem in report.problems { outcome.complain(problem.message) }
        // No process to show is a failure: stderr says why, stdout stays empty.
        if report.processes.isEmpty {
            outcome.status = 1
        } else {
            outcome.stdout += json ? ProcessView.renderJSON(report) : ProcessView.renderText(report)
        }
        return outcome
    }
}

extension OptionID {
    package static let process = OptionID("process")
}
