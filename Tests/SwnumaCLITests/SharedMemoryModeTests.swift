import NUMA
import Testing

@testable import SwnumaCLI

@Suite struct SharedMemoryModeTests {
    @Test(arguments: [
        ("4096", 4096), ("4k", 4096), ("4K", 4096), ("4kb", 4096), ("16k", 16384), ("1m", 1 << 20),
        ("1.5m", 1), ("8G", 8 << 30), ("8g", 8 << 30), ("0x1000", 4096), ("010000", 4096), ("0x10k", 16384),
        ("4x", 4), ("2t", 2), ("abc", 0), ("", 0), ("k", 0), ("0x", 0), ("08", 0), ("  12", 12), ("+3k", 3072),
        ("0X1F", 31), ("099", 0),
    ] as [(String, UInt64)])
    func sizes(text: String, expected: UInt64) {
        #expect(parseSize(text) == expected)
    }

    @Test func sizesWrapAsCDoes() {
        #expect(parseSize("-1") == UInt64.max)
        #expect(parseSize("-1k") == UInt64.max &* 1024)
        #expect(parseSize("99999999999999999999") == UInt64.max)
        #expect(parseSize("17179869184g") == 0)
    }

    @Test func policyDump() {
        let runs: [(range: Range<UInt64>, policy: MemoryPolicy)] = [
            (0..<0x4000, MemoryPolicy(.bind, nodes: [0])),
            (0x4000..<0x6000, MemoryPolicy(.default)),
            (0x6000..<0x8000, MemoryPolicy(.interleave, nodes: [0, 1, 3])),
            (0x8000..<0x9000, MemoryPolicy(.local)),
            (0x9000..<0xa000, MemoryPolicy(.preferredMany, nodes: [2])),
            (0xa000..<0xb000, MemoryPolicy(.weightedInterleave, nodes: [0, 1])),
            (0xb000..<0xc000, MemoryPolicy(.preferred, nodes: [1])),
        ]
        #expect(RegionDump.policies(runs, regionLength: 0xc000) == """
            0000000000000000-0000000000004000: bind : 0 
            0000000000006000-0000000000008000: interleave : 0 1 3 
            0000000000008000-0000000000009000: local : 
            0000000000009000-000000000000a000: preferred-many : 2 
            000000000000a000-000000000000b000: [6] : 0 1 
            000000000000b000-000000000000c000: preferred : 1 

            """)
    }

    @Test func defaultRunsPrintNothing() {
        #expect(RegionDump.policies([(0..<0x4000, MemoryPolicy(.default))], regionLength: 0x4000) == "")
    }

    @Test func flaggedModesPrintTheirNumber() {
        let policy = MemoryPolicy(.bind, flags: .staticNodes, nodes: [1])
        #expect(RegionDump.policies([(0x1000..<0x2000, policy)], regionLength: 0x1000)
            == "0000000000001000-0000000000002000: [32770] : 1 \n")
    }

    @Test func nodeDump() {
        let runs: [(range: Range<UInt64>, node: Int)] = [(0x1000..<0x3000, 0), (0x3000..<0x4000, 1), (0x4000..<0x5000, 0)]
        #expect(RegionDump.nodes(runs, regionLength: 0x4000) == """
            0000000000001000-0000000000003000: 0
            0000000000003000-0000000000004000: 1
            0000000000004000-0000000000005000: 0

            """)
    }

    @Test func emptyRegionHasNothingToDump() {
        #expect(RegionDump.policies([], regionLength: 0) == "nothing to dump\n")
        #expect(RegionDump.nodes([], regionLength: 0) == "nothing to dump\n")
    }

    @Test func bigOffsetsKeepSixteenDigits() {
        #expect(RegionDump.nodes([(0x1_0000_0000..<0x1_0000_1000, 7)], regionLength: 0x1000)
            == "0000000100000000-0000000100001000: 7\n")
    }

    @Test func planKeepsTheRegionPolicyOutOfTheProcessSteps() throws {
        let invocation = try Invocation.plan(
            try Scanner.scan(["-L", "16k", "--file", "/dev/shm/x", "-t", "-a", "-m", "0", "--dump"]))
        #expect(invocation.mode is SharedMemoryMode)
        #expect(invocation.steps.isEmpty)
        #expect(invocation.sharedMemoryOptions.map(\.id) == [.length, .file, .strict, .membind, .dump])
        // `same` with no earlier <nodes> is refused; with one it is replaced.
        let same = try Invocation.plan(try Scanner.scan(["--file", "/x", "-N", "0", "-m", "same"]))
        #expect(same.sharedMemoryPolicy == .policy(.membind, nodes: "0", all: false, balancing: false, option: "-m"))
        #expect(same.steps == [.cpuNodes("0", all: false, option: "-N")])
    }
}
