import Foundation
import SwnumaTestSupport
import Testing

@testable import NUMA

/// A root folder written by the test.
private func root(_ files: [String: String]) throws -> SystemRoot {
    try SnapshotTree(files, label: "stat").root
}

@Suite struct NodeStatisticsTests {
    /// A row keeps a missing value apart from every number: equal rows hash
    /// alike, 0 and -0 are one value, and a missing value equals only another.
    @Test func rowsCompareTheirMissingValues() {
        let a = NodeStatistics.Row(label: "x", values: [1, nil, 0])
        let b = NodeStatistics.Row(label: "x", values: [1, nil, -0.0])
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != NodeStatistics.Row(label: "x", values: [1, 0, 0]))
        #expect(a != NodeStatistics.Row(label: "y", values: [1, nil, 0]))
        #expect(a != NodeStatistics.Row(label: "x", values: [1, nil]))
        #expect(a.values == [1, nil, 0])
        var c = a
        c.values[1] = 5
        #expect(c.values == [1, 5, 0] && c != a)
    }

    let folder = "sys/devices/system/node"

    @Test func nodesAndCounters() throws {
        let root = try root([
            "\(folder)/node10/numastat": "numa_hit 3\nnuma_miss 4\n", "\(folder)/node2/numastat": "numa_miss 2\nnuma_hit 1\nextra 9\n",
            "\(folder)/nodefoo/x": "", "\(folder)/online": "2,10\n",
        ])
        let nodes = try NodeStatistics.nodeIDs(in: root)
        #expect(nodes == [2, 10])
        let rows = try NodeStatistics.counters(in: root, nodes: nodes)
        #expect(rows.map(\.label) == ["numa_miss", "numa_hit", "extra"])
        #expect(rows[1].values == [1, 3])
        #expect(rows[2].values == [9, nil])
    }

    /// Many fields (past the count where a dictionary takes over the search),
    /// the second node's file in the reverse order with a field of its own, a
    /// field repeated in the first node's: every value lands in its field's
    /// row, the repeat overwrites, the unknown field is left out.
    @Test func manyFieldsInAnyOrder() throws {
        let count = 100
        var first = (0..<count).map { "field_\($0) \($0)" }
        first.append("field_5 77")
        let second = (0..<count).reversed().map { "field_\($0) \(1000 + $0)" } + ["only_here 5"]
        var files = [
            "\(folder)/node0/numastat": first.joined(separator: "\n") + "\n",
            "\(folder)/node1/numastat": second.joined(separator: "\n") + "\n",
        ]
        files["\(folder)/node0/meminfo"] = (0..<count).map { "Node 0 Field_\($0): \($0) kB" }.joined(separator: "\n") + "\n"
        files["\(folder)/node1/meminfo"] =
            ((0..<count).reversed().map { "Node 1 Field_\($0): \(1000 + $0) kB" } + ["Node 1 OnlyHere: 5 kB"]).joined(separator: "\n") + "\n"
        let root = try root(files)
        let rows = try NodeStatistics.counters(in: root, nodes: [0, 1])
        #expect(rows.map(\.label) == (0..<count).map { "field_\($0)" })
        for (index, row) in rows.enumerated() {
            #expect(row.values == [Double(index == 5 ? 77 : index), Double(1000 + index)], "\(row.label)")
        }
        let fields = try NodeStatistics.memoryFields(in: root, nodes: [0, 1])
        #expect(fields.rows.map(\.label) == (0..<count).map { "Field_\($0)" })
        for (index, row) in fields.rows.enumerated() {
            #expect(row.values == [Double(index * 1024), Double((1000 + index) * 1024)], "\(row.label)")
        }
        #expect(fields.notes.count == 1 && fields.notes[0].contains("OnlyHere"))
    }

    @Test func noNodes() throws {
        #expect(throws: NUMAError.self) { try NodeStatistics.nodeIDs(in: try root(["\(folder)/online": ""])) }
        #expect(throws: NUMAError.self) { try NodeStatistics.nodeIDs(in: try root(["x": ""])) }
    }

    /// HugePages_ rows count pages of every size from the node's hugepages
    /// folder; the default size from proc/meminfo is needed only for a
    /// non-zero count that folder cannot account for.
    @Test func hugePageRows() throws {
        let sized = try root([
            "\(folder)/node0/meminfo": "Node 0 MemTotal: 4096 kB\nNode 0 HugePages_Total: 0\nNode 0 HugePages_Free: 0\n",
            "\(folder)/node0/hugepages/hugepages-2048kB/nr_hugepages": "3\n",
            "\(folder)/node0/hugepages/hugepages-2048kB/free_hugepages": "0\n",
            "\(folder)/node0/hugepages/hugepages-1048576kB/nr_hugepages": "1\n",
            "\(folder)/node0/hugepages/hugepages-1048576kB/free_hugepages": "0\n",
        ])
        let rows = try NodeStatistics.memoryFields(in: sized, nodes: [0]).rows
        #expect(rows.map(\.label) == ["MemTotal", "HugePages_Total", "HugePages_Free"])
        #expect(rows[1].values == [Double(3 * 2048 * 1024 + (1 << 30))])
        #expect(rows[2].values == [0])

        // No proc/meminfo: fine while every count is zero, an error otherwise.
        let zero = try root(["\(folder)/node0/meminfo": "Node 0 HugePages_Total: 0\n"])
        #expect(try NodeStatistics.memoryFields(in: zero, nodes: [0]).rows[0].values == [0])
        let some = try root(["\(folder)/node0/meminfo": "Node 0 HugePages_Total: 2\n"])
        #expect(throws: NUMAError.self) { try NodeStatistics.memoryFields(in: some, nodes: [0]) }
    }

    @Test func processMemory() throws {
        let root = try root([
            "proc/meminfo": "Hugepagesize: 1024 kB\n",
            "proc/5/numa_maps": "1 default heap N0=2 N3=1 kernelpagesize_kB=8\n2 default huge N0=1\n3 bind:0 stack N0=1\n",
            "proc/6/numa_maps": "1 default Nx=3\n",
        ])
        let memory = try NodeStatistics.processMemory(5, in: root, nodes: [0, 1])
        #expect(memory.bytes[NodeStatistics.ProcessMemory.Category.heap.rawValue] == [16384, 0])
        #expect(memory.elsewhere[NodeStatistics.ProcessMemory.Category.heap.rawValue] == 8192)
        #expect(memory.bytes[NodeStatistics.ProcessMemory.Category.huge.rawValue] == [1 << 20, 0])
        #expect(memory.bytes[NodeStatistics.ProcessMemory.Category.stack.rawValue] == [UInt64(NodeStatistics.pageSize), 0])
        #expect(throws: NUMAError.self) { try NodeStatistics.processMemory(6, in: root, nodes: [0]) }
        #expect(throws: NUMAError.self) { try NodeStatistics.processMemory(7, in: root, nodes: [0]) }
    }
}
