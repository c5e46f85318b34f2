import Foundation
import NUMA
import SwnumaTestSupport
import Testing

/// Node labels for node-feature-discovery: what they say about a machine,
/// the label rules, durations, the expiry time, and atomic replacement.
@Suite struct NodeFeaturesTests {
    static let mib: UInt64 = 1 << 20
    static let p = NodeFeatures.prefix

    /// Node 0: CPUs 0-3, 4 GiB, 2M pages 100. Node 1: CPUs 4-5, 2 GiB + 1 MiB, 2M pages 30.
    /// Node 2: CPUs 6-7, no memory. Node 3: memory only, 1 GiB, no pages of its own size dir.
    let topology = Topology(nodes: [
        Topology.Node(
            id: 0, cpus: [0, 1, 2, 3], memoryTotal: 4096 * mib, memoryFree: 1, distances: [10, 21, 21, 31],
            hugePages: [.init(pageSize: 2 << 20, total: 100, free: 100)]),
        Topology.Node(
            id: 1, cpus: [4, 5], memoryTotal: 2049 * mib, memoryFree: 1, distances: [21, 10, 21, 31],
            hugePages: [.init(pageSize: 2 << 20, total: 30, free: 0)]),
        Topology.Node(id: 2, cpus: [6, 7], memoryTotal: 0, memoryFree: 0, distances: [21, 21, 10, 31]),
        Topology.Node(
            id: 3, cpus: [], memoryTotal: 1024 * mib, memoryFree: 1, distances: [31, 31, 31, 10],
            hugePages: [.init(pageSize: 2 << 20, total: 7, free: 7)]),
    ])

    func values(_ features: NodeFeatures) -> [String: String] {
        Dictionary(uniqueKeysWithValues: features.labels.map { ($0.name.replacingOccurrences(of: Self.p, with: ""), $0.value) })
    }

    @Test func labelsDescribeTheMachine() throws {
        let packages = [0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1, 7: 1]
        let cpuset = Cpuset(path: "/", version: 2, cpus: CPUSet(0...7), mems: [0, 1, 3])
        let labels = values(NodeFeatures(topology: topology, packages: packages, cpuset: cpuset))
        #expect(labels == [
            "nodes": "4", "nodes-with-memory": "3", "cpu-only-nodes": "1", "memory-only-nodes": "1",
            // Minimums over the nodes with CPUs and memory: node 3's 1 GiB and
            // 7 pages (memory only) do not count, nor node 2 (no memory).
            "max-distance": "31", "node-cpus-min": "2", "node-memory-mib-min": "2049",
            "hugepages-2Mi-total": "137", "hugepages-2Mi-node-min": "30",
            // Package 1 holds CPUs 4-7: nodes 1 and 2.
            "package-spans-nodes": "true", "cpuset-all-nodes": "true",
        ])
    }

    @Test func labelsLeaveOutWhatIsUnknown() throws {
        // One package per node; the cpuset lacks node 3's memory.
        let packages = [0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2]
        let narrow = Cpuset(path: "/x", version: 2, cpus: CPUSet(0...7), mems: [0, 1])
        var labels = values(NodeFeatures(topology: topology, packages: packages, cpuset: narrow))
        #expect(labels["package-spans-nodes"] == "false")
        #expect(labels["cpuset-all-nodes"] == "false")
        let fewCPUs = Cpuset(path: "/x", version: 2, cpus: CPUSet(0...6), mems: [0, 1, 2, 3])
        #expect(values(NodeFeatures(topology: topology, packages: packages, cpuset: fewCPUs))["cpuset-all-nodes"] == "false")

        // A CPU without a package, no cpuset, an unknown size and an unknown page count.
        var unknown = topology
        unknown.nodes[1].memoryTotal = nil
        unknown.nodes[3].hugePages[0].total = nil
        unknown.nodes[0].distances = [nil, nil, nil, nil]
        unknown.nodes[3].distances = [nil, nil, nil, nil]
        labels = values(NodeFeatures(topology: unknown, packages: [0: 0], cpuset: nil))
        for missing in ["package-spans-nodes", "cpuset-all-nodes", "node-memory-mib-min", "hugepages-2Mi-total", "max-distance"] {
            #expect(labels[missing] == nil, "\(missing) should be left out")
        }
        #expect(labels["nodes-with-memory"] == "3")
    }

    /// Tiers and kinds as labels; a GPU's memory node counts as a kind, not in the minimums.
    @Test func tiersAndKinds() {
        let kinds = MemoryKinds(nodes: [
            .init(id: 0, kind: .cpu, tier: 4), .init(id: 1, kind: .cpu, tier: 4),
            .init(id: 2, kind: .empty), .init(id: 3, kind: .gpu, tier: 6, gpu: "0004:05:00.0"),
        ])
        let labels = values(NodeFeatures(topology: topology, packages: nil, cpuset: nil, kinds: kinds))
        #expect(labels["memory-tiers"] == "2")
        #expect(labels["memory-tier-4-nodes"] == "2")
        #expect(labels["memory-tier-6-nodes"] == "1")
        #expect(labels["gpu-memory-nodes"] == "1")
        #expect(labels["persistent-memory-nodes"] == "0")
        #expect(labels["generic-initiator-nodes"] == "0")
        #expect(labels["node-memory-mib-min"] == "2049")
        #expect(NodeFeatures.kubernetesSizeName(2 << 20) == "2Mi")
        #expect(NodeFeatures.kubernetesSizeName(1 << 30) == "1Gi")
        #expect(NodeFeatures.kubernetesSizeName(64 << 10) == "64Ki")
        #expect(NodeFeatures.kubernetesSizeName(16 << 30) == "16Gi")
        #expect(NodeFeatures.kubernetesSizeName(1536 << 10) == "1536Ki")
        #expect(values(NodeFeatures(topology: topology, packages: nil, cpuset: nil))["gpu-memory-nodes"] == nil)
    }

    @Test func everyComputedLabelIsInTheCatalog() {
        let kinds = MemoryKinds(nodes: [.init(id: 0, kind: .cpu, tier: 4), .init(id: 3, kind: .gpu, tier: 6)])
        let features = NodeFeatures(topology: topology, packages: [:], cpuset: nil, kinds: kinds)
        let patterns = NodeFeatures.catalog.map(\.name)
        let kindWords = NodeFeatures.labelledKinds.map(NodeFeatures.labelName)
        for label in features.labels {
            var name = label.name.replacingOccurrences(of: Self.p, with: "")
                .replacingOccurrences(of: "-2Mi-", with: "-<size>-")
                .replacingOccurrences(of: "-4-", with: "-<tier>-").replacingOccurrences(of: "-6-", with: "-<tier>-")
            for word in kindWords where name == "\(word)-nodes" { name = "<kind>-nodes" }
            #expect(patterns.contains(name), "\(label.name) is not documented")
        }
    }

    @Test(arguments: [
        "a", "db-ready", "Db_Ready.2", String(repeating: "x", count: 63),
        "feature.node.kubernetes.io/x", "vendor.feature.node.kubernetes.io/x", "profile.node.kubernetes.io/x",
        "example.com/numa-ok", "swnuma.feature.node.kubernetes.io/nodes",
        String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + ".com/n",
    ])
    func validNames(_ name: String) throws {
        let full = try NodeFeatures.checkName(name)
        #expect(full == (name.contains("/") ? name : "feature.node.kubernetes.io/" + name))
    }

    @Test(arguments: [
        ("", "empty"), ("-a", "start and end"), ("a-", "start and end"), ("a b", "' ' is not allowed"),
        ("a=b", "'=' is not allowed"), ("é", "non-ASCII"), (String(repeating: "x", count: 64), "64 characters"),
        ("a/b/c", "more than one '/'"), ("/x", "prefix ''"), ("Example.com/x", "DNS subdomain"),
        ("example..com/x", "DNS subdomain"), ("-example.com/x", "DNS subdomain"), ("example.com/", "empty"),
        ("kubernetes.io/x", "NFD refuses"), ("node.kubernetes.io/x", "NFD refuses"),
        ("feature.node.kubernetes.io.evil.kubernetes.io/x", "NFD refuses"),
        (String(repeating: "a.", count: 127) + "a/x", "more than 253"),
    ])
    func invalidNames(_ name: String, _ why: String) {
        #expect {
            _ = try NodeFeatures.checkName(name)
        } throws: { error in
            "\(error)".hasPrefix("invalid label name '\(name)'") && "\(error)".contains(why)
        }
    }

    @Test func values() throws {
        for good in ["", "true", "0", "1024", "a.b-c_d", String(repeating: "9", count: 63)] {
            try NodeFeatures.checkValue(good)
        }
        for bad in ["-1", "a b", "x/y", String(repeating: "9", count: 64), "1.", "2Mi "] {
            #expect(throws: NUMAError.self, "\(bad)") { try NodeFeatures.checkValue(bad) }
        }
    }

    @Test func durations() throws {
        #expect(try NodeFeatures.parseDuration("90s") == 90)
        #expect(try NodeFeatures.parseDuration("30m") == 1800)
        #expect(try NodeFeatures.parseDuration("1h30m") == 5400)
        #expect(try NodeFeatures.parseDuration("2d12h") == 216_000)
        #expect(try NodeFeatures.parseDuration("3650d") == 315_360_000)
        for bad in ["", "0s", "90", "h", "1.5h", "-1h", "1H", "1h 30m", "3651d", "99999999999999999999s", "1w"] {
            #expect(throws: NUMAError.self, "'\(bad)'") { try NodeFeatures.parseDuration(bad) }
        }
    }

    @Test func rfc3339() {
        #expect(NodeFeatures.rfc3339(epochSeconds: 0) == "1970-01-01T00:00:00Z")
        #expect(NodeFeatures.rfc3339(epochSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(NodeFeatures.rfc3339(epochSeconds: 1_796_131_845) == "2026-12-01T13:30:45Z")
        #expect(NodeFeatures.rfc3339(epochSeconds: 4_107_542_399) == "2100-02-28T23:59:59Z")
        #expect(NodeFeatures.rfc3339(epochSeconds: 253_402_300_799) == "9999-12-31T23:59:59Z")
        #expect(NodeFeatures.rfc3339(epochSeconds: -1) == nil)
        #expect(NodeFeatures.rfc3339(epochSeconds: 253_402_300_800) == nil)
        // Against the C library, over a spread of times.
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: Int64 = 0
        while seconds < 8_000_000_000 {
            #expect(NodeFeatures.rfc3339(epochSeconds: seconds) == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))))
            seconds += 86_399 * 37 + 1234
        }
    }

    @Test func fileFormat() throws {
        let features = NodeFeatures(labels: [.init(name: "\(Self.p)nodes", value: "2"), .init(name: "db-ready", value: "true")])
        #expect(try features.render(expiry: 1_796_131_845) == """
            # NUMA labels written by swnuma --nfd-features
            # +expiry-time=2026-12-01T13:30:45Z
            \(Self.p)nodes=2
            db-ready=true

            """)
        #expect(try !features.render().contains("expiry"))
        let twice = NodeFeatures(labels: [.init(name: "a", value: "1"), .init(name: "feature.node.kubernetes.io/a", value: "2")])
        #expect(throws: NUMAError.self) { try twice.render() }
        let badValue = NodeFeatures(labels: [.init(name: "a", value: "not ok")])
        #expect(throws: NUMAError.self) { try badValue.render() }
    }

    // MARK: Atomic replacement

    func temporaryFolder() throws -> String {
        try SnapshotTree(label: "atomic").path
    }

    @Test func replaceWritesAndLeavesAnUnchangedFileAlone() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/labels"
        #expect(try AtomicFile.replace(path, with: "a=1\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a=1\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        // Back-date the file: an unchanged write must not touch it.
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        let inode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        #expect(try !AtomicFile.replace(path, with: "a=1\n"))
        let after = try FileManager.default.attributesOfItem(atPath: path)
        #expect(after[.modificationDate] as? Date == old)
        #expect(after[.systemFileNumber] as? Int == inode)
        // A change replaces the file (a new inode), longer or shorter.
        #expect(try AtomicFile.replace(path, with: "a=1\nb=2\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a=1\nb=2\n")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int != inode)
        #expect(try AtomicFile.replace(path, with: "a=1\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a=1\n")
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["labels"])
    }

    @Test func replaceFailsCleanly() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try AtomicFile.replace(folder + "/missing/labels", with: "a=1\n")
        } throws: { error in "\(error)".contains("cannot create a temporary file in '\(folder)/missing'") }
        try FileManager.default.createDirectory(atPath: folder + "/labels/inner", withIntermediateDirectories: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["labels"])
        // A folder or a symbolic link in the way is refused before anything is written.
        #expect {
            try AtomicFile.replace(folder + "/labels", with: "a=1\n")
        } throws: { error in "\(error)".contains("not a regular file") }
        try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: "/dev/null")
        #expect {
            try AtomicFile.replace(folder + "/link", with: "a=1\n")
        } throws: { error in "\(error)".contains("not a regular file") }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link") == "/dev/null")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["labels", "link"])
    }

    @Test func fileSizeLimit() throws {
        let many = (0..<1100).map { NodeFeatures.Label(name: "example.com/label-\($0)-" + String(repeating: "x", count: 40), value: "true") }
        #expect {
            try NodeFeatures(labels: many).render()
        } throws: { error in "\(error)".contains("NFD reads none larger than 65536") }
        #expect(try NodeFeatures(labels: Array(many.prefix(900))).render().utf8.count <= 65536)
    }
}
