internal import NUMA

/// swnuma's migratepages mode: `migratepages PID FROM-NODES TO-NODES` moves
/// the pages of a process from some nodes to others. swnuma runs in this
/// mode when invoked as `migratepages` or `swnuma-migratepages`.
package enum MigratepagesCommand {
    static func helpText(_ program: String) -> String {
        """
        Usage: \(program) PID FROM-NODES TO-NODES
        Moves the pages of process PID that are on FROM-NODES to TO-NODES (swnuma's
        migratepages). Nodes are numbers, A-B ranges and comma lists, all, !nodes
        to invert and +N relative to the allowed nodes, as for swnuma --membind.
        PID is decimal, 0x hexadecimal or 0-prefixed octal.

          -h, --help       print this help
          -V, --version    print the version

        Exit status: 0 when every page was moved; 1 otherwise.

        """
    }

    /// migratepages' command line: getopt_long with `-h`/`--help` (and
    /// swnuma's `-V`/`--version`), options and words mixed, `--` ending the options.
    /// The names it is run as: its installed name, then migratepages'.
    static let names = ["swnuma-migratepages", "migratepages"]

    /// migratepages' program, for the docs: the rows below and the usage lines.
    package static var program: Program {
        Program(
            name: names[0], aliases: [names[1]], summary: "move the pages of a process from some NUMA nodes to others",
            permutes: true, options: options,
            usage: [Usage(.argument("pid"), .argument("from-nodes"), .argument("to-nodes")), Usage(.either([.option("-h")], [.option("-V")]))])
    }

    /// migratepages' options, the ones its scanner reads.
    static let options: [OptionSpec] = [
        OptionSpec(.help, short: "h", group: .options, summary: "print this help", details: "Print a summary on standard output and exit.", endsScan: true),
        OptionSpec(.version, short: "V", group: .options, summary: "print the version", details: "Print swnuma-migratepages and swnuma's version, and exit.", endsScan: true),
    ]

    static var versionText: String { "\(names[0]) \(Program.version)\n" }

    /// Everything migratepages does short of writing.
    static func run(_ arguments: [String], program name: String, root: SystemRoot) -> Outcome {
        func usage(_ message: String) -> Outcome {
            Outcome(stderr: "\(name): \(message)\nTry '\(name) --help' for more information.\n", status: 1)
        }
        func fail(_ message: String) -> Outcome {
            Outcome(stderr: "\(name): \(message)\n", status: 1)
        }
        let line: ScannedLine
        do {
            line = try Scanner.scan(arguments, rows: options, permutes: true)
        } catch {
            return usage(error.description)
        }
        for option in line.options {
            if option.id == .help { return Outcome(stdout: helpText(name)) }
            if option.id == .version { return Outcome(stdout: versionText) }
        }
        let words = line.command
        guard words.count == 3 else {
            return usage("expected 3 arguments, PID FROM-NODES TO-NODES; got \(words.count)")
        }
        guard MemoryPolicy.isSupported else {
            return fail("this kernel does not support NUMA memory policies")
        }
        guard let pid = processID(words[0]) else {
            return usage("invalid PID '\(words[0])': expected a process id from 0 to \(Int32.max)")
        }
        var context = Context(root: root)
        let rules = context.memoryRules(all: false)
        let from: NodeSet
        let to: NodeSet
        do {
            from = try NodeSet.parse(words[1], rules: rules)
            to = try NodeSet.parse(words[2], rules: rules)
        } catch {
            return fail(error.description)
        }
        do {
            let notMoved = try PageMigration.migrate(pid: pid, from: from, to: to, maskBits: context.limits.nodeMaskBits)
            if notMoved > 0 {
                return fail("\(notMoved) page\(notMoved == 1 ? "" : "s") of process \(pid) could not be moved from nodes \(from) to nodes \(to)")
            }
            return Outcome()
        } catch {
            if error.errno == .invalidArgument && to.isEmpty {
                return fail("the target node set '\(words[2])' is empty")
            }
            return fail("cannot move the pages of process \(pid): \(error.errno.map(\.description) ?? error.description)")
        }
    }

    /// A PID as C's strtoul with base 0 reads it (blanks, then decimal, `0x`
    /// hexadecimal or `0` octal), the whole text; nil when it is not one or
    /// does not fit a pid_t.
    static func processID(_ text: String) -> Int32? {
        var bytes = Substring(text).utf8.drop { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        if bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var radix = 10
        if bytes.first == UInt8(ascii: "0") {
            radix = 8
            let rest = bytes.dropFirst()
            if let x = rest.first, x | 0x20 == UInt8(ascii: "x"), rest.count > 1 {
                radix = 16
                bytes = rest.dropFirst()
            }
        }
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            let digit: Int
            switch byte {
            case 0x30...0x39: digit = Int(byte - 0x30)
            case 0x61...0x66: digit = Int(byte - 0x61 + 10)
            case 0x41...0x46: digit = Int(byte - 0x41 + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            value = value * radix + digit
            guard value <= Int(Int32.max) else { return nil }
        }
        return Int32(value)
    }
}
