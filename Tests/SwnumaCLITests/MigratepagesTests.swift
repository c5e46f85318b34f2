import NUMA
import Testing

@testable import SwnumaCLI

@Suite struct MigratepagesTests {
    func run(_ arguments: [String]) -> Outcome {
        MigratepagesCommand.run(arguments, program: "migratepages", root: .live)
    }

    @Test func usage() {
        for arguments in [[], ["1", "0"], ["1", "0", "0", "extra"], ["-x", "1", "0", "0"], ["--hint"]] {
            let outcome = run(arguments)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr.hasPrefix("migratepages: "))
        }
        #expect(run(["--help"]).stdout.hasPrefix("Usage: migratepages PID FROM-NODES TO-NODES\n"))
        #expect(run(["-h"]).status == 0)
        for arguments in [["-V"], ["--version"], ["--vers"]] {
            #expect(run(arguments) == Outcome(stdout: "swnuma-migratepages \(Program.version)\n"), "\(arguments)")
        }
        #expect(run(["--version=2"]).stderr.hasPrefix("migratepages: option '--version' takes no value\n"))
    }

    /// strtoul base 0 over the whole text; fix 10: pids that overflow are refused.
    @Test func processIDs() {
        #expect(MigratepagesCommand.processID("12") == 12)
        #expect(MigratepagesCommand.processID("0x10") == 16)
        #expect(MigratepagesCommand.processID("010") == 8)
        #expect(MigratepagesCommand.processID(" 7") == 7)
        #expect(MigratepagesCommand.processID("0") == 0)
        #expect(MigratepagesCommand.processID("12x") == nil)
        #expect(MigratepagesCommand.processID("abc") == nil)
        #expect(MigratepagesCommand.processID("") == nil)
        #expect(MigratepagesCommand.processID("0x") == nil)
        #expect(MigratepagesCommand.processID("08") == nil)
        #expect(MigratepagesCommand.processID("4294967296") == nil)
        #expect(MigratepagesCommand.processID("2147483648") == nil)
        #expect(MigratepagesCommand.processID("-1") == nil)
        let outcome = run(["4294967296", "0", "0"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("invalid PID '4294967296'"))
    }

    @Test(.enabled(if: MemoryPolicy.isSupported)) func refusals() {
        let missing = run(["99999999", "0", "0"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("No such process"))
        let node = run(["1", "0", "4000"])
        #expect(node.status == 1)
        #expect(node.stderr.hasPrefix("migratepages: "))
        #expect(node.stdout.isEmpty)
    }
}
