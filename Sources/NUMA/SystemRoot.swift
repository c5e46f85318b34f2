/// The filesystem root everything is read from: `/` on a live system, or the
/// folder of a snapshot of another machine (a sosreport, an
/// `hwloc-gather-topology` dump) that holds `sys/` and `proc/`.
///
/// Every path the library reads is relative to a root. Files are read to the
/// end (sysfs sizes are not trusted) up to a limit that protects against
/// runaway files.
public struct SystemRoot: Hashable, Sendable {
    /// The root folder, without a trailing slash (except for `/` itself).
    public let path: String

    /// Whether this root is the running system's own `/`: only then can
    /// policies be applied and commands launched.
    public let isLive: Bool

    /// The running system's root, `/`.
    public static let live = SystemRoot(uncheckedPath: "/", isLive: true)

    /// The environment variable that names a root: `SWNUMA_ROOT`.
    public static let environmentVariable = "SWNUMA_ROOT"

    /// A root at `path`. A path that resolves to `/` is the live root.
    ///
    /// - Throws: ``NUMAError`` when `path` is not a folder.
    public init(path: String) throws(NUMAError) {
        guard !path.isEmpty, Syscalls.isDirectory(path) else {
            throw NUMAError(.invalidArgument, "root '\(path)' is not a folder")
        }
        let resolved = Syscalls.realPath(path)
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.init(uncheckedPath: trimmed, isLive: resolved == "/")
    }

    private init(uncheckedPath: String, isLive: Bool) {
        self.path = uncheckedPath
        self.isLive = isLive
    }

    /// The value of `SWNUMA_ROOT` in this process's environment, if set.
    public static var environmentValue: String? {
        Syscalls.environment(environmentVariable)
    }

    /// The absolute path of `relative` (written without a leading slash) under this root.
    public func resolve(_ relative: String) -> String {
        path == "/" ? "/" + relative : path + "/" + relative
    }

    /// The bytes of a file, or nil when it cannot be read.
    public func readBytes(_ relative: String, limit: Int = 1 << 24) -> [UInt8]? {
        try? Syscalls.readFile(resolve(relative), limit: limit).get()
    }

    /// The bytes of a sysfs attribute (or of any file of a snapshot), which
    /// the kernel hands over whole in one read; nil when it cannot be read.
    public func readAttribute(_ relative: String, limit: Int = 1 << 20) -> [UInt8]? {
        try? Syscalls.readFile(resolve(relative), limit: limit, shortReadIsEnd: true).get()
    }

    /// The text of a file (invalid UTF-8 repaired), or nil when it cannot be read.
    public func readText(_ relative: String, limit: Int = 1 << 24) -> String? {
        readBytes(relative, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names in a folder, or nil when it cannot be listed.
    public func list(_ relative: String) -> [String]? {
        try? Syscalls.listDirectory(resolve(relative)).get()
    }

    /// Whether `relative` is a folder.
    public func isDirectory(_ relative: String) -> Bool {
        Syscalls.isDirectory(resolve(relative))
    }
}
