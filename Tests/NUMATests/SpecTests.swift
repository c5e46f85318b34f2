import NUMA
import Testing

/// The `<nodes>` grammar against a machine with nodes 0, 2, 3 and 5 where
/// the cpuset allows 0, 2 and 3.
@Suite struct SpecTests {
    let rules = SpecRules<NodeKind>(existing: [0, 2, 3, 5], allowed: [0, 2, 3]) { id in "node \(id) is fenced" }

    func parse(_ spec: String) throws(NUMAError) -> NodeSet {
        try NodeSet.parse(spec, rules: rules)
    }

    @Test(arguments: [
        ("", ""), ("0", "0"), ("0x2", "2"), ("02", "2"), (" 0", "0"), ("-0", "0"), ("0,0", "0"),
        ("0-3", "0,2-3"), ("2-3,0", "0,2-3"), ("all", "0,2-3"), ("0,all", "0,2-3"), ("+all", "0,2-3"),
        ("+0", "0"), ("+1", "2"), ("+1-2", "2-3"), ("!0", "2-3,5"), ("!all", "5"), ("!+0", "2-3,5"),
        ("010", "8"),
    ])
    func accepted(spec: String, expected: String) throws {
        if spec == "010" {
            // 010 is octal 8, which does not exist here.
            #expect(throws: NUMAError.self) { try parse(spec) }
            return
        }
        #expect(try parse(spec).description == expected)
    }

    @Test(arguments: [
        ("0abc", "unexpected 'abc'"), ("0,", "empty item"), (",0", "expected a number at ',0'"),
        ("0-", "missing number after '-'"), ("-1", "negative"), ("18446744073709551616", "out of range"),
        ("4294967296", "out of range"), ("+!0", "expected a number"), ("ALL", "expected a number"),
        ("all,0", "expected a number"), ("0-all", "expected a number"), ("3-2", "reversed"),
        ("0 ", "unexpected ' '"), ("0.5", "unexpected '.5'"), ("0;1", "unexpected ';1'"), ("+3", "only 3 nodes"),
        ("7", "node 7 does not exist; nodes are 0,2-3,5"), ("5", "node 5 is fenced"), ("1", "node 1 does not exist"),
        ("0-5", "node 5 is fenced"),
    ])
    func refused(spec: String, message: String) {
        #expect {
            try parse(spec)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func cpuSpecsRefuseDevices() throws {
        let cpuRules = SpecRules<CPUKind>(existing: [0, 1], allowed: [0, 1])
        #expect(throws: NUMAError.self) { try CPUSet.parse("netdev:lo", rules: cpuRules) }
        #expect(try CPUSet.parse("1-1", rules: cpuRules) == [1])
    }

    @Test func devicesTakeTheRestOfTheText() throws {
        let withDevices = SpecRules<NodeKind>(
            existing: [0, 1], allowed: [0, 1],
            resolveDevice: { spec throws(NUMAError) in
                guard spec == "netdev:eth0,1" else { throw NUMAError(.invalidArgument, "saw \(spec)") }
                return [1]
            })
        #expect(try NodeSet.parse("0,netdev:eth0,1", rules: withDevices) == [0, 1])
        #expect(throws: NUMAError.self) { try NodeSet.parse("Netdev:eth0", rules: withDevices) }
    }
}

/// The form of a `<nodes>`/`<cpus>` word alone, without a system: what the
/// command line checks where a forgotten argument leaves a command's name.
@Suite struct SpecSyntaxTests {
    @Test(arguments: [
        "", "0", "0-3", "0,2", "all", "0,all", "!0", "+1", "!+0-1", "0x10", "010", " 7", "4095", "99",
    ])
    func wellFormed(spec: String) {
        #expect(NodeSet.syntaxProblem(in: spec, devices: true) == nil)
        #expect(CPUSet.syntaxProblem(in: spec, devices: false) == nil)
    }

    @Test func devicesOnlyForNodes() {
        #expect(NodeSet.syntaxProblem(in: "netdev:eth0", devices: true) == nil)
        #expect(NodeSet.syntaxProblem(in: "0,pci:0000:00:1f.0", devices: true) == nil)
        #expect(CPUSet.syntaxProblem(in: "netdev:eth0", devices: false) == "expected a number at 'netdev:eth0'")
    }

    @Test(arguments: [
        ("redis-server", "expected a number at 'redis-server'"), ("true", "expected a number at 'true'"),
        ("./worker", "expected a number at './worker'"), ("0,,1", "expected a number at ',1'"),
        ("1-0", "range 1-0 is reversed"), ("0-", "missing number after '-'"), ("-1", "negative node number '-1'"),
        ("18446744073709551616", "node number '18446744073709551616' is out of range"), ("0abc", "unexpected 'abc'"),
    ])
    func malformed(spec: String, reason: String) {
        #expect(NodeSet.syntaxProblem(in: spec, devices: true) == reason)
    }
}

/// The plain-list shortcut of the form check accepts only what the parser accepts.
@Suite struct PlainListTests {
    @Test func shortcutAgreesWithTheParser() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789,-")
        var shortcuts = 0
        for _ in 0..<3_000 {
            let length = Int.random(in: 1...12, using: &generator)
            let spec = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            for kind in 0..<2 {
                let plain = kind == 0 ? NodeSet.isPlainList(spec) : CPUSet.isPlainList(spec)
                guard plain else { continue }
                shortcuts += 1
                let problem = kind == 0 ? NodeSet.parsedSyntaxProblem(in: spec, devices: true) : CPUSet.parsedSyntaxProblem(in: spec, devices: false)
                #expect(problem == nil, "'\(spec)' passes the shortcut, but the parser says \(problem ?? "")")
            }
        }
        #expect(shortcuts > 100)
        for spec in ["0", "1,3", "0-7", "0-0", "12,0-3"] { #expect(NodeSet.isPlainList(spec)) }
        for spec in ["", "01", "3-1", "1,,2", "-1", "1-", "all", "0x1", "1-2-3"] { #expect(!NodeSet.isPlainList(spec)) }
    }
}
