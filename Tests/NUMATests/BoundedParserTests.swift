import Foundation
import Testing

@testable import NUMA

/// The parsers of untrusted text do work in proportion to their input, and
/// hold what they read to the kernel's limits.
@Suite struct BoundedParserTests {
    /// The plain search the linear one replaced, as the reference.
    static func naive(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }

    @Test func substringSearchAgreesWithThePlainOne() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // A two-letter alphabet makes partial matches, the hard case.
            let haystack = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 97...98, using: &generator) }
            let needle = (0..<Int.random(in: 0...6, using: &generator)).map { _ in UInt8.random(in: 97...98, using: &generator) }
            #expect(!PatternSet([needle]).matches(in: haystack).isEmpty == Self.naive(haystack, needle), "\(haystack) \(needle)")
        }
        #expect(PatternSet([Array("aab".utf8)]).matches(in: Array("aaab".utf8)) == [0])
        #expect(PatternSet([Array("abab".utf8)]).matches(in: Array("abaab".utf8)).isEmpty)
        #expect(PatternSet([Array("db".utf8)]).matches(in: Array("x db --serve".utf8)) == [0])
    }

    /// A 3,000-byte name against a 1 MB line of near misses: the plain
    /// search compared about 3 billion bytes; this one a few million.
    @Test func aLongNameInALongLineIsQuick() {
        let needle = [UInt8](repeating: 0x61, count: 2999) + [0x62]
        let haystack = [UInt8](repeating: 0x61, count: 1 << 20)
        // Linear: no clock here (timings belong to the benchmarks); a
        // quadratic search would make this test run for minutes.
        #expect(PatternSet([needle]).matches(in: haystack).isEmpty)
    }

    @Test func numaMapsNodesBeyondTheKernelsLimitAreRefused() throws {
        var count = 0
        try NumaMaps.forEachMapping(in: Array("7f00 default anon=1 N1023=1\n".utf8), hugePageSize: { () throws(NUMAError) in 2 << 20 }) { _ in
            count += 1
        }
        #expect(count == 1)
        #expect {
            try NumaMaps.forEachMapping(in: Array("7f00 default anon=1 N1024=1\n".utf8), hugePageSize: { () throws(NUMAError) in 2 << 20 }) { _ in }
        } throws: { error in
            (error as? NUMAError)?.message == "cannot read the node count 'N1024=1': node 1024 is beyond the 1024 nodes Linux can have"
        }
        // A policy naming nodes past the limit names none.
        #expect(NumaMaps.MappingPolicy(parsing: "bind:0-4194303").nodes == nil)
        #expect(NumaMaps.MappingPolicy(parsing: "bind:0-1023").nodes?.count == 1024)
    }

    /// Many nodes on a line and many distinct policies fold by key: the
    /// totals are those of a plain count.
    @Test func manyNodesAndPoliciesAreFoldedByKey() throws {
        var text = ""
        for line in 0..<2000 {
            text += "\(line) bind:\(line % 1024) anon=1"
            for node in stride(from: 0, to: 1024, by: 97) { text += " N\(node)=1" }
            text += " kernelpagesize_kB=4\n"
        }
        let memory = try ProcessPlacement.memory(
            numaMaps: Array(text.utf8), running: [], memsAllowed: nil, hugePageSize: { () throws(NUMAError) in 2 << 20 })
        #expect(memory.policies.count == 1024)
        #expect(memory.nodes.count == 11)
        #expect(memory.nodes.map(\.node) == Array(stride(from: 0, to: 1024, by: 97)))
        #expect(memory.total == 2000 * 11 * 4096)
        #expect(memory.policies[0].mappings == 2)
        #expect(memory.policies[0].nodes.count == 11)
    }

    /// Bytes per node, per policy and outside what each policy allows, as a
    /// plain count of every mapping gives them: few nodes per policy and more
    /// than eight, few policies and more than eight.
    @Test func foldAgreesWithAPlainCount() throws {
        var state: UInt64 = 0x0123_4567_89AB_CDEF
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for (policyCount, nodeCount) in [(1, 3), (3, 12), (12, 5), (20, 30)] {
            let policies = (0..<policyCount).map { $0 % 3 == 0 ? "default" : "bind:\($0 % nodeCount)" }
            var text = ""
            var perPolicy: [String: [Int: UInt64]] = [:]
            var perNode: [Int: UInt64] = [:]
            var outside: UInt64 = 0
            for line in 0..<400 {
                let policy = policies[next(policies.count)]
                text += "\(String(0x7f00_0000 + line * 0x1000, radix: 16)) \(policy) anon=1"
                for _ in 0..<(1 + next(4)) {
                    let node = next(nodeCount)
                    let pages = UInt64(1 + next(50))
                    text += " N\(node)=\(pages)"
                    perPolicy[policy, default: [:]][node, default: 0] += pages * 4096
                    perNode[node, default: 0] += pages * 4096
                    if policy.hasPrefix("bind:"), Int(policy.dropFirst(5)) != node { outside += pages * 4096 }
                }
                text += " kernelpagesize_kB=4\n"
            }
            let memory = try ProcessPlacement.memory(
                numaMaps: Array(text.utf8), running: [], memsAllowed: nil, hugePageSize: { () throws(NUMAError) in 2 << 20 })
            #expect(Dictionary(uniqueKeysWithValues: memory.nodes.map { ($0.node, $0.anonymous) }) == perNode)
            #expect(memory.nodes.map(\.node) == perNode.keys.sorted())
            for policy in memory.policies {
                #expect(Dictionary(uniqueKeysWithValues: policy.nodes.map { ($0.node, $0.anonymous) }) == perPolicy[policy.text])
                #expect(policy.nodes.map(\.node) == (perPolicy[policy.text] ?? [:]).keys.sorted())
            }
            #expect(Set(memory.policies.map(\.text)) == Set(perPolicy.keys))
            #expect(memory.outsidePolicy == outside)
            #expect(memory.total == perNode.values.reduce(0, +))
        }
    }

    @Test func cgroupPathsPastPathMaxAreSkipped() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-cgroup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let files = [
            "proc/self/mounts": "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n",
            "sys/fs/cgroup/cpuset.cpus.effective": "0-3\n",
            "sys/fs/cgroup/cpuset.mems.effective": "0\n",
        ]
        for (path, text) in files {
            let file = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let cgroup = base.appendingPathComponent("proc/self/cgroup")
        let root = try SystemRoot(path: base.path)
        // Within PATH_MAX and deeper than 64 levels: the hierarchy's root decides.
        try Data(("0::" + String(repeating: "/a", count: 2000) + "\n").utf8).write(to: cgroup)
        #expect(Cpuset.read(from: root)?.path == "/")
        // Past PATH_MAX: not read at all.
        try Data(("0::" + String(repeating: "/a", count: 300_000) + "\n").utf8).write(to: cgroup)
        let clock = ContinuousClock()
        var found: Cpuset?
        let elapsed = clock.measure { found = Cpuset.read(from: root) }
        #expect(found == nil)
        #expect(elapsed < .seconds(2))
    }

    /// A class entry whose links' targets are thousands of components long
    /// stops at the component cap instead of walking them all.
    @Test func linkWalksAreCapped() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-links-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let real = base.appendingPathComponent("sys/devices/pci0000:00/0000:00:03.0/net/eth0")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let net = base.appendingPathComponent("sys/class/net")
        try FileManager.default.createDirectory(at: net, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: net.appendingPathComponent("eth0").path, withDestinationPath: "../../devices/pci0000:00/0000:00:03.0/net/eth0")
        let root = try SystemRoot(path: base.path)
        #expect(SysfsDevice.canonical("sys/class/net/eth0", root: root) == "sys/devices/pci0000:00/0000:00:03.0/net/eth0")
        // 40 links, each `./././...` 4,000 bytes long, chained.
        let padding = String(repeating: "./", count: 1990)
        for index in 0..<40 {
            let next = index == 39 ? "eth0" : "chain\(index + 1)"
            try FileManager.default.createSymbolicLink(atPath: net.appendingPathComponent("chain\(index)").path, withDestinationPath: padding + next)
        }
        #expect(SysfsDevice.canonical("sys/class/net/chain0", root: root) == nil)
        // The same chain with short links resolves.
        for index in 0..<39 {
            let link = net.appendingPathComponent("short\(index)")
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: index == 38 ? "eth0" : "short\(index + 1)")
        }
        #expect(SysfsDevice.canonical("sys/class/net/short0", root: root) == "sys/devices/pci0000:00/0000:00:03.0/net/eth0")
    }

    static let pciIDs = """
        # comment
        8086  Intel Corporation
        \t1572  Ethernet Controller X710 for 10GbE SFP+
        \t\t8086 0001  a subsystem
        \t10d3  82574L Gigabit Network Connection
        15b3  Mellanox Technologies
        \t1017  MT27800 Family [ConnectX-5]
        C 01  Mass storage controller
        \t08  Non-Volatile memory controller
        C 02  Network controller
        \t00  Ethernet controller

        """

    /// The file read in pieces of any size gives the names read whole.
    @Test(arguments: [1, 2, 7, 64, 1 << 16])
    func pciIDsReadInPieces(piece: Int) throws {
        let bytes = Array(Self.pciIDs.utf8)
        var parser = PCIIDs.Parser(wanted: .everything)
        var start = 0
        while start < bytes.count {
            parser.feed(bytes[start..<min(start + piece, bytes.count)])
            start += piece
        }
        parser.finish()
        #expect(parser.names == PCIIDs(parsing: bytes))
        #expect(parser.names.model(vendor: 0x8086, device: 0x1572) == "Intel Corporation Ethernet Controller X710 for 10GbE SFP+")
        #expect(parser.names.className(0x020000) == "Ethernet controller")
        #expect(parser.names.className(0x010802) == "Non-Volatile memory controller")
    }

    @Test func pciIDsKeepOnlyTheNamesAskedFor() throws {
        let wanted = PCIIDs.Wanted(classes: [0x020000], vendors: [0x8086], devices: [0x8086_1572])
        var parser = PCIIDs.Parser(wanted: wanted)
        parser.feed(Array(Self.pciIDs.utf8)[...])
        parser.finish()
        #expect(parser.names.model(vendor: 0x8086, device: 0x1572) == "Intel Corporation Ethernet Controller X710 for 10GbE SFP+")
        #expect(parser.names.model(vendor: 0x8086, device: 0x10d3) == "Intel Corporation")
        #expect(parser.names.model(vendor: 0x15b3, device: 0x1017) == nil)
        #expect(parser.names.className(0x020000) == "Ethernet controller")
        #expect(parser.names.className(0x010802) == nil)
        #expect(parser.names.vendors.count == 1 && parser.names.devices.count == 1)
    }

    @Test func aPCIIDsFileLongerThanItsLimitIsNotRead() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-pciids-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let file = base.appendingPathComponent("usr/share/hwdata/pci.ids")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(Self.pciIDs.utf8).write(to: file)
        let root = try SystemRoot(path: base.path)
        var seen = 0
        guard case .failure(let error) = root.stream("usr/share/hwdata/pci.ids", limit: 100, chunk: 64, { seen += $0.count }) else {
            Issue.record("a file past its limit was read to the end")
            return
        }
        #expect(error.description.hasSuffix("pci.ids is longer than 100 bytes: not read"))
        #expect(seen <= 100)
        #expect(PCIIDs.sizeLimit == 16 << 20)
    }
}
