import Foundation
import NUMA
import SwnumaTestSupport
import Testing

@testable import SwnumaCLI

/// The JSON writer: string escaping, layout, and documents that Foundation's
/// parser reads back to the same values.
@Suite struct JSONTests {
    static let escaped: [(String, String)] = [
        ("plain", #""plain""#),
        ("", #""""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("back\\slash", #""back\\slash""#),
        ("line\nbreak\r\ttab", #""line\nbreak\r\ttab""#),
        ("\u{08}\u{0C}", #""\b\f""#),
        ("\u{00}\u{01}\u{1F}\u{7F}", #""\u0000\u0001\u001f\u007f""#),
        ("\u{80}\u{85}\u{9B}\u{9F}\u{A0}", "\"\\u0080\\u0085\\u009b\\u009f\u{A0}\""),
        ("slash / stays", #""slash / stays""#),
        ("ünï 🐧 \u{2028}", "\"ünï 🐧 \u{2028}\""),
    ]

    @Test(arguments: escaped)
    func escapes(text: String, expected: String) throws {
        #expect(JSONValue.quoted(text) == expected)
        // Foundation reads the literal back to the same text.
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(expected)]".utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
        let json = JSONValue.object([("text", .string(text))]).render()
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(parsed?["text"] == text)
    }

    @Test func layout() {
        let value = JSONValue.object([
            ("a", .array([.number(1), .null, .bool(true)])),
            ("b", .array([.object([("c", .uint(UInt64.max))])])),
            ("d", .object([])),
            ("e", .array([])),
            ("f", .int(-5)),
        ])
        #expect(value.render() == """
            {
              "a": [1, null, true],
              "b": [
                {
                  "c": 18446744073709551615
                }
              ],
              "d": {},
              "e": [],
              "f": -5
            }

            """)
    }

    /// `--node-resource-topology --json` writes every array item on a line of
    /// its own, as kubectl prints objects: the same writer, one switch.
    @Test func layoutOneItemALine() {
        let value = JSONValue.object([
            ("a", .array([.string("None"), .int(2)])),
            ("b", .array([.object([("c", .array([]))])])),
        ])
        #expect(value.render(inlineScalarArrays: false) == """
            {
              "a": [
                "None",
                2
              ],
              "b": [
                {
                  "c": []
                }
              ]
            }

            """)
        #expect(value.render().contains(#""a": ["None", 2],"#))
    }

    @Test func hardwareDocument() throws {
        let topology = Topology(nodes: [
            Topology.Node(
                id: 0, cpus: [0, 1], memoryTotal: 2 << 30, memoryFree: nil, distances: [10, nil],
                hugePages: [.init(pageSize: 2 << 20, total: 8, free: nil)]),
            Topology.Node(id: 3, cpus: [], memoryTotal: 1 << 30, memoryFree: 1 << 29, distances: [20, 10]),
        ], warnings: ["a \"quoted\" warning"])
        let json = HardwareJSON.render(
            topology, onlineCPUs: [0, 1], limits: ProcessLimits(cpusAllowed: [1], memsAllowed: nil),
            cpuset: Cpuset(path: "/a b", version: 2, cpus: [0, 1], mems: nil))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["distance_info"] as? Bool == true)
        #expect(object["online_cpus"] as? [Int] == [0, 1])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["id"] as? Int } == [0, 3])
        #expect(nodes[0]["cpus"] as? [Int] == [0, 1])
        #expect(nodes[1]["has_cpus"] as? Bool == false)
        let memory = try #require(nodes[0]["memory"] as? [String: Any])
        #expect(memory["total_bytes"] as? Int == 2 << 30)
        #expect(memory["free_bytes"] is NSNull)
        let distances = try #require(nodes[0]["distances"] as? [Any])
        #expect(distances.count == 2 && distances[0] as? Int == 10 && distances[1] is NSNull)
        let pages = try #require(nodes[0]["hugepages"] as? [[String: Any]])
        #expect(pages.first?["page_size_bytes"] as? Int == 2 << 20)
        #expect(pages.first?["free"] is NSNull)
        let process = try #require(object["process"] as? [String: Any])
        #expect(process["cpus_allowed"] as? [Int] == [1])
        #expect(process["mems_allowed"] is NSNull)
        let cpuset = try #require(process["cpuset"] as? [String: Any])
        #expect(cpuset["path"] as? String == "/a b")
        #expect(cpuset["mems"] is NSNull)
        #expect(object["warnings"] as? [String] == ["a \"quoted\" warning"])
        #expect(nodes[0]["memory_kind"] == nil)

        // With memory kinds: one object per node, additive to the schema.
        let kinds = MemoryKinds(nodes: [
            .init(id: 0, kind: .cpu, tier: 4),
            .init(id: 3, kind: .persistent, tier: 22, initiators: [0], dax: "dax0.0", daxDriver: "kmem", evidence: "sys/x"),
        ])
        let withKinds = HardwareJSON.render(
            topology, onlineCPUs: [0, 1], limits: ProcessLimits(cpusAllowed: [1], memsAllowed: nil), cpuset: nil, kinds: kinds)
        let kindNodes = try #require(
            (try JSONSerialization.jsonObject(with: Data(withKinds.utf8)) as? [String: Any])?["nodes"] as? [[String: Any]])
        let kind = try #require(kindNodes[1]["memory_kind"] as? [String: Any])
        #expect(kind["kind"] as? String == "persistent")
        #expect(kind["description"] as? String == "persistent memory")
        #expect(kind["tier"] as? Int == 22)
        #expect(kind["abstract_distance"] as? [Int] == [2816, 2943])
        #expect(kind["initiators"] as? [Int] == [0])
        #expect(kind["dax_driver"] as? String == "kmem")
        #expect(kind["gpu_pci_address"] is NSNull)
        #expect((kindNodes[0]["memory_kind"] as? [String: Any])?["initiators"] is NSNull)
        if let out = ProcessInfo.processInfo.environment["SWNUMA_WRITE_KINDS_JSON"] {
            try Data(withKinds.utf8).write(to: URL(fileURLWithPath: out))
        }
    }

    @Test func showDocument() throws {
        let report = PolicyReport(
            policy: MemoryPolicy(.bind, flags: .numaBalancing, nodes: [1, 2]), nextInterleaveNode: nil,
            affinity: [0, 1, 2], cpuNodes: [0], memsAllowed: [0, 1, 2])
        let json = ShowJSON.render(report, limits: ProcessLimits(cpusAllowed: [0, 1, 2], memsAllowed: [0, 1, 2]), cpuset: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let policy = try #require(object["policy"] as? [String: Any])
        #expect(policy["mode"] as? String == "bind")
        #expect(policy["mode_number"] as? Int == 2)
        #expect(policy["flags"] as? [String] == ["numa_balancing"])
        #expect(policy["nodes"] as? [Int] == [1, 2])
        #expect(object["preferred_node"] as? Int == 1)
        #expect(object["cpu_affinity"] as? [Int] == [0, 1, 2])
        #expect(object["cpu_nodes"] as? [Int] == [0])
        #expect(object["cpuset"] is NSNull)

        let unnamed = PolicyReport(
            policy: MemoryPolicy(.init(rawValue: 9)), nextInterleaveNode: nil, affinity: [0], cpuNodes: [0],
            memsAllowed: [0])
        let other = try #require(
            try JSONSerialization.jsonObject(with: Data(ShowJSON.render(unnamed, limits: ProcessLimits(), cpuset: nil).utf8))
                as? [String: Any])
        let otherPolicy = try #require(other["policy"] as? [String: Any])
        #expect(otherPolicy["mode"] is NSNull)
        #expect(otherPolicy["mode_number"] as? Int == 9)
        #expect(other["mems_allowed"] is NSNull)
    }

    @Test func requirementDocumentAndFailures() throws {
        let topology = Topology(nodes: [Topology.Node(id: 0, cpus: [0], memoryTotal: 1 << 30, memoryFree: 1 << 29, distances: [10])])
        let report = RequirementReport(
            [try Requirement.parse("nodes>=1"), try Requirement.parse("node(0).free >= 1G"), try Requirement.parse("node(5).cpus>0")],
            in: topology)
        #expect(!report.allHold)
        #expect(report.failures == [
            "requirement 'node(0).free >= 1G' failed: node 0 has 512.0 MiB free",
            "requirement 'node(5).cpus>0' failed: node 5 does not exist",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.renderJSON().utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        let results = try #require(object["requirements"] as? [[String: Any]])
        #expect(results.map { $0["expression"] as? String } == ["nodes>=1", "node(0).free >= 1G", "node(5).cpus>0"])
        #expect(results.map { $0["holds"] as? Bool } == [true, false, false])
        #expect(results[1]["actual"] as? Int == 1 << 29)
        #expect(results[1]["unit"] as? String == "bytes")
        #expect(results[2]["actual"] is NSNull)
    }

    @Test func checkModeThroughTheCommand() throws {
        let good = SwnumaCommand.run(["--require", "nodes>=1"], environmentRoot: nil)
        #expect(good.status == 0 && good.stdout.isEmpty && good.stderr.isEmpty)
        let bad = SwnumaCommand.run(["--require", "nodes>=1", "--require", "node(4194303).free>=1"], environmentRoot: nil)
        #expect(bad.status == 3 && bad.stdout.isEmpty)
        #expect(bad.stderr == "swnuma: requirement 'node(4194303).free>=1' failed: node 4194303 does not exist\n")
        let malformed = SwnumaCommand.run(["--require", "node(1).fre>=64G", "--json"], environmentRoot: nil)
        #expect(malformed.status == 1 && malformed.stdout.isEmpty)
        #expect(malformed.stderr.hasPrefix("swnuma: invalid requirement 'node(1).fre>=64G': unknown property 'fre' at position 9"))
        let guarded = SwnumaCommand.run(["--require", "nodes>4194303", "true"], environmentRoot: nil)
        #expect(guarded.status == 3 && guarded.launch == nil)
        let allowed = SwnumaCommand.run(["--require", "nodes>=1", "true"], environmentRoot: nil)
        #expect(allowed.status == 0 && allowed.launch == ["true"])
        let json = SwnumaCommand.run(["--json", "--require", "cpus>=1"], environmentRoot: nil)
        #expect(json.status == 0 && json.stdout.hasPrefix("{\n  \"schema_version\": 1,"))
    }
}

/// The process's cpuset from cgroup files under a fake root.
@Suite struct CpusetTests {
    func root(_ files: [String: String]) throws -> SystemRoot {
        try SnapshotTree(files, label: "cpuset").root
    }

    @Test func cgroup2() throws {
        let cpuset = Cpuset.read(from: try root([
            "proc/self/cgroup": "0::/system.slice/db.service\n",
            "proc/self/mounts": "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n",
            "sys/fs/cgroup/system.slice/db.service/cpuset.cpus.effective": "0-3,8\n",
            "sys/fs/cgroup/system.slice/db.service/cpuset.mems.effective": "1\n",
        ]))
        #expect(cpuset == Cpuset(path: "/system.slice/db.service", version: 2, cpus: [0, 1, 2, 3, 8], mems: [1]))
    }

    @Test func cgroup2InheritsFromAncestorAndDefaultMount() throws {
        let cpuset = Cpuset.read(from: try root([
            "proc/self/cgroup": "0::/a/b/c\n",
            "sys/fs/cgroup/a/cpuset.cpus.effective": "2-3\n",
            "sys/fs/cgroup/a/cpuset.mems.effective": "0\n",
        ]))
        #expect(cpuset == Cpuset(path: "/a", version: 2, cpus: [2, 3], mems: [0]))
    }

    @Test func cgroup1CpusetControllerWins() throws {
        let cpuset = Cpuset.read(from: try root([
            "proc/self/cgroup": "4:memory:/x\n3:cpuset,cpuacct:/job\n0::/\n",
            "proc/mounts": "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n"
                + "cgroup /sys/fs/cgroup/my\\040cpuset cgroup rw,relatime,cpuset 0 0\n",
            "sys/fs/cgroup/my cpuset/job/cpuset.cpus": "1\n",
            "sys/fs/cgroup/my cpuset/job/cpuset.mems": "0-1\n",
            "sys/fs/cgroup/unified/cpuset.cpus.effective": "0-7\n",
        ]))
        #expect(cpuset == Cpuset(path: "/job", version: 1, cpus: [1], mems: [0, 1]))
    }

    @Test func snapshotWithOnlyProcSelfCpuset() throws {
        let cpuset = Cpuset.read(from: try root([
            "proc/self/cpuset": "/uid_1/job_2\n",
            "proc/mounts": "none /cgroup/unified cgroup2 rw 0 0\n",
            "cgroup/unified/uid_1/job_2/cpuset.cpus.effective": "0-5\n",
            "cgroup/unified/uid_1/job_2/cpuset.mems.effective": "0-1\n",
        ]))
        #expect(cpuset == Cpuset(path: "/uid_1/job_2", version: 2, cpus: [0, 1, 2, 3, 4, 5], mems: [0, 1]))
    }

    /// The running system's usual mount points are trusted only when the
    /// mounts file lists such a mount there, and only on the live root.
    @Test func usualMountPointsAgreeWithTheMountsFile() throws {
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        let lines = mounts.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let v1 = lines.contains { $0.count > 3 && $0[1] == "/sys/fs/cgroup/cpuset" && $0[2] == "cgroup" && $0[3].split(separator: ",").contains("cpuset") }
        let v2 = lines.contains { $0.count > 2 && $0[1] == "/sys/fs/cgroup" && $0[2] == "cgroup2" }
        #expect(SystemRoot.live.isCgroupMountPoint("sys/fs/cgroup/cpuset", version: 1) == v1)
        #expect(SystemRoot.live.isCgroupMountPoint("sys/fs/cgroup", version: 2) == v2)
        // The same folders seen through a root that is not the live one.
        let other = try SystemRoot(path: "/sys/fs")
        #expect(!other.isCgroupMountPoint("cgroup/cpuset", version: 1) && !other.isCgroupMountPoint("cgroup", version: 2))
        // Wrong version, or a folder inside a mount rather than its top.
        #expect(!SystemRoot.live.isCgroupMountPoint("sys/fs/cgroup/cpuset", version: 2))
        #expect(!SystemRoot.live.isCgroupMountPoint("proc/self", version: 1))
    }

    /// On the running system the usual place answers as the mounts do.
    @Test func liveCpusetReadsTheSameWithoutTheMounts() throws {
        for pid in ["self", "1"] {
            let usualFirst = Cpuset.read(from: .live, pid: pid, usualPlacesFirst: true)
            let fromMounts = Cpuset.read(from: .live, pid: pid, usualPlacesFirst: false)
            #expect(usualFirst == fromMounts)
            if SystemRoot.live.isCgroupMountPoint("sys/fs/cgroup/cpuset", version: 1) {
                #expect(usualFirst?.version == 1 && usualFirst?.cpus != nil)
            }
        }
    }

    /// A snapshot's own mounts file decides, whatever its usual places hold.
    @Test func snapshotMountsWinOverTheUsualPlace() throws {
        let cpuset = Cpuset.read(from: try root([
            "proc/self/cgroup": "3:cpuset:/job\n",
            "proc/self/mounts": "cgroup /elsewhere cgroup rw,cpuset 0 0\n",
            "sys/fs/cgroup/cpuset/job/cpuset.cpus": "0-7\n",
            "elsewhere/job/cpuset.cpus": "2\n",
        ]))
        #expect(cpuset == Cpuset(path: "/job", version: 1, cpus: [2], mems: nil))
    }

    @Test func nothingFound() throws {
        #expect(Cpuset.read(from: try root(["proc/self/cgroup": "0::/\n"])) == nil)
        #expect(Cpuset.read(from: try root(["proc/version": "Linux\n"])) == nil)
    }
}
