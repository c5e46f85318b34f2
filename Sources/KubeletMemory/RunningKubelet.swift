public import NUMA

/// A kubelet process found under a root's `proc/`.
public struct RunningKubelet: Hashable, Sendable {
    public var pid: Int
    /// Its arguments, without the program name.
    public var arguments: [String]

    /// A process that looks like a kubelet by its name but is not trusted
    /// as one, and why.
    public struct Rejected: Hashable, Sendable {
        /// The process id.
        public var pid: Int
        /// Why it was not taken, one phrase: `it runs as uid 1000`.
        public var reason: String
    }

    /// What a search of `proc/` found.
    public struct Discovery: Hashable, Sendable {
        /// The processes named kubelet that are plausibly the real one, by pid.
        public var trusted: [RunningKubelet]
        /// The processes named kubelet that were not trusted, by pid.
        public var rejected: [Rejected]

        /// The kubelet taken: the trusted one with the lowest pid (the one
        /// started first, on a machine whose pids have not wrapped).
        public var taken: RunningKubelet? { trusted.first }

        /// A sentence for the user when the choice was not obvious: several
        /// trusted matches (which was taken), or matches none of which is
        /// trusted (why, and what to do). Nil when exactly one was found
        /// and nothing else was named kubelet, or when nothing was.
        public var note: String? {
            if trusted.count > 1, let taken {
                let others = trusted.dropFirst().map { String($0.pid) }.joined(separator: ", ")
                return "\(trusted.count) kubelet processes are running (pids \(taken.pid), \(others)): pid \(taken.pid) was taken; give the kubelet's arguments after the option to check another"
            }
            if trusted.isEmpty, !rejected.isEmpty {
                let reasons = rejected.prefix(8).map { "pid \($0.pid): \($0.reason)" }.joined(separator: "; ")
                let more = rejected.count > 8 ? "; and \(rejected.count - 8) more" : ""
                return "no process named kubelet is trusted as the kubelet (\(reasons)\(more)): give the kubelet's arguments after the option"
            }
            return nil
        }
    }

    /// The trusted kubelet processes under `root` (``discover(in:)``), by pid.
    public static func find(in root: SystemRoot) -> [RunningKubelet] {
        discover(in: root).trusted
    }

    /// The processes under `root` whose `comm` is `kubelet` or whose program
    /// name ends in `/kubelet`, split into those trusted as the kubelet and
    /// those not. Any local user can start a program named kubelet, and the
    /// kubelet modes then read the `--config` file its arguments name with
    /// swnuma's rights, so a match is trusted only when it is plausibly the
    /// real kubelet:
    ///
    /// - its `status` says it runs as root (real and effective uid 0);
    /// - on the live machine, the program it runs (`proc/PID/exe`) is owned
    ///   by root and writable by neither its group nor others. A snapshot
    ///   holds no executable to check: its `status` decides alone.
    ///
    /// For a script named kubelet, the interpreter and the script's path are
    /// not arguments.
    public static func discover(in root: SystemRoot) -> Discovery {
        var discovery = Discovery(trusted: [], rejected: [])
        guard let names = root.list("proc") else { return discovery }
        for name in names {
            guard !name.isEmpty, name.utf8.count <= 10, name.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let pid = Int(name), pid > 0
            else { continue }
            guard let bytes = root.readBytes("proc/\(name)/cmdline", limit: 1 << 20), !bytes.isEmpty else { continue }
            var words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if words.last == "" { words.removeLast() }
            guard let program = words.first else { continue }
            let comm = root.readText("proc/\(name)/comm", limit: 4096).map { $0.split(separator: "\n").first.map(String.init) ?? "" }
            let base = program.split(separator: "/").last.map(String.init) ?? program
            guard comm == "kubelet" || base == "kubelet" else { continue }
            if let reason = distrust(pid: name, root: root) {
                discovery.rejected.append(Rejected(pid: pid, reason: reason))
                continue
            }
            var arguments = Array(words.dropFirst())
            // A script named kubelet runs as `INTERPRETER .../kubelet ARGS`.
            if base != "kubelet", let script = arguments.first, script.split(separator: "/").last == "kubelet" {
                arguments.removeFirst()
            }
            discovery.trusted.append(RunningKubelet(pid: pid, arguments: arguments))
        }
        discovery.trusted.sort { $0.pid < $1.pid }
        discovery.rejected.sort { $0.pid < $1.pid }
        return discovery
    }

    /// Why process `pid` under `root` is not trusted as the kubelet, or nil
    /// when it is.
    static func distrust(pid: String, root: SystemRoot) -> String? {
        guard let status = root.readBytes("proc/\(pid)/status", limit: 1 << 20) else {
            return "its status cannot be read"
        }
        guard let uids = uids(status: status) else { return "its status has no Uid line" }
        if uids.real != 0 || uids.effective != 0 {
            return "it runs as uid \(uids.real != 0 ? uids.real : uids.effective), not root"
        }
        guard root.isLive else { return nil }
        guard let program = root.ownership("proc/\(pid)/exe") else {
            return "its program (/proc/\(pid)/exe) cannot be checked"
        }
        if program.uid != 0 { return "its program is owned by uid \(program.uid), not root" }
        if program.writableByOthers || program.writableByGroup { return "its program is writable by users other than root" }
        return nil
    }

    /// The real and effective uids of a `status` file's `Uid:` line.
    static func uids(status: [UInt8]) -> (real: UInt64, effective: UInt64)? {
        var found: (real: UInt64, effective: UInt64)?
        for line in status.split(separator: 0x0A) where found == nil {
            guard line.starts(with: Array("Uid:".utf8)) else { continue }
            let fields = line.dropFirst(4).split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
            guard fields.count >= 2, fields[0].count <= 10, fields[1].count <= 10,
                let real = UInt64(String(decoding: fields[0], as: UTF8.self)),
                let effective = UInt64(String(decoding: fields[1], as: UTF8.self))
            else { return nil }
            found = (real, effective)
        }
        return found
    }
}
