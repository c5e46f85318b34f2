/// The cpuset cgroup a process belongs to: the CPUs and nodes its cgroup
/// grants, read from the cgroup filesystem under a ``SystemRoot``.
///
/// How it is found:
///
/// 1. The process's cgroups, from `proc/self/cgroup`. A `N:...cpuset...:/path`
///    line means the cpuset controller is on a cgroup v1 hierarchy; the
///    `0::/path` line is the cgroup v2 hierarchy. Snapshots without that
///    file may have `proc/self/cpuset`, which holds the path alone.
/// 2. Where the hierarchy is mounted, from `proc/self/mounts` or else
///    `proc/mounts`: the `cgroup` mount whose options include `cpuset` (v1),
///    or the `cgroup2` mount (v2, `/sys/fs/cgroup` when none is listed).
///    On the running system the usual places come first, without reading
///    the mounts: `/sys/fs/cgroup/cpuset` (v1) or `/sys/fs/cgroup` (v2),
///    when the file system there says it is such a mount (statfs(2)) and
///    holds the cgroup's files; the mounts decide otherwise.
/// 3. The files, under the root: v1 `cpuset.cpus` and `cpuset.mems`; v2
///    `cpuset.cpus.effective` and `cpuset.mems.effective`. A v2 cgroup whose
///    parent does not enable the cpuset controller has no such files; its
///    nearest ancestor that has them decides, and ``path`` names that ancestor.
///
/// v1 is tried first when the cpuset controller is bound to it, since the
/// controller then cannot also be on v2.
public struct Cpuset: Hashable, Sendable {
    /// The cgroup's path within its hierarchy, starting with `/`.
    public var path: String
    /// The cgroup version of the hierarchy: 1 or 2.
    public var version: Int
    /// The CPUs the cgroup grants; nil when unreadable.
    public var cpus: CPUSet? {
        get { hasCPUs ? cpuSet : nil }
        set {
            cpuSet = newValue ?? CPUSet()
            hasCPUs = newValue != nil
        }
    }
    /// The nodes the cgroup grants; nil when unreadable.
    public var mems: NodeSet? {
        get { hasMems ? nodeSet : nil }
        set {
            nodeSet = newValue ?? NodeSet()
            hasMems = newValue != nil
        }
    }

    // Kept as sets and flags (an absent set is empty), not as optionals: a
    // cpuset copied or let go would otherwise destroy an optional set through
    // its type's metadata, and the first such request costs the runtime's
    // registration of every optional type the standard library ships.
    private var cpuSet: CPUSet
    private var hasCPUs: Bool
    private var nodeSet: NodeSet
    private var hasMems: Bool

    /// A cpuset with the given values, for callers and tests that build one
    /// without reading it; ``read(from:pid:)`` reads a process's.
    public init(path: String, version: Int, cpus: CPUSet?, mems: NodeSet?) {
        self.init(path: path, version: version, cpus: cpus ?? CPUSet(), cpusRead: cpus != nil, mems: mems ?? NodeSet(), memsRead: mems != nil)
    }

    private init(path: String, version: Int, cpus: CPUSet, cpusRead: Bool, mems: NodeSet, memsRead: Bool) {
        self.path = path
        self.version = version
        self.cpuSet = cpusRead ? cpus : CPUSet()
        self.hasCPUs = cpusRead
        self.nodeSet = memsRead ? mems : NodeSet()
        self.hasMems = memsRead
    }

    /// The cpuset of process `pid` (the calling process by default) under
    /// `root`, or nil when no cgroup hierarchy with cpuset files can be found.
    /// The hierarchies are found at their usual mount points on the running
    /// system, else in the calling process's mounts.
    public static func read(from root: SystemRoot, pid: String = "self") -> Cpuset? {
        read(from: root, pid: pid, usualPlacesFirst: true)
    }

    /// ``read(from:pid:)``; `usualPlacesFirst` false reads the mounts for
    /// every hierarchy, even on the running system (the tests compare both).
    package static func read(from root: SystemRoot, pid: String, usualPlacesFirst: Bool) -> Cpuset? {
        var mounts = MountPoints(root: root, usualPlacesFirst: usualPlacesFirst)
        // Where to look: cgroup v1 paths and a v2 path, v1 first unless the
        // path came from `cpuset` alone (kept apart rather than as a list of
        // pairs, a type the run would make only here).
        var v1Paths: [String] = []
        var v2Path: String?
        var v2First = false
        if let bytes = root.readBytes("proc/\(pid)/cgroup", limit: 1 << 20) {
            // `id:controllers:path` lines, cut on their ASCII separators as
            // bytes: no grapheme breaking, no array per line.
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                defer { start = end + 1 }
                guard let first = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")),
                    let second = bytes[(first + 1)..<end].firstIndex(of: UInt8(ascii: ":"))
                else { continue }
                // Only the v2 line and a line naming the cpuset controller
                // matter: the others are not decoded at all.
                let isV2 = second == first + 1 && first == start + 1 && bytes[start] == UInt8(ascii: "0")
                guard isV2 || hasWord(bytes, first + 1..<second, "cpuset") else { continue }
                let path = String(String(decoding: bytes[(second + 1)..<end], as: UTF8.self).trimmingWhitespaceAndNUL())
                // Longer than PATH_MAX: no file under it could be opened.
                guard path.utf8.count <= pathLimit else { continue }
                if isV2 {
                    v2Path = path
                } else {
                    v1Paths.append(path)
                }
            }
        } else if let text = root.readText("proc/\(pid)/cpuset", limit: 1 << 16) {
            let path = String(text.trimmingWhitespaceAndNUL())
            if path.hasPrefix("/"), path.utf8.count <= pathLimit {
                v2Path = path
                v1Paths.append(path)
                v2First = true
            }
        }
        if v2First, let v2Path, let cpuset = read(root, version: 2, path: v2Path, mounts: &mounts) { return cpuset }
        for path in v1Paths {
            if let cpuset = read(root, version: 1, path: path, mounts: &mounts) { return cpuset }
        }
        if !v2First, let v2Path, let cpuset = read(root, version: 2, path: v2Path, mounts: &mounts) { return cpuset }
        return nil
    }

    /// Where a hierarchy of each version may be mounted: the usual place when
    /// the running system has that mount there, then the mounts file's, read
    /// only if the usual place did not answer.
    private struct MountPoints {
        let root: SystemRoot
        let usualPlacesFirst: Bool
        private var mounts: [Mount] = []
        private var mountsRead = false

        init(root: SystemRoot, usualPlacesFirst: Bool) {
            self.root = root
            self.usualPlacesFirst = usualPlacesFirst
        }

        /// Where a hierarchy of `version` is mounted on most systems.
        static func usualPlace(version: Int) -> String {
            version == 2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/cpuset"
        }

        /// The usual place of `version`, when the running system has its mount there.
        func usual(version: Int) -> String? {
            let place = Self.usualPlace(version: version)
            return usualPlacesFirst && root.isCgroupMountPoint(String(place.dropFirst()), version: version) ? place : nil
        }

        /// The mount points the mounts file lists for `version`, but `skipping`.
        mutating func listed(version: Int, skipping: String?) -> [String] {
            if !mountsRead {
                mounts = Mount.read(from: root)
                mountsRead = true
            }
            var points: [String] = []
            if version == 2 {
                points = mounts.filter { $0.type == "cgroup2" }.map { $0.point }
                if points.isEmpty { points = [Self.usualPlace(version: 2)] }
            } else {
                points = mounts.filter { $0.type == "cgroup" && $0.cpuset }.map { $0.point }
            }
            return points.filter { $0 != skipping }
        }
    }

    private static func read(_ root: SystemRoot, version: Int, path: String, mounts: inout MountPoints) -> Cpuset? {
        let usual = mounts.usual(version: version)
        if let usual, let cpuset = read(root, version: version, path: path, point: usual) { return cpuset }
        for point in mounts.listed(version: version, skipping: usual) {
            if let cpuset = read(root, version: version, path: path, point: point) { return cpuset }
        }
        return nil
    }

    /// The cpuset of cgroup `path` in the hierarchy mounted at `point`.
    private static func read(_ root: SystemRoot, version: Int, path: String, point: String) -> Cpuset? {
        let (cpusFile, memsFile) =
            version == 2 ? ("cpuset.cpus.effective", "cpuset.mems.effective") : ("cpuset.cpus", "cpuset.mems")
        var current = path
        var ascents = 0
        while true {
            let folder = join(point, current)
            // Sets and flags, as the cpuset keeps them.
            var cpus = CPUSet()
            var mems = NodeSet()
            var hasCPUs = false
            var hasMems = false
            if let bytes = root.readBytes("\(folder)/\(cpusFile)", limit: 1 << 20),
                let set = CPUSet(listBytes: bytes, limit: CPUKind.kernelLimit)
            {
                cpus = set
                hasCPUs = true
            }
            if let bytes = root.readBytes("\(folder)/\(memsFile)", limit: 1 << 20),
                let set = NodeSet(listBytes: bytes, limit: NodeKind.kernelLimit)
            {
                mems = set
                hasMems = true
            }
            if hasCPUs || hasMems {
                return Cpuset(path: current, version: version, cpus: cpus, cpusRead: hasCPUs, mems: mems, memsRead: hasMems)
            }
            // Only v2 inherits from an ancestor that has the files.
            guard version == 2, current != "/", let slash = current.lastIndex(of: "/") else { break }
            ascents += 1
            // Past `ascentLimit` levels only the hierarchy's root is left to try.
            current = slash == current.startIndex || ascents >= ascentLimit ? "/" : String(current[..<slash])
        }
        return nil
    }

    /// The longest cgroup path read: PATH_MAX, 4096 bytes. A longer one
    /// names files no one can open, and would cost a walk per ancestor.
    static let pathLimit = 4096

    /// Whether the comma-separated list at `range` of `bytes` has `word` as one of its items.
    static func hasWord(_ bytes: [UInt8], _ range: Range<Int>, _ word: StaticString) -> Bool {
        var itemStart = range.lowerBound
        for position in range.lowerBound...range.upperBound
        where position == range.upperBound || bytes[position] == UInt8(ascii: ",") {
            if isWord(bytes, itemStart..<position, word) { return true }
            itemStart = position + 1
        }
        return false
    }

    /// Whether the bytes at `range` are `word`.
    static func isWord(_ bytes: [UInt8], _ range: Range<Int>, _ word: StaticString) -> Bool {
        bytes.withUnsafeBufferPointer { $0.bytes(at: range, are: word) }
    }

    /// The most levels a v2 cgroup's cpuset is looked for above its own
    /// before the hierarchy's root (systemd and Kubernetes nest 4 to 6 deep).
    static let ascentLimit = 64

    /// `point` and `path` joined as a path relative to the root (no leading slash).
    private static func join(_ point: String, _ path: String) -> String {
        // Cut on the byte `/`, which UTF-8 never uses inside another
        // character: no grapheme breaking, no array of parts.
        var joined: [UInt8] = []
        joined.reserveCapacity(point.utf8.count + path.utf8.count + 1)
        for part in [point, path] {
            let bytes = Array(part.utf8)
            var at = 0
            while at < bytes.count {
                while at < bytes.count && bytes[at] == UInt8(ascii: "/") { at += 1 }
                let start = at
                while at < bytes.count && bytes[at] != UInt8(ascii: "/") { at += 1 }
                let length = at - start
                guard length > 0 else { break }
                let dot = UInt8(ascii: ".")
                if (length == 1 && bytes[start] == dot) || (length == 2 && bytes[start] == dot && bytes[start + 1] == dot) {
                    continue
                }
                if !joined.isEmpty { joined.append(UInt8(ascii: "/")) }
                joined.append(contentsOf: bytes[start..<at])
            }
        }
        return String(decoding: joined, as: UTF8.self)
    }
}

/// One line of a mounts file.
struct Mount {
    var point: String
    var type: String
    /// Whether the mount options name the `cpuset` controller.
    var cpuset: Bool

    /// The cgroup mounts (types `cgroup` and `cgroup2`) of `proc/self/mounts`, else
    /// `proc/mounts`; empty when neither is readable. Other lines are skipped before
    /// any text is made of them: a host has dozens of mounts and one or two cgroup ones.
    static func read(from root: SystemRoot) -> [Mount] {
        guard let bytes = root.readBytes("proc/self/mounts", limit: 1 << 22) ?? root.readBytes("proc/mounts", limit: 1 << 22)
        else { return [] }
        // Fields are cut out of the bytes by hand: the kernel writes ASCII
        // separators, and splitting by Character costs grapheme breaking on
        // every byte (a third of a `--process` run, for 20 mounts).
        var result: [Mount] = []
        var lineStart = 0
        while lineStart < bytes.count {
            // The first four fields of the line (device, mount point, type,
            // options) and where the line ends, in one pass without bounds checks.
            var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
            var found = 0
            let lineEnd = bytes.withUnsafeBufferPointer { buffer in
                var index = lineStart
                while index < buffer.count, buffer[index] != UInt8(ascii: "\n") {
                    let byte = buffer[index]
                    if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                        index += 1
                        continue
                    }
                    let fieldStart = index
                    while index < buffer.count {
                        let next = buffer[index]
                        if next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\n") { break }
                        index += 1
                    }
                    switch found {
                    case 0: fields.0 = fieldStart..<index
                    case 1: fields.1 = fieldStart..<index
                    case 2: fields.2 = fieldStart..<index
                    case 3: fields.3 = fieldStart..<index
                    default: break
                    }
                    found += 1
                }
                return index
            }
            lineStart = lineEnd + 1
            guard found >= 4 else { continue }
            let isV1 = Cpuset.isWord(bytes, fields.2, "cgroup")
            guard isV1 || Cpuset.isWord(bytes, fields.2, "cgroup2") else { continue }
            // A mount point without a backslash has no escape to undo.
            let point =
                bytes[fields.1].contains(UInt8(ascii: "\\"))
                ? unescape(Substring(String(decoding: bytes[fields.1], as: UTF8.self)))
                : String(decoding: bytes[fields.1], as: UTF8.self)
            result.append(
                Mount(point: point, type: isV1 ? "cgroup" : "cgroup2", cpuset: Cpuset.hasWord(bytes, fields.3, "cpuset")))
        }
        return result
    }

    /// Undoes the kernel's octal escapes in mount points (`\040` for a space).
    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count {
                let digits = utf8[(index + 1)...(index + 3)]
                if digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
                    let value = digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                    if value < 256 {
                        bytes.append(UInt8(value))
                        index += 4
                        continue
                    }
                }
            }
            bytes.append(utf8[index])
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
