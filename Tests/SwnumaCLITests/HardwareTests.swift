import Foundation
import NUMA
import Testing

@testable import SwnumaCLI

@Suite struct HardwareTests {
    /// Sparse ids, a node without meminfo, a node without CPUs.
    @Test func sparseNodes() throws {
        let fake = try FakeRoot([
            "\(node)/node0/cpumap": "00000000,0000000f\n", "\(node)/node2/cpumap": "00000000,000000f0\n",
            "\(node)/node3/cpumap": "00000000,0000ff00\n", "\(node)/node5/cpumap": "00000000,00000000\n",
            "\(node)/node0/meminfo": meminfo(0, total: 4_194_304, free: 2_097_152),
            "\(node)/node2/meminfo": meminfo(2, total: 4_194_304, free: 1_048_576),
            "\(node)/node5/meminfo": meminfo(5, total: 1_048_576, free: 1_048_000),
            "\(node)/node0/distance": "10 20 20 30\n", "\(node)/node2/distance": "20 10 20 30\n",
            "\(node)/node3/distance": "20 20 10 30\n", "\(node)/node5/distance": "30 30 30 10\n",
            "\(node)/online": "0,2-3,5\n", "\(node)/has_cpu": "0,2-3\n",
        ])
        #expect(try fake.hardware() == """
            available: 4 nodes (0,2-3,5)
            node 0 cpus: 0 1 2 3
            node 0 size: 4096 MB
            node 0 free: 2048 MB
            node 2 cpus: 4 5 6 7
            node 2 size: 4096 MB
            node 2 free: 1024 MB
            node 3 cpus: 8 9 10 11 12 13 14 15
            node 3 size: <not available>
            node 3 free: <not available>
            node 5 cpus:
            node 5 size: 1024 MB
            node 5 free: 1023 MB
            node distances:
            node     0    2    3    5 
               0:   10   20   20   30 
               2:   20   10   20   30 
               3:   20   20   10   30 
               5:   30   30   30   10 

            """)
        #expect(try fake.hardware(compress: true).contains("node 0 cpus: 0-3 (4)\n"))
        #expect(try fake.hardware(compress: true).contains("node 5 cpus: (0)\n"))
    }

    /// No distance files; CPU runs compress with ", ".
    @Test func noDistances() throws {
        let fake = try FakeRoot([
            "\(node)/node0/cpumap": "000000bd", "\(node)/node1/cpumap": "00000002", "\(node)/node2/cpumap": "00000040",
        ])
        let text = try fake.hardware(compress: true)
        #expect(text.hasPrefix("available: 3 nodes (0-2)\nnode 0 cpus: 0, 2-5, 7 (6)\n"))
        #expect(text.hasSuffix("node 2 free: <not available>\nNo distance information available.\n"))
    }

    @Test func emptyNodeFolder() throws {
        let fake = try FakeRoot([:])
        try fake.mkdir(node)
        #expect(try fake.hardware() == "available: 0 nodes ()\nNo distance information available.\n")
    }

    /// A kernel without NUMA: one node 0 with every CPU and all memory.
    @Test func noNodeFolder() throws {
        let fake = try FakeRoot([
            "sys/devices/system/cpu/online": "0-3\n",
            "proc/meminfo": "MemTotal:  2097152 kB\nMemFree:   1048576 kB\nBuffers: 1 kB\n",
        ])
        #expect(try fake.hardware() == """
            available: 1 nodes (0)
            node 0 cpus: 0 1 2 3
            node 0 size: 2048 MB
            node 0 free: 1024 MB
            node distances:
            node     0 
               0:   10 

            """)
        let folders = try FakeRoot(["sys/devices/system/cpu/cpu0/online": "1", "sys/devices/system/cpu/cpu2/online": "1"])
        #expect(try folders.hardware().contains("node 0 cpus: 0 2\n"))
    }

    /// Only node 1 exists; its distance file has an entry per possible node.
    @Test func onlyNodeOne() throws {
        let fake = try FakeRoot(["\(node)/node1/cpumap": "a0", "\(node)/node1/distance": "21 10"])
        #expect(try fake.hardware().hasSuffix("node distances:\nnode     1 \n   1:   21 \n"))
    }

    /// Garbage never traps: values show as unknown, with a warning.
    @Test func malformedValues() throws {
        let fake = try FakeRoot([
            "\(node)/node0/cpumap": "zzzz", "\(node)/node0/cpulist": "0-1\n",
            "\(node)/node0/meminfo": "Node 0 MemTotal: 99999999999999999999999 kB\nNode 0 MemFree: 18446744073709551615 kB\n",
            "\(node)/node0/distance": "",
            "\(node)/node1/cpumap": "", "\(node)/node1/meminfo": "",
            "\(node)/node1/distance": "10 x 99999999999999999999",
            "\(node)/node99999999999999999999/cpumap": "1",
            "\(node)/nodefoo/cpumap": "1",
        ])
        let topology = Topology.load(from: try fake.root)
        #expect(topology.nodeIDs == [0, 1])
        #expect(topology.nodes[0].cpus == [0, 1])
        #expect(topology.nodes[0].memoryTotal == nil)
        #expect(topology.nodes[0].memoryFree == nil)
        #expect(topology.nodes[1].cpus.isEmpty)
        #expect(topology.nodes[1].distances == [10, nil])
        #expect(!topology.warnings.isEmpty)
        // numactl's rule: the matrix shows when distance(highest, lowest) is known; unknown entries print 0.
        #expect(try fake.hardware().hasSuffix("   0:    0    0 \n   1:   10    0 \n"))
    }

    @Test func distanceCellsAreWideAsPrintf() {
        var out = ByteText()
        out.appendDistanceCells([10, -1, 255, 1000, 2_147_483_647], count: 6)
        #expect(out.string == "  10    0  255  1000  2147483647    0 ")
    }

    /// A large matrix (a thousand cells or more) reads its cells from a table;
    /// a small one computes them: both give printf's `% 4d `.
    @Test func largeMatricesWriteTheSameCells() {
        var out = ByteText()
        out.appendDistanceCells((0..<1000).map { Int32($0) } + [1000, 10], count: 1002)
        let expected = (0..<1000).map { column($0) + " " }.joined() + " 1000   10 "
        #expect(out.string == expected)
        #expect(column(7) + " " + column(10) + " " + column(999) == "   7   10  999")
    }

    func column(_ value: Int) -> String {
        var out = ByteText()
        out.appendColumn(value)
        return out.string
    }

    @Test func columnsAreWideAsPrintf() {
        #expect(column(0) == "   0")
        #expect(column(250) == " 250")
        #expect(column(1000) == " 1000")
        #expect(column(-1) == "  -1")
    }
}

/// Topologies captured from the project's own QEMU guests (Tests/VM), each
/// with swnuma's golden `-H` output and the guest's own `numactl -H`.
@Suite struct FixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/sysfs")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test func fixturesExist() {
        #expect(Self.names.count >= 4)
    }

    @Test(arguments: names)
    func goldenHardware(name: String) throws {
        let root = try SystemRoot(path: Self.folder.appendingPathComponent(name).path)
        let topology = Topology.load(from: root)
        for compress in [false, true] {
            let text = HardwareText.render(topology, compressCPUs: compress)
            let golden = Self.folder.appendingPathComponent(name).appendingPathComponent(compress ? "hardware-compress.golden" : "hardware.golden")
            if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
                try Data(text.utf8).write(to: golden)
            }
            let expected = try #require(try? String(contentsOf: golden, encoding: .utf8), "missing \(golden.path); record with RECORD_SNAPSHOTS=1 swift test")
            #expect(text == expected)
        }
    }

    /// The golden agrees with numactl in the guest, but for its 3-wide
    /// distance columns and free memory that moved between the two reads.
    @Test(arguments: names)
    func agreesWithNumactl(name: String) throws {
        let base = Self.folder.appendingPathComponent(name)
        let numactl = try String(contentsOf: base.appendingPathComponent("numactl-H.txt"), encoding: .utf8)
        let golden = try String(contentsOf: base.appendingPathComponent("hardware.golden"), encoding: .utf8)
        func normalized(_ text: String) -> [String] {
            text.split(separator: "\n").filter { !$0.contains(" free: ") }
                .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        }
        #expect(normalized(golden) == normalized(numactl))
    }
}
