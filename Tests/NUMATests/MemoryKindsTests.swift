import Foundation
@testable import NUMA
import Testing

/// What each node's memory is, read from a tree written by the test: tiers,
/// a GPU's memory, DAX devices onlined by kmem, initiators, a generic initiator.
@Suite struct MemoryKindsTests {
    let root: SystemRoot

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-kinds-\(UUID().uuidString)")
        let node = "sys/devices/system/node"
        func meminfo(_ id: Int, _ kib: Int) -> String { "Node \(id) MemTotal: \(kib) kB\nNode \(id) MemFree: 1 kB\n" }
        let nd = "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.1/dax0.0"
        let hmem = "sys/devices/platform/hmem.1/dax1.0"
        let cxl = "sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0/dax2.0"
        let files = [
            "\(node)/node0/cpulist": "0-3\n", "\(node)/node0/meminfo": meminfo(0, 4_194_304),
            "\(node)/node1/cpulist": "\n", "\(node)/node1/meminfo": meminfo(1, 1_048_576),
            "\(node)/node2/cpulist": "\n", "\(node)/node2/meminfo": meminfo(2, 524_288),
            "\(node)/node3/cpulist": "\n", "\(node)/node3/meminfo": meminfo(3, 2_097_152),
            "\(node)/node4/cpulist": "\n", "\(node)/node4/meminfo": meminfo(4, 0),
            "\(node)/node5/cpulist": "\n", "\(node)/node5/meminfo": meminfo(5, 15_728_640),
            "\(node)/node6/cpulist": "\n", "\(node)/node6/meminfo": meminfo(6, 1024),
            "\(node)/has_generic_initiator": "4\n",
            "\(node)/node1/access0/initiators/read_latency": "100\n",
            "\(node)/node1/access1/initiators/read_latency": "100\n",
            "\(node)/node2/access0/initiators/read_latency": "100\n",
            "sys/devices/virtual/memory_tiering/memory_tier4/nodelist": "0\n",
            "sys/devices/virtual/memory_tiering/memory_tier22/nodelist": "1-3,5\n",
            "\(nd)/target_node": "1\n", "\(hmem)/target_node": "2\n", "\(cxl)/target_node": "3\n",
            "sys/bus/dax/drivers/kmem/uevent": "", "sys/bus/dax/drivers/device_dax/uevent": "",
            "proc/driver/nvidia/gpus/0004:05:00.0/numa_status": "Node:      5\nStatus:    online\n",
        ]
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let fm = FileManager.default
        func link(_ at: String, _ to: String) throws {
            let file = url.appendingPathComponent(at)
            try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: file.path, withDestinationPath: to)
        }
        try link("sys/bus/dax/devices/dax0.0", "../../../\(nd.dropFirst(4))")
        try link("sys/bus/dax/devices/dax1.0", "../../../\(hmem.dropFirst(4))")
        try link("sys/bus/dax/devices/dax2.0", "../../../\(cxl.dropFirst(4))")
        // dax0.0 and dax2.0 onlined by kmem; dax1.0 left as a device.
        try link("\(nd)/driver", "/sys/bus/dax/drivers/kmem")
        try link("\(hmem)/driver", "/sys/bus/dax/drivers/device_dax")
        try link("\(cxl)/driver", "/sys/bus/dax/drivers/kmem")
        try link("\(node)/node1/access0/initiators/node0", "../../../node0")
        try link("\(node)/node2/access0/initiators/node0", "../../../node0")
        try link("\(node)/node2/access0/initiators/node4", "../../../node4")
        root = try SystemRoot(path: url.path)
    }

    @Test func eachNodeNamed() throws {
        let topology = Topology.load(from: root)
        let kinds = MemoryKinds.read(from: root, topology: topology)
        #expect(kinds.nodes.map(\.id) == [0, 1, 2, 3, 4, 5, 6])
        #expect(kinds.nodes.map(\.kind) == [.cpu, .persistent, .specificPurpose, .cxl, .initiator, .gpu, .memoryOnly])
        #expect(kinds.node(0)?.tier == 4)
        #expect(kinds.node(0)?.abstractDistance == 512...639)
        #expect(kinds.node(1)?.tier == 22)
        #expect(kinds.node(6)?.tier == nil)
        #expect(kinds.node(1)?.dax == "dax0.0")
        #expect(kinds.node(1)?.daxDriver == "kmem")
        #expect(kinds.node(2)?.daxDriver == "device_dax")
        #expect(kinds.node(1)?.evidence?.hasSuffix("ndbus0/region0/dax0.1/dax0.0") == true)
        #expect(kinds.node(5)?.gpu == "0004:05:00.0")
        #expect(kinds.node(5)?.evidence == "proc/driver/nvidia/gpus/0004:05:00.0/numa_status")
        // access1 has no node entries here, so access0's are used.
        #expect(kinds.node(1)?.initiators == NodeSet([0]))
        #expect(kinds.node(2)?.initiators == NodeSet([0, 4]))
        #expect(kinds.node(0)?.initiators == nil)
    }

    @Test func daxFolders() {
        #expect(MemoryKinds.daxKind(path: "sys/devices/platform/e820_pmem/ndbus0/region0/dax0.0/dax0.0") == .persistent)
        #expect(MemoryKinds.daxKind(path: "sys/devices/platform/hmem.3/dax3.0") == .specificPurpose)
        #expect(MemoryKinds.daxKind(path: "sys/devices/platform/ACPI0017:00/root0/nvdimm-bridge0/ndbus0/region0/dax0.0") == .cxl)
        #expect(MemoryKinds.daxKind(path: "sys/devices/virtual/x/dax9.0") == .memoryOnly)
    }

    /// Hostile tier names and node numbers are skipped, never trapped on.
    @Test func hostileNumbers() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-kinds-bad-\(UUID().uuidString)")
        let files = [
            "sys/devices/system/node/node0/cpulist": "0\n",
            "sys/devices/virtual/memory_tiering/memory_tier99999999999999999999/nodelist": "0\n",
            "sys/devices/virtual/memory_tiering/memory_tier/nodelist": "0\n",
            "sys/devices/virtual/memory_tiering/memory_tier3/nodelist": "x\n",
            "sys/bus/dax/devices/dax0.0/target_node": "-1\n",
            "sys/bus/dax/devices/dax1.0/target_node": "99999999999999999999\n",
            "proc/driver/nvidia/gpus/x/numa_status": "Node: 99999999999999999999999\n",
        ]
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let bad = try SystemRoot(path: url.path)
        let kinds = MemoryKinds.read(from: bad, topology: Topology.load(from: bad))
        #expect(kinds.nodes.count == 1)
        #expect(kinds.node(0)?.tier == nil)
        #expect(kinds.node(0)?.kind == .cpu)
    }

    /// A device's node when numa_node says nothing: its local CPUs' node,
    /// nothing when they span nodes, the only node of a one-node machine.
    @Test func devicePlacement() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-place-\(UUID().uuidString)")
        let files = [
            "sys/devices/pci0000:00/0000:00:01.0/numa_node": "-1\n",
            "sys/devices/pci0000:00/0000:00:01.0/local_cpulist": "4-5\n",
            "sys/devices/pci0000:00/0000:00:02.0/numa_node": "-1\n",
            "sys/devices/pci0000:00/0000:00:02.0/local_cpus": "00000000,000000ff\n",
            "sys/devices/pci0000:00/0000:00:03.0/numa_node": "1\n",
            "sys/devices/pci0000:00/0000:00:03.0/local_cpulist": "0\n",
            "sys/bus/pci/devices/0004:05:00.0/local_cpus": "0000,000000f0\n",
            "sys/devices/platform/x/uevent": "",
        ]
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let root = try SystemRoot(path: url.path)
        let two: [(id: Int, cpus: CPUSet)] = [(0, CPUSet(0...3)), (1, CPUSet(4...7))]
        let local = DevicePlacement.place("sys/devices/pci0000:00/0000:00:01.0", root: root, nodes: two)
        #expect(local.node == 1)
        #expect(local.source == .localCPUs("sys/devices/pci0000:00/0000:00:01.0/local_cpulist", CPUSet([4, 5])))
        let spanning = DevicePlacement.place("sys/devices/pci0000:00/0000:00:02.0", root: root, nodes: two)
        #expect(spanning.node == nil)
        #expect(spanning.source == .unknown(numaNode: "sys/devices/pci0000:00/0000:00:02.0/numa_node", localCPUs: CPUSet(0...7)))
        // numa_node wins over local CPUs.
        #expect(DevicePlacement.place("sys/devices/pci0000:00/0000:00:03.0", root: root, nodes: two).node == 1)
        // A function's own folder under sys/bus/pci/devices (a snapshot's), with a mask.
        #expect(DevicePlacement.place("sys/bus/pci/devices/0004:05:00.0", root: root, nodes: two).node == 1)
        let one: [(id: Int, cpus: CPUSet)] = [(0, CPUSet(0...7))]
        #expect(DevicePlacement.place("sys/devices/pci0000:00/0000:00:02.0", root: root, nodes: one).source == .localCPUs(
            "sys/devices/pci0000:00/0000:00:02.0/local_cpus", CPUSet(0...7)))
        let only = DevicePlacement.place("sys/devices/platform/x", root: root, nodes: one)
        #expect(only.node == 0)
        #expect(only.source == .onlyNode)
        #expect(DevicePlacement.place("sys/devices/platform/x", root: root, nodes: two).source == .unknown(numaNode: nil, localCPUs: nil))
        #expect(DeviceInventory.kind(ofClass: 0x030200) == .gpu)
        #expect(DeviceInventory.kind(ofClass: 0x120000) == .accelerator)
        #expect(DeviceInventory.kind(ofClass: 0x0b4000) == .accelerator)
        #expect(DeviceInventory.kind(ofClass: 0x020700) == .rdma)
        #expect(DeviceInventory.kind(ofClass: 0x020000) == .pci)
    }
}
