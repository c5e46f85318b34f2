import NUMA
import PropertyBased
import Testing

@testable import SwnumaCLI

/// Property-based variations of malformed command lines: whatever the bad
/// token, the line is refused with status 1, nothing on stdout, and one
/// diagnostic line (plus the usage hint) that names the token. Every case here
/// is refused before swnuma reads or changes anything on the machine.
@Suite struct MalformedPropertyTests {
    /// Checks a refused swnuma outcome; returns its first stderr line.
    func expectRefusal(_ outcome: Outcome, naming token: String, program: String = "swnuma",
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 1, "status \(outcome.status) for '\(token)'", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, "stdout for '\(token)': \(outcome.stdout)", sourceLocation: sourceLocation)
        let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .filter { !$0.hasPrefix("Try '") }
        #expect(lines.count == 1, "stderr for '\(token)': \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("\(program): ") == true, "stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.contains(token) == true, "'\(token)' not named in: \(outcome.stderr)", sourceLocation: sourceLocation)
    }

    func run(_ words: [String]) -> Outcome {
        SwnumaCommand.run(words, environmentRoot: nil)
    }

    static let shortLetters = Set(OptionTable.all.compactMap(\.short))

    @Test func unknownShortOptionsAreNamed() async {
        let letter = Gen.letterOrNumber.filter { !Self.shortLetters.contains($0) }
        await propertyCheck(input: letter, Gen.letterOrNumber.string(of: 0...4)) { letter, tail in
            // Known flags that take no value may come first in the cluster.
            expectRefusal(run(["-a\(letter)\(tail)", "true"]), naming: "'-\(letter)'")
        }
    }

    @Test func unknownLongOptionsAreNamed() async {
        let names = OptionTable.all.map(\.long)
        let word = Gen.lowercaseLetter.string(of: 1...12).filter { word in !names.contains { $0.hasPrefix(word) } }
        await propertyCheck(input: word, Gen.letterOrNumber.string(of: 0...6)) { word, value in
            let argument = value.isEmpty ? "--\(word)" : "--\(word)=\(value)"
            expectRefusal(run([argument, "true"]), naming: "'\(argument)'")
        }
    }

    @Test func optionsThatNeedAValueSayWhichAtTheEnd() async {
        let valued = OptionTable.all.filter { $0.takesValue && !$0.valueIsOptional }
        await propertyCheck(input: Gen.element(of: valued).map { $0! }, Gen.bool) { spec, useShort in
            let spelling = useShort && spec.short != nil ? "-\(spec.short!)" : "--\(spec.long)"
            expectRefusal(run([spelling]), naming: "'\(spelling)'")
        }
    }

    @Test func flagsRefuseAnAttachedValue() async {
        // Options that take the rest of the line (the kubelet modes) read it their own way.
        let flags = OptionTable.all.filter { !$0.takesValue && $0.rest == nil }
        await propertyCheck(input: Gen.element(of: flags).map { $0! }, Gen.letterOrNumber.string(of: 0...5)) { spec, value in
            expectRefusal(run(["--\(spec.long)=\(value)"]), naming: "'--\(spec.long)'")
        }
    }

    @Test func shmmodeAboveTwelveBitsIsRefused() async {
        // Octal numbers above 7777, up to ones that would wrap at 32 bits.
        let big = Gen.uint64(in: 0o10000...(1 << 36)).map { String($0, radix: 8) }
        await propertyCheck(input: big) { mode in
            expectRefusal(run(["--shmmode", mode, "--file", "/nonexistent/swnuma-shm", "-l"]), naming: "'\(mode)'")
        }
    }

    @Test func shmmodeWithinRangeIsPlanned() async {
        await propertyCheck(input: Gen.uint32(in: 0...0o7777)) { mode in
            let line = try! Scanner.scan(["--shmmode", String(mode, radix: 8), "--file", "/x", "-l"])
            #expect(throws: Never.self) { try Invocation.plan(line) }
        }
    }

    @Test func negativeOrOverflowingSizesAreRefused() async {
        let signed = zip(Gen.element(of: ["-", " -", "-0x"]).map { $0! }, Gen.uint64(in: 0...(1 << 40))).map { "\($0)\($1)" }
        // From 2^44 a megabyte suffix (2^20) passes 64 bits.
        let huge = zip(Gen.uint64(in: (1 << 44)...(1 << 60)), Gen.element(of: ["g", "G", "m", "M"]).map { $0! })
            .map { "\($0)\($1)" }
        await propertyCheck(input: Gen.oneOf(signed, huge),
                            Gen.element(of: ["-L", "--length", "--offset"]).map { $0! }) { size, option in
            expectRefusal(run([option, size, "--file", "/nonexistent/swnuma-shm", "-l"]), naming: "'\(size)'")
        }
    }

    @Test func sizesThatFitArePlannedAsNumactlReadsThem() async {
        await propertyCheck(
            input: Gen.element(of: ["", "+", " "]).map { $0! }, Gen.uint64(in: 0...(1 << 33)),
            Gen.element(of: ["", "k", "M", "g", "x", "kb"]).map { $0! }
        ) { sign, value, suffix in
            let text = "\(sign)\(value)\(suffix)"
            #expect(checkedSize(text) == parseSize(text))
        }
    }

    // MARK: <nodes> and <cpus> numbers

    static let rules = SpecRules<NodeKind>(existing: [0, 1, 2, 3], allowed: [0, 1, 2, 3])

    @Test func nodeNumbersOutOfRangeAreRefusedByName() async {
        let tooBig = Gen.uint64(in: UInt64(NodeSet.limit)...UInt64.max).map { String($0) }
        let missing = Gen.int(in: 4...(NodeSet.limit - 1)).map { String($0) }
        let negative = Gen.int(in: 1...Int.max).map { "-\($0)" }
        let wider = Gen.number.string(of: 21...40).map { "9\($0)" }
        let token = Gen.oneOf(
            tooBig, missing, negative,
            wider)
        await propertyCheck(input: token) { token in
            #expect {
                try NodeSet.parse(token, rules: Self.rules)
            } throws: { error in
                "\(error)".contains(token.hasPrefix("-") ? "-" : String(token.prefix(20)))
            }
        }
    }

    @Test func reversedRangesAreRefused() async {
        await propertyCheck(input: Gen.int(in: 1...3), Gen.int(in: 0...2)) { high, low in
            guard low < high else { return }
            #expect(throws: NUMAError.self) { try NodeSet.parse("\(high)-\(low)", rules: Self.rules) }
        }
    }

    @Test func garbageInsideAListIsRefusedByName() async {
        let junk = Gen.letter.string(of: 1...6).filter { $0 != "all" && $0 != "same" }
        await propertyCheck(input: Gen.int(in: 0...3), junk) { id, junk in
            #expect {
                try NodeSet.parse("\(id),\(junk)", rules: Self.rules)
            } throws: { error in
                "\(error)".contains(junk)
            }
        }
    }

    // MARK: numastat and migratepages

    @Test func numastatNamesUnknownLetters() async {
        let known = Set("cmnpsvVz?")
        let letter = Gen.letterOrNumber.filter { !known.contains($0) }
        await propertyCheck(input: letter, Gen.element(of: ["", "c", "m", "nz"]).map { $0! }) { letter, before in
            let outcome = NumastatCommand.run(
                ["-\(before)\(letter)"], program: "swnuma-numastat", environment: { _ in nil }, terminalColumns: nil)
            expectRefusal(outcome, naming: "'-\(letter)'", program: "swnuma-numastat")
        }
    }

    @Test func numastatRefusesPIDsBeyondPidT() async {
        let pid = Gen.uint64(in: UInt64(Int32.max) + 1...UInt64.max).map { String($0) }
        await propertyCheck(input: pid) { pid in
            let outcome = NumastatCommand.run(
                ["-p", pid], program: "swnuma-numastat", environment: { _ in nil }, terminalColumns: nil)
            expectRefusal(outcome, naming: "'\(pid)'", program: "swnuma-numastat")
        }
    }

    @Test func migratepagesReadsPIDsWithinPidTOnly() async {
        await propertyCheck(input: Gen.uint64(in: 0...(UInt64(Int32.max) * 4))) { value in
            let pid = MigratepagesCommand.processID(String(value))
            #expect(pid == (value <= UInt64(Int32.max) ? Int32(value) : nil))
            #expect(MigratepagesCommand.processID("0x" + String(value, radix: 16)) == pid)
            #expect(MigratepagesCommand.processID("-\(value)") == nil)
        }
    }

    @Test func migratepagesCountsItsWords() async {
        let counts = Gen.int(in: 0...8).filter { $0 != 3 }
        await propertyCheck(input: counts) { count in
            let words = (0..<count).map { String($0) }
            let outcome = MigratepagesCommand.run(words, program: "swnuma-migratepages", root: .live)
            expectRefusal(outcome, naming: "got \(count)", program: "swnuma-migratepages")
        }
    }
}
