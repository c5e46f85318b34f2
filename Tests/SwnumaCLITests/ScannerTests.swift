import Testing
import NUMA

@testable import SwnumaCLI

@Suite struct ScannerTests {
    func scan(_ words: String...) throws(ScanError) -> ScannedLine {
        try Scanner.scan(words)
    }

    @Test func stopsAtFirstNonOption() throws {
        let line = try scan("-m", "0", "echo", "-m", "1")
        #expect(line.options == [ScannedOption(.membind, "0", spelling: "-m")])
        #expect(line.command == ["echo", "-m", "1"])
    }

    @Test func doubleDashEndsOptionsAndIsDropped() throws {
        #expect(try scan("-l", "--", "-x").command == ["-x"])
        #expect(try scan("--").command == [])
        #expect(try scan("-", "a").command == ["-", "a"])
    }

    @Test func clustersAndAttachedValues() throws {
        let line = try scan("-aC0", "-m0", "-Hs", "ignored", "--bogus")
        #expect(line.options.map(\.id) == [.all, .physcpubind, .membind, .hardware, .show])
        #expect(line.options[1].value == "0")
        #expect(line.options[2].value == "0")
        #expect(line.command == [])
    }

    @Test func valueMayLookLikeAnOption() throws {
        #expect(try scan("-m", "-1", "true").options[0].value == "-1")
        #expect(try scan("--membind", "--", "true").options[0].value == "--")
    }

    @Test func longForms() throws {
        #expect(try scan("--membind=0", "x").options[0].value == "0")
        #expect(try scan("--membind=", "x").options[0].value == "")
        #expect(try scan("--mem=0", "x").options[0].id == .membind)
        #expect(try scan("--inter", "0", "x").options[0].id == .interleave)
        #expect(try scan("--cpunodebind", "0", "x").options[0].id == .cpunodebind)
        #expect(try scan("--shm", "k").options[0].id == .shm)
        #expect(try scan("--dump").options[0].id == .dump)
    }

    @Test func terminalOptionsEndTheScan() throws {
        #expect(try scan("-s", "--bogus").options.map(\.id) == [.show])
        #expect(try scan("--version", "-m", "5").options.map(\.id) == [.version])
        #expect(try scan("-s", "--json").options.map(\.id) == [.show, .json])
        #expect(try scan("--show", "x", "--", "--json").options.map(\.id) == [.show])
    }

    @Test(arguments: [
        (["-x"], ScanError.unknownShort("x")),
        (["--foo=bar"], .unknownLong("--foo=bar")),
        (["--p=0"], .ambiguous("--p=0", candidates: ["preferred", "preferred-many", "physcpubind"])),
        (["--cpu", "0"], .ambiguous("--cpu", candidates: ["cpunodebind", "cpubind", "cpu-compress"])),
        (["--pref=0"], .ambiguous("--pref=0", candidates: ["preferred", "preferred-many"])),
        (["--show=1"], .unexpectedValue("--show")),
        (["--all=1"], .unexpectedValue("--all")),
        (["-m"], .missingValue("-m", what: "a value")),
        (["--membind"], .missingValue("--membind", what: "a value")),
        (["-am"], .missingValue("-m", what: "a value")),
    ])
    func errors(words: [String], expected: ScanError) {
        #expect(throws: expected) { try Scanner.scan(words) }
    }

    @Test func everyLetterAndNameIsUnique() {
        let shorts = OptionTable.all.compactMap(\.short)
        #expect(Set(shorts).count == shorts.count)
        let longs = OptionTable.all.map(\.long)
        #expect(Set(longs).count == longs.count)
        #expect(Set(OptionTable.all.map(\.id)).count == OptionTable.all.count)
    }

    @Test func numactlShortOptionsKeepTheirLettersAndArguments() {
        // numactl 2.0.19's short option string, minus its leading '+'.
        let numactl = "ai:w:p:P:c:N:C:m:slbHS:f:o:L:tM:dDI:uTV"
        var expected: [Character: Bool] = [:]
        var index = numactl.startIndex
        while index < numactl.endIndex {
            let letter = numactl[index]
            let next = numactl.index(after: index)
            let takes = next < numactl.endIndex && numactl[next] == ":"
            expected[letter] = takes
            index = takes ? numactl.index(after: next) : next
        }
        for (letter, takes) in expected {
            let spec = OptionTable.all.first { $0.short == letter }
            #expect(spec?.takesValue == takes, "-\(letter)")
        }
    }

    /// numactl 2.0.19's long options in its table order, written out here and
    /// not taken from swnuma's table, so that an option added to swnuma
    /// cannot quietly change what a numactl prefix means.
    static let numactlLongOptions = [
        "all", "interleave", "weighted-interleave", "preferred", "preferred-many", "membind", "localalloc",
        "cpunodebind", "cpubind", "physcpubind", "balancing", "show", "hardware", "cpu-compress", "version",
        "shm", "file", "length", "offset", "shmmode", "huge", "shmid", "strict", "touch", "dump",
        "dump-nodes", "verify",
    ]

    @Test func everyNumactlPrefixKeepsItsMeaning() throws {
        var checked = 0
        for option in Self.numactlLongOptions {
            for length in 1...option.count {
                let prefix = String(option.prefix(length))
                let matches = Self.numactlLongOptions.filter { $0.hasPrefix(prefix) }
                let exact = matches.contains(prefix)
                if exact || matches.count == 1 {
                    let name = exact ? prefix : matches[0]
                    let scanned = try Scanner.scan(["--\(prefix)"] + (OptionTable.all.first { $0.long == name }!.takesValue ? ["0"] : []) + ["true"])
                    let spec = OptionTable.all.first { $0.id == scanned.options.first?.id }
                    #expect(spec?.long == name, "--\(prefix) must name --\(name)")
                } else {
                    #expect(throws: ScanError.self, "--\(prefix) is ambiguous in numactl") {
                        try Scanner.scan(["--\(prefix)", "0", "true"])
                    }
                }
                checked += 1
            }
        }
        #expect(checked > 150)
    }

    /// The index of long names the scanner reads first names, for every
    /// long name, the first row a search of the whole table finds; nothing
    /// else (prefixes, longer words, short-only rows' names) is in it.
    @Test func longNameIndexAgreesWithASearchOfTheTable() throws {
        var found: [String: OptionPlace] = [:]
        var group = 0
        while let rows = OptionTable.rows(ofGroup: group) {
            for (index, spec) in rows.enumerated() where !spec.shortOnly && found[spec.long] == nil {
                found[spec.long] = OptionPlace(group: group, index: index)
            }
            group += 1
        }
        #expect(found.count > 40)
        for (name, place) in found {
            #expect(OptionTable.place(ofLongName: Substring(name)) == place, "--\(name)")
            #expect(OptionTable.place(ofLongName: Substring(name).dropLast()).map { _ in found[String(name.dropLast())] != nil } ?? true)
            #expect(OptionTable.place(ofLongName: Substring(name + "x")) == nil || found[name + "x"] != nil)
        }
        #expect(OptionTable.place(ofLongName: "") == nil)
        #expect(OptionTable.place(ofLongName: "mem") == nil)
        // Spelt in full, a long option deep in the table reads as its own row.
        #expect(try scan("--process", "1").options.first?.place == found["process"])
    }

    /// A long option splits at its first `=` as a search by characters
    /// splits it, for ASCII words (searched by bytes) and others alike.
    @Test func splitAtEqualsAgreesWithACharacterSearch() {
        var generator = SeededGenerator(seed: 41)
        let pieces = ["=", "a", "mem", "0-1", "é", "=\u{301}", "\u{301}", " ", "==", "x=y"]
        for _ in 0..<2000 {
            let word = Substring((0..<Int.random(in: 0...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
            let split = NUMA.splitAtEquals(word)
            let equals = word.firstIndex(of: "=")
            #expect(split.name == (equals.map { word[..<$0] } ?? word), "\(word)")
            #expect(split.value == equals.map { String(word[word.index(after: $0)...]) }, "\(word)")
        }
    }
}

