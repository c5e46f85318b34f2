import NUMA
import Testing

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Untrusted text never traps the parsers, and what they accept is sound.
@Suite struct RandomInputTests {
    static let pieces = [
        "0", "1", "2", "5", "7", "9", "00", "0x", "0x1f", "010", "-", ",", "!", "+", " ", "all", "ALL",
        "4294967296", "18446744073709551616", "99999999999999999999999", "-1", "netdev:", "pci:", "ip:", "\0",
        "\n", "ff", "g", "same", ":", ".", "\u{00E9}",
    ]

    func randomText(_ rng: inout SplitMix) -> String {
        (0..<Int.random(in: 0...8, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
    }

    @Test func specsNeverTrapAndStayWithinTheMachine() {
        var rng = SplitMix(state: 20_261_127)
        let rules = SpecRules<NodeKind>(existing: [0, 2, 3, 5, 9], allowed: [0, 2, 3])
        for _ in 0..<20_000 {
            let text = randomText(&rng)
            if let nodes = try? NodeSet.parse(text, rules: rules) {
                #expect(nodes.isSubset(of: rules.existing), "'\(text)' gave \(nodes)")
            }
        }
    }

    @Test func masksAndListsNeverTrapAndRoundTrip() {
        var rng = SplitMix(state: 42)
        for _ in 0..<20_000 {
            let text = randomText(&rng)
            if let cpus = CPUSet(mask: text) {
                #expect(CPUSet(mask: cpus.mask()) == cpus, "'\(text)'")
            }
            if let cpus = CPUSet(list: text) {
                #expect(CPUSet(list: cpus.description) == cpus, "'\(text)'")
            }
        }
    }

    @Test func requirementsNeverTrap() {
        var rng = SplitMix(state: 7)
        let extra = ["node(", ")", ".", "free", "size", "cpus", "nodes", ">=", "<", "==", "G", "T", "hugepages(", "2M"]
        let topology = Topology(nodes: [Topology.Node(id: 0, cpus: [0], memoryTotal: 1 << 30, memoryFree: 1 << 29, distances: [10])])
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...7, using: &rng)).map { _ in
                (Bool.random(using: &rng) ? extra : Self.pieces).randomElement(using: &rng)!
            }.joined()
            if let requirement = try? Requirement.parse(text) {
                _ = requirement.evaluate(in: topology)
            }
        }
    }
}
