package import NUMA

/// A program swnuma is: `swnuma` itself, or numastat and migratepages under
/// their names. Each is described the same way, by its option rows and
/// usage lines, from which its scanner, `--help`, man page and completions
/// come.
package struct Program: Sendable {
    /// The installed name: `swnuma`, `swnuma-numastat`, `swnuma-migratepages`.
    package let name: String
    /// Other names it answers to (`numastat`, `migratepages`).
    package let aliases: [String]
    /// The man page's one-line description.
    package let summary: String
    /// Options and words may be mixed, as getopt permutes them (numastat,
    /// migratepages); numactl's grammar stops at the first word instead.
    package let permutes: Bool
    package let options: [OptionSpec]
    package let usage: [Usage]

    package static let version = "0.1.0"
    /// swnuma's name in messages: a constant, so that a run does not build
    /// the whole program description (rows, usage) to say who it is.
    package static let swnumaName = "swnuma"

    package static let swnuma = Program(
        name: swnumaName, aliases: [],
        summary: "run a command under a NUMA memory policy and CPU binding, and show the topology",
        permutes: false, options: OptionTable.all, usage: ModeList.all.flatMap { $0.usage })

    /// Every program, for the docs generator and the name dispatch.
    package static var all: [Program] { [swnuma, NumastatCommand.program, MigratepagesCommand.program] }

    /// Runs the program `invokedAs` names (its last path component) with
    /// `arguments` and never returns.
    package static func main(invokedAs invocation: String, _ arguments: [String]) -> Never {
        // The last path component, without splitting the path into an array of parts.
        let base = String(invocation[(invocation.lastIndex(of: "/").map { invocation.index(after: $0) } ?? invocation.startIndex)...])
        if NumastatCommand.names.contains(base) {
            let outcome = NumastatCommand.run(
                arguments, program: base, environment: ProcessIO.environment, terminalColumns: ProcessIO.terminalColumns(1))
            finish(outcome, program: base)
        }
        if MigratepagesCommand.names.contains(base) {
            finish(MigratepagesCommand.run(arguments, program: base, root: .live), program: base)
        }
        finish(SwnumaCommand.run(arguments, environmentRoot: SystemRoot.environmentValue), program: swnumaName)
    }

    /// The one output path of every program: the file a mode asked for
    /// (through the atomic writer, which refuses links, FIFOs and devices at
    /// the path), then standard output and standard error, then the command
    /// to execute or the exit.
    package static func finish(_ outcome: Outcome, program: String) -> Never {
        if let file = outcome.file {
            do {
                try AtomicFile.replace(file.path, with: file.contents)
            } catch {
                ProcessIO.write(outcome.stderr, to: 2)
                ProcessIO.write("\(program): \(error.description)\n", to: 2)
                ProcessIO.exit(1, program: program)
            }
        }
        ProcessIO.write(outcome.stdout, to: 1)
        ProcessIO.write(outcome.stderr, to: 2)
        if let command = outcome.launch {
            let error = Launcher.execute(command)
            ProcessIO.write("\(program): cannot execute '\(command[0])': \(error)\n", to: 2)
            ProcessIO.exit(1, program: program)
        }
        ProcessIO.exit(outcome.status, program: program)
    }

    /// The one root set-up of every program and mode: `--root`, else a
    /// non-empty `SWNUMA_ROOT`, read as a snapshot (a folder holding `sys/`
    /// or `proc/`); else the live system.
    package static func systemRoot(option: String?, environment: String?) throws(NUMAError) -> SystemRoot {
        if let path = option ?? environment.flatMap({ $0.isEmpty ? nil : $0 }) {
            return try SystemRoot.snapshot(path)
        }
        return .live
    }
}

/// The swnuma program: parses argv into a plan, then the plan's mode acts.
package enum SwnumaCommand {
    /// Everything swnuma does short of writing and executing: scan, plan,
    /// set up the root, and the mode's work.
    ///
    /// - Parameter environmentRoot: the value of `SWNUMA_ROOT`, if set.
    package static func run(_ arguments: [String], environmentRoot: String?) -> Outcome {
        if arguments.isEmpty {
            // As numactl: bare, the program shows how it is used.
            var outcome = Outcome(status: 1)
            outcome.stderr = HelpText.usage + "Try '\(Program.swnumaName) --help' for more information.\n"
            return outcome
        }
        let invocation: Invocation
        do {
            let (line, scanError) = Scanner.scanPartially(arguments)
            invocation = try Invocation.plan(line, scanError: scanError)
        } catch {
            return .usage(error.message)
        }
        if invocation.mode is HelpMode || invocation.mode is VersionMode {
            var context = Context(root: .live)
            return invocation.mode.perform(&context)
        }
        let root: SystemRoot
        do {
            root = try Program.systemRoot(option: invocation.root, environment: environmentRoot)
        } catch {
            return .failure(error.description)
        }
        var context = Context(root: root)
        return invocation.mode.perform(&context)
    }
}

/// The entry point of the `swnuma` executable: argv (program name first) to
/// the program its name asks for.
public func runSwnuma(_ arguments: [String]) -> Never {
    Program.main(invokedAs: arguments.first ?? "swnuma", Array(arguments.dropFirst()))
}
