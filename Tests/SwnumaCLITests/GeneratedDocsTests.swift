import Foundation
import Testing

@testable import SwnumaCLI

/// The committed man page and completions are what the option table renders,
/// and every option is in each of them.
@Suite struct GeneratedDocsTests {
    /// The package root, two folders above this file's folder.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func committed(_ path: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(arguments: GeneratedDocs.files.map(\.path))
    func committedFileIsUpToDate(path: String) throws {
        let file = try #require(GeneratedDocs.files.first { $0.path == path })
        let upToDate = (try? Self.committed(path)) == file.render()
        #expect(
            upToDate,
            "\(path) is out of date with the option table; refresh it with `\(GeneratedDocs.refreshCommand)` and commit it")
    }

    @Test func manPageHasEveryOption() {
        let page = ManPage.render()
        for spec in OptionTable.all {
            #expect(page.contains(".It " + ManPage.item(spec) + "\n"), "man page lacks --\(spec.long)")
            #expect(page.contains(spec.details.split(separator: ".")[0]), "man page lacks the details of --\(spec.long)")
        }
    }

    /// Every mode names itself in `--help`'s Usage and the man page's
    /// SYNOPSIS: a mode whose usage lines are missing, or do not name its
    /// selecting option, fails here.
    @Test func usageAndSynopsisNameEveryMode() throws {
        let help = HelpText.render()
        let start = try #require(help.range(of: "Usage: ")).lowerBound
        let usage = String(help[start...].split(separator: "\n\n", maxSplits: 1)[0]) + "\n"
        let page = ManPage.render()
        let synopsis = try #require(page.range(of: ".Sh SYNOPSIS\n")).upperBound
        let synopsisEnd = try #require(page.range(of: ".Sh DESCRIPTION\n")).lowerBound
        let synopsisText = String(page[synopsis..<synopsisEnd])
        for mode in ModeList.all {
            let selector = try #require(mode.options.first, "\(mode) has no option rows")
            #expect(!mode.usage.isEmpty, "\(mode) has no usage line")
            let named = mode.usage.contains { $0.text.contains("--\(selector.long)") }
            // numactl's launch is named by its command, not an option.
            #expect(named || mode is LaunchMode.Type, "\(mode)'s usage does not name --\(selector.long)")
            for line in mode.usage {
                #expect(usage.contains("swnuma \(line.text)\n"), "--help's Usage lacks 'swnuma \(line.text)'")
                #expect(synopsisText.contains(".Nm\n" + line.mdoc.map { "." + $0 + "\n" }.joined()), "SYNOPSIS lacks \(line.text)")
            }
        }
        // numastat's and migratepages' pages are read from the same rows.
        for program in [NumastatCommand.program, MigratepagesCommand.program] {
            #expect(!program.usage.isEmpty && !program.options.isEmpty)
        }
    }

    @Test func helpListsEveryOption() {
        let help = HelpText.render()
        for spec in OptionTable.all {
            #expect(help.contains("  " + spec.synopsis + " ") || help.contains("  " + spec.synopsis + "\n"), "--help lacks \(spec.synopsis)")
        }
    }

    @Test func otherNamesHaveManPagesAndCompletions() {
        for name in ["swnuma-numastat", "swnuma-migratepages"] {
            for path in ["man/\(name).8", "completions/\(name).bash", "completions/_\(name)", "completions/\(name).fish"] {
                #expect(GeneratedDocs.files.contains { $0.path == path }, "\(path) is not generated")
            }
        }
        #expect(NumastatManPage.render().contains(".It Fl V , Fl \\-version"))
        #expect(MigratepagesManPage.render().contains(".It Fl V , Fl \\-version"))
    }

    @Test func manPageIsDatedAndSection8() {
        let page = ManPage.render()
        #expect(page.hasPrefix(".Dd \(ManPage.date)\n.Dt SWNUMA 8\n"))
        #expect(page.contains(".Sh EXIT STATUS\n"))
        #expect(page.contains("SWNUMA_ROOT"))
    }

    @Test func bashCompletionHasEveryOption() {
        let script = BashCompletion.render()
        for spec in OptionTable.all {
            #expect(script.contains("--\(spec.long) ") || script.contains("--\(spec.long)\""), "bash lacks --\(spec.long)")
            #expect(script.contains(" \(spec.long):\(BashCompletion.kindWord(spec))"), "bash lacks the kind of --\(spec.long)")
            if let short = spec.short {
                #expect(script.contains("-\(short) ") || script.contains("-\(short)\""), "bash lacks -\(short)")
            }
        }
        #expect(script.contains("complete -F _swnuma swnuma"))
    }

    @Test func zshCompletionHasEveryOption() {
        let script = ZshCompletion.render()
        #expect(script.hasPrefix("#compdef swnuma\n"))
        for spec in OptionTable.all {
            #expect(script.contains("--\(spec.long)"), "zsh lacks --\(spec.long)")
            #expect(script.contains(ZshCompletion.spec(spec)), "zsh lacks the spec of --\(spec.long)")
        }
    }

    @Test func fishCompletionHasEveryOption() {
        let script = FishCompletion.render()
        for spec in OptionTable.all {
            #expect(script.contains(" -l \(spec.long) "), "fish lacks --\(spec.long)")
            #expect(script.contains(FishCompletion.line(spec) + "\n"), "fish lacks the line of --\(spec.long)")
            if let short = spec.short {
                #expect(script.contains(" -s \(short) -l \(spec.long) "), "fish lacks -\(short)")
            }
        }
    }

    /// numastat's and migratepages' completions come from their rows, by
    /// the same writers as swnuma's.
    @Test func otherNamesCompleteEveryRow() {
        for program in [NumastatCommand.program, MigratepagesCommand.program] {
            let zsh = GeneratedDocs.files.first { $0.path == "completions/_\(program.name)" }?.render() ?? ""
            let fish = GeneratedDocs.files.first { $0.path == "completions/\(program.name).fish" }?.render() ?? ""
            for row in program.options {
                #expect(zsh.contains(ZshCompletion.spec(row)), "zsh for \(program.name) lacks \(row.displayName)")
                let line = FishCompletion.line(row, command: program.name, condition: nil, root: nil)
                #expect(fish.contains(line + "\n"), "fish for \(program.name) lacks \(row.displayName)")
            }
        }
    }

    /// After --kubelet-check, each shell offers exactly the flags the
    /// kubelet's flag parser knows.
    @Test func kubeletFlagsAreTheParsers() {
        let flags = ModeCompletions.kubeletFlags
        let valued = flags.valued.split(separator: " ")
        #expect(flags.names.split(separator: " ").contains("reserved-memory") && valued.contains("config") && !valued.contains("help"))
        for script in [BashCompletion.render(), ZshCompletion.render()] {
            #expect(script.contains(flags.options))
            #expect(!flags.options.contains("--membind"))
        }
        #expect(FishCompletion.render().contains("set -l flags " + flags.names + "\n"))
    }

    @Test func nodeAndCPUValuesCompleteToIds() {
        for spec in OptionTable.all {
            switch spec.value {
            case .nodes, .node, .cpus:
                #expect(ZshCompletion.spec(spec).contains("_swnuma_ids \(spec.value.rawValue)"))
                #expect(FishCompletion.line(spec).contains("(__swnuma_ids \(spec.value.rawValue) "))
            default:
                #expect(!ZshCompletion.spec(spec).contains("_swnuma_ids"))
            }
        }
    }
}
