import NUMA
import Testing

/// The `--require` language: parsing, sizes, comparisons, and evaluation
/// against a two-node machine (nodes 0 and 2, sparse) with huge pages.
@Suite struct RequirementTests {
    static let gib: UInt64 = 1 << 30

    let topology = Topology(nodes: [
        Topology.Node(
            id: 0, cpus: [0, 1, 2, 3], memoryTotal: 64 * gib, memoryFree: 12 * gib + (512 << 20), distances: [10, 21],
            hugePages: [
                .init(pageSize: 2 << 20, total: 512, free: 100), .init(pageSize: 1 << 30, total: 4, free: 4),
            ]),
        Topology.Node(
            id: 2, cpus: [4, 5], memoryTotal: nil, memoryFree: nil, distances: [21, 10],
            hugePages: [.init(pageSize: 2 << 20, total: 256, free: nil)]),
    ])

    func check(_ text: String) throws -> Requirement.Evaluation {
        try Requirement.parse(text).evaluate(in: topology)
    }

    static let parsed: [(String, Requirement.Quantity, Requirement.Comparison, UInt64)] = [
        ("nodes>=2", .nodes, .atLeast, 2),
        ("cpus > 4", .cpus, .greater, 4),
        (" node(1).size<=64G ", .nodeSize(1), .atMost, 64 << 30),
        ("node ( 12 ) . free < 512k", .nodeFree(12), .less, 512 << 10),
        ("node(0).cpus==8", .nodeCPUs(0), .equal, 8),
        ("node(0).distance(1)!=10", .distance(from: 0, to: 1), .notEqual, 10),
        ("hugepages(2M).free>=1T", .hugePages(pageSize: 2 << 20, .free, node: nil), .atLeast, 1 << 40),
        ("node(3).hugepages(1g).total>0", .hugePages(pageSize: 1 << 30, .total, node: 3), .greater, 0),
        ("hugepages(2048K).total==0", .hugePages(pageSize: 2 << 20, .total, node: nil), .equal, 0),
        ("nodes>=18446744073709551615", .nodes, .atLeast, UInt64.max),
        ("cpus>=16383T", .cpus, .atLeast, 16383 << 40),
    ]

    @Test(arguments: parsed)
    func parses(text: String, quantity: Requirement.Quantity, comparison: Requirement.Comparison, limit: UInt64) throws {
        let requirement = try Requirement.parse(text)
        #expect(requirement.quantity == quantity)
        #expect(requirement.comparison == comparison)
        #expect(requirement.limit == limit)
        #expect(requirement.text == text)
    }

    @Test func canonicalSpelling() throws {
        #expect(try Requirement.parse("node(0).hugepages(2048K).free >= 1K").canonical == "node(0).hugepages(2M).free>=1024")
        #expect(Requirement(.nodes, .atLeast, 2).text == "nodes>=2")
    }

    static let refusals: [(String, String)] = [
        ("node(1).fre>=64G", "invalid requirement 'node(1).fre>=64G': unknown property 'fre' at position 9"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("nodez>=2", "unknown name 'nodez' at position 1"),
        ("nodes", "expected a comparison (>=, >, <=, <, ==, !=), found the end at position 6"),
        ("nodes=2", "expected a comparison (>=, >, <=, <, ==, !=), found '=' at position 6"),
        ("nodes=>2", "found '=' at position 6"),
        ("nodes>=", "expected a number after '>=', found the end at position 8"),
        ("nodes>=two", "expected a number after '>=', found 'two' at position 8"),
        ("nodes>=2 3", "unexpected '3' after the number at position 10"),
        ("nodes>=64GB", "invalid number '64GB' at position 8"),
        ("nodes>=6x4", "invalid number '6x4' at position 8"),
        ("nodes>=-1", "unexpected character '-' at position 8"),
        ("nodes>=18446744073709551616", "number '18446744073709551616' is too large at position 8"),
        ("nodes>=16777216T", "number '16777216T' is too large at position 8"),
        ("node>=1", "expected '(' after 'node', found '>=' at position 5"),
        ("node(x).free>1", "expected a number in 'node(...)', found 'x' at position 6"),
        ("node(1.free>1", "expected ')' after 'node(1', found '.' at position 7"),
        ("node(1)free>1", "expected '.' after 'node(1)', found 'free' at position 8"),
        ("node(1).>1", "expected a property of node(1), found '>' at position 9"),
        ("node(4194304).free>1", "node id '4194304' is out of range at position 6"),
        ("node(2K).free>1", "invalid node id '2K' at position 6"),
        ("hugepages(0).free>1", "page size '0' is zero at position 11"),
        ("hugepages(2X).free>1", "invalid page size '2X' at position 11"),
        ("hugepages(2M).used>1", "unknown property 'used' at position 15; expected free or total"),
        ("hugepages(2M)>1", "expected '.' after 'hugepages(2M)', found '>' at position 14"),
        ("node(0).hugepages(2M)..free>1", "expected free or total after 'hugepages(...).', found '.' at position 23"),
        ("nodes>=1;", "unexpected character ';' at position 9"),
        ("nodes≥1", "unexpected character '≥' at position 6"),
    ]

    @Test(arguments: refusals)
    func refuses(text: String, message: String) {
        do {
            let requirement = try Requirement.parse(text)
            Issue.record("'\(text)' parsed as \(requirement.canonical)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix("invalid requirement '\(text)': "))
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    static let evaluations: [(String, Bool, UInt64, String)] = [
        ("nodes==2", true, 2, "the machine has 2 nodes"),
        ("nodes>2", false, 2, "the machine has 2 nodes"),
        ("nodes<3", true, 2, "the machine has 2 nodes"),
        ("nodes<=1", false, 2, "the machine has 2 nodes"),
        ("nodes!=2", false, 2, "the machine has 2 nodes"),
        ("cpus>=6", true, 6, "the machine has 6 CPUs"),
        ("node(0).size>=64G", true, 64 << 30, "node 0 has 64.0 GiB of memory"),
        ("node(0).size>64G", false, 64 << 30, "node 0 has 64.0 GiB of memory"),
        ("node(0).free>=13G", false, (12 << 30) + (512 << 20), "node 0 has 12.5 GiB free"),
        ("node(0).free>=12G", true, (12 << 30) + (512 << 20), "node 0 has 12.5 GiB free"),
        ("node(2).cpus==2", true, 2, "node 2 has 2 CPUs"),
        ("node(0).distance(2)<=21", true, 21, "the distance from node 0 to node 2 is 21"),
        ("hugepages(2M).total>=768", true, 768, "the nodes have 768 huge pages of 2M in all"),
        ("hugepages(1G).free>=4", true, 4, "the nodes have 4 free huge pages of 1G in all"),
        ("node(0).hugepages(2M).free>=101", false, 100, "node 0 has 100 free huge pages of 2M"),
    ]

    @Test(arguments: evaluations)
    func evaluates(text: String, holds: Bool, actual: UInt64, message: String) throws {
        let evaluation = try check(text)
        #expect(evaluation.holds == holds)
        #expect(evaluation.actual == actual)
        #expect(evaluation.message == message)
    }

    static let absent: [(String, String)] = [
        ("node(1).free>=1", "node 1 does not exist"),
        ("node(7).size>=0", "node 7 does not exist"),
        ("node(7).cpus!=5", "node 7 does not exist"),
        ("node(9).hugepages(2M).free>=0", "node 9 does not exist"),
        ("node(0).distance(3)>=0", "node 3 does not exist"),
        ("node(2).size>=0", "the memory size of node 2 is unknown"),
        ("node(2).free<1", "the free memory of node 2 is unknown"),
        ("hugepages(2M).free>=0", "the 2M huge page count of node 2 is unknown"),
        // A size the machine (or the node) does not offer is not zero pages.
        ("hugepages(16G).total==0", "the machine has no 16G huge pages; its huge page sizes are 2M, 1G"),
        ("hugepages(4K).free>=0", "the machine has no 4K huge pages; its huge page sizes are 2M, 1G"),
        ("node(2).hugepages(1G).total==0", "node 2 has no 1G huge pages; its huge page sizes are 2M"),
        ("node(0).hugepages(3M).total<1", "node 0 has no 3M huge pages; its huge page sizes are 2M, 1G"),
    ]

    @Test func noHugePageSizesAtAll() throws {
        let bare = Topology(nodes: [Topology.Node(id: 0, cpus: [0], memoryTotal: 1 << 30, memoryFree: 1 << 29)])
        let evaluation = try Requirement.parse("hugepages(2M).total==0").evaluate(in: bare)
        #expect(!evaluation.holds)
        #expect(evaluation.actual == nil)
        #expect(evaluation.message == "the machine has no 2M huge pages; it has no huge page sizes")
    }

    static let decimals: [(String, UInt64)] = [
        ("node(0).free>=1.5G", 3 << 29),
        ("node(0).free>=0.5K", 512),
        ("node(0).free>=2.25m", 9 << 18),
        // Rounded down to whole bytes: 0.1 KiB is 102.4 bytes.
        ("node(0).free>=0.1K", 102),
        ("node(0).free>=1.999999999999999999999999T", (2 << 40) - 1),
        ("node(0).free>=0.0000000001K", 0),
        ("node(0).free>=16777215.9999999T", 18_446_744_073_709_441_664),
        ("node(0).free>=16777215.99999999999999999999T", UInt64.max),
        ("hugepages(1.5M).total>=1", 1),
    ]

    @Test(arguments: decimals)
    func decimalSizes(text: String, limit: UInt64) throws {
        #expect(try Requirement.parse(text).limit == limit)
    }

    @Test func decimalPageSize() throws {
        #expect(try Requirement.parse("hugepages(1.5M).total>=1").quantity == .hugePages(pageSize: 1536 << 10, .total, node: nil))
    }

    static let decimalRefusals: [(String, String)] = [
        ("nodes>=1.5", "number '1.5' has a fraction without a suffix at position 8"),
        ("node(0).free>=16777216.5T", "number '16777216.5T' is too large at position 15"),
        ("node(0).free>=1.5X", "invalid number '1.5X' at position 15"),
        ("node(0).free>=99999999999999999999.5K", "number '99999999999999999999.5K' is too large at position 15"),
        ("node(0).free>=1.5GB", "invalid number '1.5GB' at position 15"),
        ("node(0).free>=1K.5G", "invalid number '1K.5G' at position 15"),
        ("node(0).free>=1.5.5G", "number '1.5' has a fraction without a suffix at position 15"),
        ("node(0).free>=1.G", "unexpected '.' after the number at position 16"),
        ("node(1.5).free>=1", "invalid node id '1.5' at position 6"),
    ]

    @Test(arguments: decimalRefusals)
    func refusesBadDecimals(text: String, message: String) {
        do {
            let requirement = try Requirement.parse(text)
            Issue.record("'\(text)' parsed as \(requirement.canonical)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test(arguments: absent)
    func missingOrUnknownNeverHolds(text: String, message: String) throws {
        let evaluation = try check(text)
        #expect(!evaluation.holds)
        #expect(evaluation.actual == nil)
        #expect(evaluation.message == message)
    }

    @Test func bytesInMessages() {
        #expect(Requirement.bytesName(0) == "0 B")
        #expect(Requirement.bytesName(1023) == "1023 B")
        #expect(Requirement.bytesName(1024) == "1.0 KiB")
        #expect(Requirement.bytesName((2 << 30) - 1) == "1.9 GiB")
        #expect(Requirement.bytesName(3 << 40) == "3.0 TiB")
        #expect(Requirement.bytesName(UInt64.max) == "16777215.9 TiB")
        #expect(Requirement.sizeName(2 << 20) == "2M")
        #expect(Requirement.sizeName(1 << 30) == "1G")
        #expect(Requirement.sizeName(1536 << 10) == "1536K")
        #expect(Requirement.sizeName(100) == "100")
    }

    /// Memory kinds and tiers in the grammar; without kinds they do not hold.
    @Test func memoryKindsAndTiers() throws {
        let kinds = MemoryKinds(nodes: [.init(id: 0, kind: .cpu, tier: 4), .init(id: 2, kind: .gpu, tier: 6)])
        func check(_ text: String) throws -> Requirement.Evaluation {
            try Requirement.parse(text).evaluate(in: topology, kinds: kinds)
        }
        #expect(try Requirement.parse("nodes(gpu)>=1").quantity == .nodesOfKind(.gpu))
        #expect(try Requirement.parse("nodes ( specific_purpose ) == 0").quantity == .nodesOfKind(.specificPurpose))
        #expect(try Requirement.parse("node(2).tier>4").quantity == .nodeTier(2))
        #expect(try Requirement.parse("tiers>=2").canonical == "tiers>=2")
        #expect(try Requirement.parse("nodes(memory_only)==0").canonical == "nodes(memory_only)==0")
        #expect(try check("nodes(gpu)==1").holds)
        #expect(try check("nodes(gpu)==1").message == "the machine has 1 node of GPU memory")
        #expect(try !check("nodes(cxl)>=1").holds)
        #expect(try check("tiers==2").holds)
        #expect(try check("node(2).tier==6").holds)
        #expect(try check("node(7).tier==6").message == "node 7 does not exist")
        #expect(try check("nodes>=2").holds)
        let without = try Requirement.parse("nodes(gpu)==0").evaluate(in: topology)
        #expect(!without.holds)
        #expect(without.message == "the nodes' memory kinds were not read")
        #expect(try Requirement.parse("tiers>=1").quantity.needsMemoryKinds)
        #expect(try !Requirement.parse("nodes>=1").quantity.needsMemoryKinds)
        for (text, message) in [
            ("nodes(fpga)>=1", "unknown memory kind 'fpga'"), ("nodes(1)>=1", "unknown memory kind"),
            ("nodes(gpu>=1", "expected ')'"), ("node(0).tie>=1", "unknown property 'tie'"),
        ] {
            #expect(throws: NUMAError.self) { try Requirement.parse(text) }
            do {
                _ = try Requirement.parse(text)
            } catch {
                #expect(error.description.contains(message), "\(text): \(error.description)")
            }
        }
    }

    @Test func needsHugePagesOnlyForHugePages() throws {
        #expect(try Requirement.parse("hugepages(2M).free>=1").quantity.needsHugePages)
        #expect(try Requirement.parse("node(0).hugepages(2M).free>=1").quantity.needsHugePages)
        #expect(try !Requirement.parse("node(0).free>=1").quantity.needsHugePages)
    }
}
