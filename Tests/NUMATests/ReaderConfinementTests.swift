import Foundation
import Glibc
import Testing

@testable import NUMA

/// Every reader the modes use, over a snapshot whose files are all links out
/// of the root: nothing of what the links point at is read. The files they
/// point at hold marker values (`31337`, `XSECRET`) that no reader may return.
@Suite struct ReaderConfinementTests {
    let base: URL
    let rootURL: URL
    let outside: URL
    static let marker = "XSECRET"

    /// The files of a small two-node snapshot with a process 77 and a NIC.
    static let files: [String: String] = [
        "sys/devices/system/node/possible": "0-1\n",
        "sys/devices/system/node/online": "0-1\n",
        "sys/devices/system/node/has_cpu": "0-1\n",
        "sys/devices/system/node/has_memory": "0-1\n",
        "sys/devices/system/node/node0/cpulist": "0-1\n",
        "sys/devices/system/node/node0/meminfo": "Node 0 MemTotal: 31337 kB\nNode 0 MemFree: 31337 kB\n",
        "sys/devices/system/node/node0/distance": "10 31337\n",
        "sys/devices/system/node/node0/numastat": "numa_hit 31337\n",
        "sys/devices/system/node/node1/cpulist": "2-3\n",
        "sys/devices/system/node/node1/meminfo": "Node 1 MemTotal: 31337 kB\nNode 1 MemFree: 31337 kB\n",
        "sys/devices/system/node/node1/distance": "31337 10\n",
        "sys/devices/system/node/node1/numastat": "numa_hit 31337\n",
        "sys/devices/system/cpu/online": "0-3\n",
        "sys/devices/pci0000:00/0000:00:03.0/numa_node": "1\n",
        "sys/devices/pci0000:00/0000:00:03.0/class": "0x020000\n",
        "sys/devices/pci0000:00/0000:00:03.0/vendor": "0x8086\n",
        "sys/devices/pci0000:00/0000:00:03.0/device": "0x1572\n",
        "usr/share/hwdata/pci.ids": "8086  XSECRET vendor\n\t1572  XSECRET device\nC 02  XSECRET class\n",
        "proc/meminfo": "MemTotal: 31337 kB\nHugepagesize: 2048 kB\n",
        "proc/77/status": "Name:\tXSECRET\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0-1\n",
        "proc/77/cmdline": "/usr/bin/kubelet\0--config=/XSECRET.yaml\0",
        "proc/77/comm": "kubelet\n",
        "proc/77/numa_maps": "7f00 bind:1 anon=31337 N1=31337 kernelpagesize_kB=4\n",
        "proc/77/cgroup": "0::/XSECRET\n",
        "proc/77/stat": "77 (XSECRET) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0\n",
        "proc/self/mounts": "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n",
        "proc/self/cgroup": "0::/XSECRET\n",
        "sys/fs/cgroup/XSECRET/cpuset.cpus.effective": "0\n",
        "sys/fs/cgroup/XSECRET/cpuset.mems.effective": "0\n",
    ]

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-readers-\(UUID().uuidString)")
        rootURL = base.appendingPathComponent("root")
        outside = base.appendingPathComponent("outside")
        // Each file lives outside the root; the root holds a link to it,
        // absolute or relative by turns, and the NIC's class entry links out too.
        var absolute = true
        for (path, text) in Self.files.sorted(by: { $0.key < $1.key }) {
            let target = outside.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
            let link = rootURL.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            let depth = path.split(separator: "/").count - 1
            let relative = String(repeating: "../", count: depth + 12) + String(target.path.dropFirst())
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: absolute ? target.path : relative)
            absolute.toggle()
        }
        let net = rootURL.appendingPathComponent("sys/class/net")
        try FileManager.default.createDirectory(at: net, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: net.appendingPathComponent("eth0").path,
            withDestinationPath: outside.appendingPathComponent("sys/devices/pci0000:00/0000:00:03.0").path)
    }

    var root: SystemRoot { get throws { try SystemRoot(path: rootURL.path) } }

    /// Whether a reader's result shows a byte of the outside files.
    func leaks(_ value: Any) -> Bool {
        let text = String(describing: value)
        return text.contains(Self.marker) || text.contains("31337")
    }

    @Test func theFilesAreReadableThroughTheirOwnPaths() throws {
        // The test is only meaningful if the links point at readable files.
        let outsideRoot = try SystemRoot(path: outside.path)
        #expect(outsideRoot.readText("proc/77/status")?.contains(Self.marker) == true)
        #expect(leaks(ProcessPlacement.read(pid: 77, root: outsideRoot, topology: Topology.load(from: outsideRoot))))
    }

    @Test func topologyAndNumastat() throws {
        let root = try root
        let topology = Topology.load(from: root)
        #expect(!leaks(topology.nodes))
        #expect(!leaks((try? NodeStatistics.counters(in: root, nodes: [0, 1])) as Any))
        #expect(!leaks((try? NodeStatistics.memoryFields(in: root, nodes: [0, 1])) as Any))
        #expect((try? NodeStatistics.hugePageSize(in: root)) == nil)
    }

    @Test func processReaders() throws {
        let root = try root
        let topology = Topology.load(from: root)
        let reading = ProcessPlacement.read(pid: 77, root: root, topology: topology)
        #expect(!leaks(reading))
        #expect(NodeStatistics.processName(77, in: root) == nil)
        #expect(NodeStatistics.processIDs(matching: Self.marker, in: root).isEmpty)
        #expect((try? NodeStatistics.processMemory(77, in: root, nodes: [0, 1])) == nil)
        #expect(Cpuset.read(from: root, pid: "77") == nil)
        #expect(Cpuset.read(from: root) == nil)
    }

    @Test func devicesAndTheirNames() throws {
        let root = try root
        let inventory = DeviceInventory.read(from: root)
        #expect(inventory.devices.isEmpty)
        #expect(SysfsDevice.canonical("sys/class/net/eth0", root: root)?.hasPrefix("sys/devices/") != true)
        #expect(PCIIDs.load(for: root).map { leaks($0) } != true)
        #expect(try root.readLink("sys/class/net/eth0")?.hasPrefix(outside.path) == true)
    }

    @Test func nodeFeatureLabels() throws {
        let root = try root
        let topology = Topology.load(from: root)
        let features = NodeFeatures(topology: topology, packages: NodeFeatures.packages(of: topology, root: root), cpuset: Cpuset.read(from: root))
        #expect(!leaks(features))
    }

    /// A snapshot's `proc/77` that is itself a link to the host's
    /// `/proc/<pid>` (this test's own process) shows nothing of the host.
    @Test(arguments: [true, false])
    func aProcessFolderLinkedToTheHost(absolute: Bool) throws {
        let snapshot = base.appendingPathComponent("host-link")
        try FileManager.default.createDirectory(at: snapshot.appendingPathComponent("proc"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: snapshot.appendingPathComponent("sys"), withIntermediateDirectories: true)
        let target = absolute ? "/proc/\(getpid())" : String(repeating: "../", count: 20) + "proc/\(getpid())"
        try FileManager.default.createSymbolicLink(
            atPath: snapshot.appendingPathComponent("proc/77").path, withDestinationPath: target)
        let root = try SystemRoot(path: snapshot.path)
        let live = try #require(SystemRoot.live.readText("proc/self/status"))
        let hostName = try #require(live.split(separator: "\n").first?.split(separator: "\t").last.map(String.init))
        let reading = ProcessPlacement.read(pid: 77, root: root, topology: Topology(nodes: []))
        #expect(reading == .vanished(pid: 77))
        #expect(NodeStatistics.processName(77, in: root) == nil)
        #expect(NodeStatistics.processIDs(matching: hostName, in: root).isEmpty)
        #expect(Cpuset.read(from: root, pid: "77") == nil)
        #expect(root.ownership("proc/77/exe") == nil)
    }
}

/// No mode opens a file except through the confined reader: a plain
/// `open`, `fopen`, `readlink` or Foundation file read in the sources outside
/// `NUMA/Internals` (the one seam) fails this test. Files are written only
/// by the one atomic writer, `AtomicFile`, whose opens are in the seam too;
/// a plain write-open anywhere else is caught as well ("import Glibc" below).
@Suite struct RawOpenTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Calls that open or read a file by a path string.
    static let rawCalls = [
        "import Glibc", "import Foundation", "Glibc.open(", " open(", "openat(", "fopen(", "readlink(", "realpath(", "opendir(", "stat(\"",
        "FileManager.default.contents", "contentsOfFile", "Data(contentsOf", "String(contentsOf", "FileHandle(forReading",
        "Syscalls.readFile(root.resolve", "Syscalls.readLink(root.resolve",
    ]

    /// Files allowed to open files by path: the seam and the documentation
    /// generator (a build tool writing the repository's own files).
    static func allowed(_ path: String) -> Bool {
        path.contains("/NUMA/Internals/") || path.contains("/generate-swnuma-docs/")
    }

    /// The offending lines of the sources (comments skipped).
    static func offences(in sources: URL) throws -> [String] {
        var found: [String] = []
        let walker = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        for case let file as URL in walker where file.pathExtension == "swift" && !allowed(file.path) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                for call in rawCalls where code.contains(call) {
                    found.append("\(file.lastPathComponent):\(number + 1): \(call) in \(code)")
                }
            }
        }
        return found
    }

    @Test func noModeOpensAFileByItsPath() throws {
        let found = try Self.offences(in: Self.sources)
        #expect(found.isEmpty, "raw opens outside NUMA/Internals: \(found)")
    }

    /// The check itself fails on a source with a plain open in it.
    @Test func theCheckFindsAPlantedOpen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-raw-\(UUID().uuidString)/SwnumaCLI/Process")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        try Data("let fd = Glibc.open(root.resolve(\"proc/1/status\"), O_RDONLY)\n".utf8).write(to: folder.appendingPathComponent("Bad.swift"))
        try Data("// Syscalls.readFile(root.resolve(x)) in a comment\n".utf8).write(to: folder.appendingPathComponent("Fine.swift"))
        let found = try Self.offences(in: folder.deletingLastPathComponent())
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("Bad.swift:1") == true)
    }
}
