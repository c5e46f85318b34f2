/// What a run produced: its output, its status, and possibly a file to
/// write or a command to replace the process with. Modes return it;
/// ``Program/finish(_:)`` alone writes it.
package struct Outcome: Equatable, Sendable {
    package var stdout = ""
    package var stderr = ""
    package var status: Int32 = 0
    /// When set, the caller writes the output and then executes this command.
    package var launch: [String]?
    /// When set, the caller writes this file first (through the one atomic
    /// writer); failing that, exit 1.
    package var file: OutputFile?

    package init(stdout: String = "", stderr: String = "", status: Int32 = 0, launch: [String]? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
        self.launch = launch
    }

    /// Adds one diagnostic line, `swnuma: <text>`, to stderr.
    package mutating func complain(_ text: String) {
        stderr += "\(Program.swnumaName): \(text)\n"
    }

    package static func usage(_ message: String) -> Outcome {
        var outcome = Outcome(status: 1)
        outcome.complain(message)
        outcome.stderr += "Try '\(Program.swnumaName) --help' for more information.\n"
        return outcome
    }

    package static func failure(_ message: String, status: Int32 = 1) -> Outcome {
        var outcome = Outcome(status: status)
        outcome.complain(message)
        return outcome
    }
}

/// A file a mode asks to be written (`--draw=FILE`, `--nfd-features --output FILE`).
package struct OutputFile: Equatable, Sendable {
    package var path: String
    package var contents: String
}
