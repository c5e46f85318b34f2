internal import NUMA

/// What a run of swnuma produced: its output, its status, and possibly a
/// command to replace the process with.
package struct Outcome: Equatable, Sendable {
    package var stdout = ""
    package var stderr = ""
    package var status: Int32 = 0
    /// When set, the caller writes the output and then executes this command.
    package var launch: [String]?
    /// When set, the caller writes this file first; failing that, exit 1.
    package var file: OutputFile?

    package init(stdout: String = "", stderr: String = "", status: Int32 = 0, launch: [String]? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
        self.launch = launch
    }

    /// Adds one diagnostic line, `swnuma: <text>`, to stderr.
    package mutating func complain(_ text: String) {
        stderr += "\(SwnumaCommand.name): \(text)\n"
    }

    package static func usage(_ message: String) -> Outcome {
        var outcome = Outcome(status: 1)
        outcome.complain(message)
        outcome.stderr += "Try '\(SwnumaCommand.name) --help' for more information.\n"
        return outcome
    }

    package static func failure(_ message: String, status: Int32 = 1) -> Outcome {
        var outcome = Outcome(status: status)
        outcome.complain(message)
        return outcome
    }
}

/// The swnuma command: parses argv into a plan, then acts on it.
public enum SwnumaCommand {
    package static let name = "swnuma"
    package static let version = "0.1.0"

    /// Runs the mode the program name asks for, with `arguments` (without
    /// the program name), and never returns: numastat as `numastat` or
    /// `swnuma-numastat`, migratepages as `migratepages` or
    /// `swnuma-migratepages`, swnuma otherwise.
    public static func main(invokedAs program: String, _ arguments: [String]) -> Never {
        let base = String(program.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        switch base {
        case "numastat", "swnuma-numastat": NumastatCommand.main(program: base, arguments)
        case "migratepages", "swnuma-migratepages": MigratepagesCommand.main(program: base, arguments)
        default: main(arguments)
        }
    }

    /// Runs swnuma with `arguments` (without the program name) and never returns.
    public static func main(_ arguments: [String]) -> Never {
        let outcome = run(arguments, environmentRoot: environmentRoot())
        if let file = outcome.file, let error = Terminal.writeFile(file.path, file.contents) {
            Terminal.write(outcome.stderr, to: 2)
            Terminal.write("\(name): cannot write '\(file.path)': \(error)\n", to: 2)
            Terminal.exit(1)
        }
        Terminal.write(outcome.stdout, to: 1)
        Terminal.write(outcome.stderr, to: 2)
        if let command = outcome.launch {
            let error = Launcher.execute(command)
            Terminal.write("\(name): cannot execute '\(command[0])': \(error)\n", to: 2)
            Terminal.exit(1)
        }
        Terminal.exit(outcome.status)
    }

    /// The program that carries out `--kubelet-*`: `swnuma-kubelet` beside
    /// this executable, given the same arguments. It is a program of its own
    /// because it reads YAML, which brings Foundation and its start-up code;
    /// swnuma's other commands do not pay for that.
    static func kubeletHelper(_ arguments: [String]) -> Outcome {
        let helper = kubeletHelperPath
        guard Launcher.isExecutable(helper) else {
            return .failure("the kubelet modes need \(helper), installed beside swnuma (make install)")
        }
        return Outcome(launch: [helper] + arguments)
    }

    /// Writes an outcome and exits with its status: the end of swnuma's helper programs.
    package static func finish(_ outcome: Outcome) -> Never {
        Terminal.write(outcome.stdout, to: 1)
        Terminal.write(outcome.stderr, to: 2)
        Terminal.exit(outcome.status)
    }

    /// Where `swnuma-kubelet` is: beside the running executable.
    package static var kubeletHelperPath: String {
        let executable = Launcher.executablePath ?? "/usr/local/bin/swnuma"
        let folder = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (folder.isEmpty ? "" : folder) + "/swnuma-kubelet"
    }

    static func environmentRoot() -> String? {
        SystemRoot.environmentValue
    }

    /// Everything swnuma does short of writing and executing: scan, plan,
    /// resolve against the system, apply policies, render.
    ///
    /// - Parameter environmentRoot: the value of `SWNUMA_ROOT`, if set.
    package static func run(_ arguments: [String], environmentRoot: String?) -> Outcome {
        if arguments.isEmpty {
            // As numactl: bare, the program shows how it is used.
            var outcome = Outcome(status: 1)
            outcome.stderr = "Usage: " + HelpText.usageLines.joined(separator: "\n       ") + "\n"
            outcome.stderr += "Try '\(name) --help' for more information.\n"
            return outcome
        }
        let invocation: Invocation
        do {
            let (line, scanError) = Scanner.scanPartially(arguments)
            invocation = try Invocation.plan(line, scanError: scanError)
        } catch {
            return .usage(error.message)
        }

        switch invocation.action {
        case .help:
            return Outcome(stdout: HelpText.render())
        case .version:
            return Outcome(stdout: "\(name) \(version)\n")
        case .kubelet:
            return kubeletHelper(arguments)
        default:
            break
        }

        let root: SystemRoot
        do {
            if let path = invocation.root ?? environmentRoot.flatMap({ $0.isEmpty ? nil : $0 }) {
                root = try SystemRoot.snapshot(path)
            } else {
                root = .live
            }
        } catch {
            return .failure(error.description)
        }
        var context = Context(root: root)
        return context.perform(invocation)
    }
}
