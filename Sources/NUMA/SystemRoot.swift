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

    /// A snapshot's folder, open for the life of the root (nil for the live
    /// roots, and when it could not be opened: each read then opens it).
    private let folder: Syscalls.OpenFolder?

    /// The running system's root, `/`.
    public static let live = SystemRoot(uncheckedPath: "/", isLive: true)

    /// Where a path the user types on swnuma's command line is read from
    /// (`--config ../k.yaml`, `--kubelet-state FILE`): a relative path from
    /// the current folder, every link followed as the kernel follows it for
    /// any command the user runs, nothing confined, since the user names what
    /// they may read. Only for ``read(_:limit:attribute:)``,
    /// ``stream(_:limit:chunk:_:)``, ``listing(_:)``, ``isDirectory(_:)`` and
    /// ``readLink(_:)`` of such a path (a `--config-dir` folder); never a machine's root
    /// (paths found inside a snapshot stay confined to it).
    public static let typed = SystemRoot(uncheckedPath: ".", isLive: true)

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

    /// A root at `path` given as a machine's snapshot (`--root`,
    /// `SWNUMA_ROOT`): ``init(path:)``, and the folder must hold `sys/` or
    /// `proc/`, since an empty folder would read as a one-node machine with
    /// nothing known.
    ///
    /// - Throws: ``NUMAError`` when `path` is not a folder, or is a folder
    ///   with neither `sys/` nor `proc/`.
    public static func snapshot(_ path: String) throws(NUMAError) -> SystemRoot {
        let root = try SystemRoot(path: path)
        guard root.isLive || root.isDirectory("sys") || root.isDirectory("proc") else {
            throw NUMAError(.invalidArgument, "root '\(escapedForDisplay(path))' has neither sys/ nor proc/: not a system snapshot")
        }
        return root
    }

    private init(uncheckedPath: String, isLive: Bool) {
        self.path = uncheckedPath
        self.isLive = isLive
        self.folder = isLive ? nil : Syscalls.OpenFolder(uncheckedPath)
    }

    /// Roots are the same when they name the same folder, live or not.
    public static func == (left: SystemRoot, right: SystemRoot) -> Bool {
        left.path == right.path && left.isLive == right.isLive
    }

    /// Hashes what ``==(_:_:)`` compares: the path and whether it is live.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(isLive)
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
        try? read(relative, limit: limit).get()
    }

    /// The bytes of a sysfs attribute (or of any file of a snapshot), which
    /// the kernel hands over whole in one read; nil when it cannot be read.
    public func readAttribute(_ relative: String, limit: Int = 1 << 20) -> [UInt8]? {
        try? read(relative, limit: limit, attribute: true).get()
    }

    /// The text of a file (invalid UTF-8 repaired), or nil when it cannot be read.
    public func readText(_ relative: String, limit: Int = 1 << 24) -> String? {
        readBytes(relative, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of a file, or an error that names it and says why it was
    /// not read: missing or unreadable, not a regular file (a FIFO, a device,
    /// a socket, a folder: never read from a snapshot, so that nothing
    /// blocks), or longer than `limit` (never parsed cut).
    ///
    /// Paths resolve inside the root: absolute symbolic links against the
    /// root, `..` no higher than the root (openat2(2) with RESOLVE_IN_ROOT,
    /// or the same walk by hand). Under the live root `/` this is a plain read.
    public func read(_ relative: String, limit: Int = 1 << 24, attribute: Bool = false) -> Result<[UInt8], NUMAError> {
        switch Syscalls.readFile(root: path, live: isLive, relative, limit: limit, shortReadIsEnd: attribute, folder: folder) {
        case .success(let bytes): return .success(bytes)
        case .failure(let failure): return .failure(error(failure, reading: relative))
        }
    }

    /// The error of a failed read of `relative`, naming the file.
    private func error(_ failure: Syscalls.FileFailure, reading relative: String) -> NUMAError {
        switch failure {
        case .system(let errno):
            NUMAError(.systemCall, "cannot read \(display(relative))", errno: errno)
        case .notRegular(let kind):
            NUMAError(.invalidArgument, "\(display(relative)) is \(kind), not a regular file: skipped")
        case .tooLarge(let limit):
            NUMAError(.invalidArgument, "\(display(relative)) is longer than \(limit) bytes: not read")
        }
    }

    /// Reads a file in pieces, each handed to `body` as it is read: for
    /// large files of which little is kept (`pci.ids`). Confined and limited
    /// as ``read(_:limit:attribute:)`` is; an error names the file.
    public func stream(
        _ relative: String, limit: Int, chunk: Int = 1 << 16, _ body: (ArraySlice<UInt8>) -> Void
    ) -> Result<Void, NUMAError> {
        switch Syscalls.streamFile(root: path, live: isLive, relative, limit: limit, chunk: chunk, folder: folder, body) {
        case .success: return .success(())
        case .failure(let failure): return .failure(error(failure, reading: relative))
        }
    }

    /// Reads a file of lines in pieces of about `chunk` bytes: `body` gets
    /// whole lines (the last may lack its newline), in order, as they are
    /// read, and returns false to stop. Memory stays at `chunk` bytes unless
    /// a line is longer. Confined and limited as ``read(_:limit:attribute:)``
    /// is (a file longer than `limit` fails once the limit is passed, after
    /// `body` has seen the lines before it); an error names the file.
    public func streamLines(
        _ relative: String, limit: Int, chunk: Int = 1 << 13, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Result<Void, NUMAError> {
        switch Syscalls.streamLines(root: path, live: isLive, relative, limit: limit, chunk: chunk, folder: folder, body) {
        case .success: return .success(())
        case .failure(let failure): return .failure(error(failure, reading: relative))
        }
    }

    /// The names in a folder, or nil when it cannot be listed.
    public func list(_ relative: String) -> [String]? {
        try? listing(relative).get()
    }

    /// The names in a folder, or an error that names it.
    public func listing(_ relative: String) -> Result<[String], NUMAError> {
        Syscalls.listDirectory(root: path, live: isLive, relative, rootFolder: folder).mapError {
            NUMAError(.systemCall, "cannot list \(display(relative))", errno: $0)
        }
    }

    /// ``listing(_:)``, and the names the folder's listing itself says are
    /// folders (not links): those need no ``isDirectory(_:)`` of their own.
    package func listingWithFolders(_ relative: String) -> Result<(names: [String], folders: Set<String>), NUMAError> {
        var folders = Set<String>()
        return Syscalls.listDirectory(root: path, live: isLive, relative, rootFolder: folder) { name, isFolder in
            if isFolder { folders.insert(name) }
            return name
        }
        .map { (names: $0, folders: folders) }
        .mapError { NUMAError(.systemCall, "cannot list \(display(relative))", errno: $0) }
    }

    /// Whether `relative` is a folder.
    public func isDirectory(_ relative: String) -> Bool {
        Syscalls.isDirectory(root: path, live: isLive, relative, folder: folder)
    }

    /// Whether `relative` is where a cgroup file system of `version` (1 or
    /// 2) is mounted on the running system. Always false under a snapshot,
    /// whose mounts are known only from its own files.
    package func isCgroupMountPoint(_ relative: String, version: Int) -> Bool {
        path == "/" && isLive && Syscalls.isCgroupMountPoint("/" + relative, version: version)
    }

    /// The target of the symbolic link `relative`, as written, or nil when
    /// it is not a link or cannot be read. The folder holding it is reached
    /// inside the root, as ``read(_:limit:attribute:)`` reaches files.
    public func readLink(_ relative: String) -> String? {
        Syscalls.readLink(root: path, live: isLive, relative)
    }

    /// The owner and permission bits of what `relative` names, links
    /// followed inside the root; nil when it cannot be reached. Under the live
    /// root `proc/PID/exe` names the program the process runs.
    public func ownership(_ relative: String) -> FileOwnership? {
        Syscalls.ownerAndMode(root: path, live: isLive, relative, folder: folder).map { FileOwnership(uid: $0.uid, mode: $0.mode) }
    }

    /// ``resolve(_:)`` for messages: control bytes and invalid UTF-8 escaped.
    public func display(_ relative: String) -> String {
        escapedForDisplay(resolve(relative))
    }
}

/// Who owns a file and who may write it.
public struct FileOwnership: Hashable, Sendable {
    /// The owner's user id.
    public var uid: UInt32
    /// The mode bits (`st_mode`), type included.
    public var mode: UInt32

    /// Whether users other than the owner and the group may write it (`S_IWOTH`).
    public var writableByOthers: Bool { mode & 0o002 != 0 }
    /// Whether the group may write it (`S_IWGRP`).
    public var writableByGroup: Bool { mode & 0o020 != 0 }
}

/// Text from a snapshot (a file's bytes, a name in a folder) made safe for a
/// terminal: control bytes, DEL and invalid UTF-8 become `\xHH`, a backslash `\\`.
public func escapedForDisplay(_ text: some StringProtocol) -> String {
    // Most text needs no escape: it is checked where it is, and kept.
    let clean = text.utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains(where: needsEscape) }
    if clean == true { return String(text) }
    return escapedForDisplay(bytes: Array(text.utf8))
}

/// ``escapedForDisplay(_:)`` over raw bytes.
public func escapedForDisplay(bytes: some Collection<UInt8>) -> String {
    let bytes = Array(bytes)
    guard bytes.contains(where: needsEscape) else {
        return String(decoding: bytes, as: UTF8.self)
    }
    var result = ""
    var index = 0
    func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
    while index < bytes.count {
        let byte = bytes[index]
        if byte == 0x5C {
            result += "\\\\"
            index += 1
        } else if byte < 0x20 || byte == 0x7F {
            result += hex(byte)
            index += 1
        } else if byte < 0x80 {
            result.unicodeScalars.append(Unicode.Scalar(byte))
            index += 1
        } else {
            // A valid UTF-8 sequence is kept unless it encodes a C1 control.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            let end = min(index + length, bytes.count)
            var decoder = UTF8()
            var iterator = bytes[index..<end].makeIterator()
            if length > 1, end - index == length, case .scalarValue(let scalar) = decoder.decode(&iterator),
                !(0x80...0x9F).contains(scalar.value)
            {
                result.unicodeScalars.append(scalar)
                index = end
            } else {
                result += hex(byte)
                index += 1
            }
        }
    }
    return result
}

/// Whether a byte makes text go through the escaping: a control byte, DEL,
/// a backslash, or a byte past ASCII (kept when it is part of valid UTF-8
/// that encodes no C1 control).
private func needsEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte >= 0x7F || byte == 0x5C
}
