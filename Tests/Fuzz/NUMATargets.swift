// Fuzz targets for the NUMA library's parsers. Compiled into the NUMA module
// itself by Tests/Fuzz/build.sh (never by the package build), so that the
// internal parsers are reachable. Readers that only take a root are driven
// through a private snapshot folder: the input is written to the file the
// reader reads, then the reader runs, so the fuzzed path is the real one.
//
// An input that names several files holds their contents separated by the
// byte 0x1E (ASCII record separator), in the order each target lists.
internal import Glibc

package enum FuzzTargets {
    /// The targets of the NUMA module, by name.
    package static let names = [
        "nodes", "cpus", "cpumap", "cpulist", "meminfo", "distance", "numastat", "hugepages",
        "numa_maps", "status", "cgroup", "mountinfo", "routes", "require",
    ]

    /// Runs target `name` on `data`; false when there is no such target.
    package static func run(_ name: String, _ data: [UInt8]) -> Bool {
        switch name {
        case "nodes": nodes(data)
        case "cpus": cpus(data)
        case "cpumap": cpumap(data)
        case "cpulist": cpulist(data)
        case "meminfo": meminfo(data)
        case "distance": distance(data)
        case "numastat": numastat(data)
        case "hugepages": hugepages(data)
        case "numa_maps": numaMaps(data)
        case "status": status(data)
        case "cgroup": cgroup(data)
        case "mountinfo": mountinfo(data)
        case "routes": routes(data)
        case "require": require(data)
        default: return false
        }
        return true
    }

    /// Stops the fuzzer with a finding when an invariant does not hold.
    package static func check(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { fatalError("invariant broken: \(what())") }
    }

    static func parts(_ data: [UInt8], _ count: Int) -> [[UInt8]] {
        var result = data.split(separator: 0x1E, maxSplits: count - 1, omittingEmptySubsequences: false).map(Array.init)
        while result.count < count { result.append([]) }
        return result
    }

    // MARK: <nodes> and <cpus>

    static func nodes(_ data: [UInt8]) {
        let existing: NodeSet = [0, 1, 2, 3, 5, 7]
        let rules = SpecRules<NodeKind>(
            existing: existing, allowed: [0, 1, 3, 5],
            refusal: { "node \($0) has no memory" },
            resolveDevice: { _ in [1] })
        let text = String(decoding: data, as: UTF8.self)
        do {
            let set = try NodeSet.parse(text, rules: rules)
            check(set.isSubset(of: existing), "'\(text)' gave \(set), not within \(existing)")
        } catch {
            check(!error.description.isEmpty, "an empty message for '\(text)'")
        }
    }

    static func cpus(_ data: [UInt8]) {
        let existing = CPUSet(0..<16)
        let rules = SpecRules<CPUKind>(existing: existing, allowed: CPUSet(0..<8))
        let text = String(decoding: data, as: UTF8.self)
        do {
            let set = try CPUSet.parse(text, rules: rules)
            check(set.isSubset(of: existing), "'\(text)' gave \(set), not within \(existing)")
        } catch {
            check(!error.description.isEmpty, "an empty message for '\(text)'")
        }
    }

    // MARK: Formats of sysfs and /proc

    static func cpumap(_ data: [UInt8]) {
        guard let set = CPUSet(maskBytes: data) else { return }
        check(CPUSet(mask: set.mask()) == set, "the mask of \(set) does not read back")
        check(CPUSet(list: set.description) == set, "the list of \(set) does not read back")
    }

    static func cpulist(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        if let set = CPUSet(list: text) {
            check(CPUSet(list: set.description) == set, "the list of \(set) does not read back")
            check(CPUSet(mask: set.mask()) == set, "the mask of \(set) does not read back")
        }
        _ = NodeSet(list: text)
    }

    static func meminfo(_ data: [UInt8]) {
        let fields = Meminfo(bytes: data)
        _ = fields.bytes("MemTotal")
        _ = fields.bytes("MemFree")
        let root = FuzzSnapshot.shared
        root.reset()
        root.folder("sys/devices/system/node/node0")
        root.write("sys/devices/system/node/node0/meminfo", data)
        root.write("sys/devices/system/node/node0/cpulist", Array("0-1\n".utf8))
        let topology = Topology.load(from: root.root)
        check(topology.nodes.count == 1, "one node folder gave \(topology.nodes.count) nodes")
    }

    static func distance(_ data: [UInt8]) {
        let root = FuzzSnapshot.shared
        root.reset()
        for id in [0, 1, 2, 5] {
            root.folder("sys/devices/system/node/node\(id)")
            root.write("sys/devices/system/node/node\(id)/cpulist", Array("\(id)\n".utf8))
            root.write("sys/devices/system/node/node\(id)/distance", id == 0 ? data : Array("20 20 10 20\n".utf8))
        }
        let topology = Topology.load(from: root.root, options: .skipMemory)
        check(topology.nodes.count == 4, "four node folders gave \(topology.nodes.count) nodes")
        for node in topology.nodes {
            check(node.distanceTable.count == 4, "node \(node.id) has \(node.distanceTable.count) distances")
        }
        _ = topology.hasDistances
    }

    static func numastat(_ data: [UInt8]) {
        let files = parts(data, 2)
        let root = FuzzSnapshot.shared
        root.reset()
        for (index, id) in [0, 2].enumerated() {
            root.folder("sys/devices/system/node/node\(id)")
            root.write("sys/devices/system/node/node\(id)/numastat", files[index])
        }
        if let rows = try? NodeStatistics.counters(in: root.root, nodes: [0, 2]) {
            for row in rows { check(row.values.count == 2, "row \(row.label) has \(row.values.count) values") }
        }
    }

    /// Parts: the size in a `hugepages-<size>kB` folder name, `nr_hugepages`,
    /// `free_hugepages`, the node's meminfo, `proc/meminfo`.
    static func hugepages(_ data: [UInt8]) {
        let files = parts(data, 5)
        let root = FuzzSnapshot.shared
        root.reset()
        let node = "sys/devices/system/node/node0"
        root.folder(node)
        let name = files[0].prefix(64).filter { $0 != 0x2F && $0 != 0 }
        let folder = "\(node)/hugepages/hugepages-\(String(decoding: name, as: UTF8.self))kB"
        root.folder("\(node)/hugepages")
        root.folder(folder)
        root.write("\(folder)/nr_hugepages", files[1])
        root.write("\(folder)/free_hugepages", files[2])
        root.write("\(folder)/surplus_hugepages", files[2])
        root.write("\(node)/meminfo", files[3])
        root.folder("proc")
        root.write("proc/meminfo", files[4])
        let topology = Topology.load(from: root.root, options: .hugePages)
        check(topology.nodes.count == 1, "one node folder gave \(topology.nodes.count) nodes")
        _ = try? NodeStatistics.memoryFields(in: root.root, nodes: [0])
        _ = try? NodeStatistics.hugePageSize(in: root.root)
    }

    /// Parts: `proc/1/numa_maps`, `proc/meminfo`.
    static func numaMaps(_ data: [UInt8]) {
        let files = parts(data, 2)
        let root = FuzzSnapshot.shared
        root.reset()
        root.folder("proc")
        root.folder("proc/1")
        root.write("proc/1/numa_maps", files[0])
        root.write("proc/meminfo", files[1])
        if let memory = try? NodeStatistics.processMemory(1, in: root.root, nodes: [0, 1]) {
            check(memory.bytes.count == NodeStatistics.ProcessMemory.Category.allCases.count, "categories")
        }
    }

    static func status(_ data: [UInt8]) {
        let root = FuzzSnapshot.shared
        root.reset()
        root.folder("proc")
        root.folder("proc/1")
        root.write("proc/1/status", data)
        let limits = ProcessLimits.read(from: root.root, pid: "1")
        if let bits = limits.nodeMaskBits { check(bits >= 0, "a negative mask width") }
        _ = NodeStatistics.processName(1, in: root.root)
        _ = NodeStatistics.processIDs(matching: "a", in: root.root)
    }

    /// Parts: `proc/self/cgroup`, `proc/self/mounts`, then the cpus and mems
    /// files of the v2 root cgroup, of a v2 cgroup `/a`, and of a v1 cpuset
    /// hierarchy at `/sys/fs/cgroup/cpuset`.
    static func cgroup(_ data: [UInt8]) {
        let files = parts(data, 8)
        let root = FuzzSnapshot.shared
        root.reset()
        root.folder("proc")
        root.folder("proc/self")
        root.write("proc/self/cgroup", files[0])
        root.write("proc/self/mounts", files[1])
        for folder in ["sys", "sys/fs", "sys/fs/cgroup", "sys/fs/cgroup/a", "sys/fs/cgroup/cpuset"] { root.folder(folder) }
        root.write("sys/fs/cgroup/cpuset.cpus.effective", files[2])
        root.write("sys/fs/cgroup/cpuset.mems.effective", files[3])
        root.write("sys/fs/cgroup/a/cpuset.cpus.effective", files[4])
        root.write("sys/fs/cgroup/a/cpuset.mems.effective", files[5])
        root.write("sys/fs/cgroup/cpuset/cpuset.cpus", files[6])
        root.write("sys/fs/cgroup/cpuset/cpuset.mems", files[7])
        if let cpuset = Cpuset.read(from: root.root) {
            check(cpuset.version == 1 || cpuset.version == 2, "cgroup version \(cpuset.version)")
        }
    }

    static func mountinfo(_ data: [UInt8]) {
        let root = FuzzSnapshot.shared
        root.reset()
        root.folder("proc")
        root.folder("proc/self")
        root.write("proc/self/mounts", data)
        for mount in Mount.read(from: root.root) {
            check(!mount.type.isEmpty, "a mount without a type")
        }
    }

    /// Parts: `proc/net/route`, `proc/net/ipv6_route`, then the address
    /// looked up (4 bytes for IPv4, 16 for IPv6; others try both fixed ones).
    static func routes(_ data: [UInt8]) {
        let files = parts(data, 3)
        let root = FuzzSnapshot.shared
        root.reset()
        root.folder("proc")
        root.folder("proc/net")
        root.write("proc/net/route", files[0])
        root.write("proc/net/ipv6_route", files[1])
        let v4 = files[2].count >= 4 ? Array(files[2].prefix(4)) : [10, 1, 2, 3]
        var v6 = files[2].count >= 16 ? Array(files[2].prefix(16)) : [UInt8](repeating: 0, count: 16)
        if files[2].count < 16 { v6[0] = 0xfd; v6[15] = 1 }
        _ = Routes.interface(for: .v4(v4), root: root.root)
        _ = Routes.interface(for: .v6(v6), root: root.root)
    }

    static let requireTopology = Topology(nodes: [
        Topology.Node(
            id: 0, cpus: [0, 1], memoryTotal: 1 << 34, memoryFree: 1 << 33, distances: [10, 21],
            hugePages: [Topology.HugePages(pageSize: 2 << 20, total: 8, free: 4)]),
        Topology.Node(
            id: 3, cpus: [2, 3], memoryTotal: nil, memoryFree: UInt64.max, distances: [21, nil],
            hugePages: [Topology.HugePages(pageSize: 1 << 30, total: UInt64.max, free: nil)]),
    ])

    static func require(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            let requirement = try Requirement.parse(text)
            let evaluation = requirement.evaluate(in: requireTopology)
            check(!evaluation.message.isEmpty, "an empty evaluation of '\(text)'")
            // What a requirement prints must read back as the same requirement.
            let again = try? Requirement.parse(requirement.canonical)
            check(
                again?.quantity == requirement.quantity && again?.comparison == requirement.comparison
                    && again?.limit == requirement.limit,
                "'\(requirement.canonical)' does not read back as '\(text)'")
        } catch {
            check(error.description.contains("'"), "a message for '\(text)' that names nothing: \(error.description)")
        }
    }
}

/// A private snapshot folder the targets write their inputs into.
final class FuzzSnapshot: @unchecked Sendable {
    static let shared = FuzzSnapshot()

    let path: String
    let root: SystemRoot
    /// What was made since the last reset, in order: removed in reverse.
    private var made: [(path: String, isFolder: Bool)] = []

    private init() {
        // tmpfs when there is one: every input writes and removes files.
        var folder = "/dev/shm"
        if access(folder, W_OK) != 0 { folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp" }
        var template = Array("\(folder)/swnuma-fuzz-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { fatalError("cannot make a folder in \(folder)") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        root = try! SystemRoot(path: path)
        atexit { FuzzSnapshot.shared.removeAll() }
    }

    func reset() {
        for entry in made.reversed() {
            let full = path + "/" + entry.path
            if entry.isFolder { rmdir(full) } else { unlink(full) }
        }
        made.removeAll(keepingCapacity: true)
    }

    private func removeAll() {
        reset()
        rmdir(path)
    }

    /// Makes a folder and its parents; existing ones are kept.
    func folder(_ relative: String) {
        var prefix = ""
        for part in relative.split(separator: "/") {
            prefix += prefix.isEmpty ? String(part) : "/" + part
            if mkdir(path + "/" + prefix, 0o755) == 0 { made.append((prefix, true)) }
        }
    }

    /// Writes a file, making its folder first.
    func write(_ relative: String, _ bytes: [UInt8]) {
        if let slash = relative.lastIndex(of: "/") { folder(String(relative[..<slash])) }
        let fd = open(path + "/" + relative, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        made.append((relative, false))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
        close(fd)
    }
}
