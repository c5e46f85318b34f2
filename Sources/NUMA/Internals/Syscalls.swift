// The one seam between swnuma and the operating system. Every file read,
// directory listing and system call the library makes goes through here;
// nothing else in the package imports Glibc or CNUMA.

internal import CNUMA
internal import Glibc

enum Syscalls {
    /// Why a file under a root could not be read.
    enum FileFailure: Error {
        /// The system call's error.
        case system(Errno)
        /// Not a regular file (nor a sysfs or procfs attribute, which report
        /// themselves as regular files): a FIFO, a device, a socket, a folder.
        case notRegular(kind: String)
        /// Longer than the limit: read whole or not at all.
        case tooLarge(limit: Int)
    }

    /// Opens `relative` (a path without a leading slash) under `root`.
    ///
    /// Under the live root this is a plain open of `/relative`. Under any
    /// other root the path resolves inside it: absolute symbolic links
    /// resolve against the root, `..` stops at it, so that no link in a
    /// snapshot reaches a file outside it. That is openat2(2) with
    /// RESOLVE_IN_ROOT where the kernel has it, else ``walkInRoot`` does the
    /// same one component at a time.
    ///
    /// `folder` is the root's folder when it is already open (``OpenFolder``,
    /// kept by a snapshot ``SystemRoot``); otherwise the root is opened for
    /// this one call.
    static func openUnder(root: String, live: Bool, _ relative: String, flags: Int32, folder: OpenFolder? = nil) -> Result<Int32, Errno> {
        if live {
            // `/` itself, or the current folder for a path the user typed (``SystemRoot/typed``).
            let path = root == "/" ? "/" + relative : root + "/" + relative
            let fd = retrying { open(path, flags | O_CLOEXEC) }
            return fd >= 0 ? .success(fd) : .failure(Errno.current)
        }
        let rootFD: Int32
        if let folder {
            rootFD = folder.fd
        } else {
            rootFD = retrying { open(root, swnuma_o_path() | O_DIRECTORY | O_CLOEXEC) }
            guard rootFD >= 0 else { return .failure(Errno.current) }
        }
        defer { if folder == nil { close(rootFD) } }
        if !forceComponentWalk {
            let fd = retrying { swnuma_open_in_root(rootFD, relative, flags | O_CLOEXEC) }
            if fd >= 0 { return .success(fd) }
            let error = errno
            // ENOSYS: no openat2 (or a filter that hides it); EAGAIN: a rename
            // raced the lookup; E2BIG/EINVAL: an older openat2. The walk
            // decides those; every other error is the file's own.
            guard [ENOSYS, EPERM, EAGAIN, E2BIG, EINVAL].contains(error) else { return .failure(Errno(rawValue: error)) }
        }
        return walkInRoot(rootFD, relative, flags: flags)
    }

    /// A snapshot root's folder, opened once (O_PATH) when the root is made
    /// and closed when the last copy of the root goes: every path under the
    /// root resolves from it, without opening and closing the root again for
    /// each file (a 1024-node `-H` reads four thousand files).
    final class OpenFolder: Sendable {
        let fd: Int32

        init?(_ path: String) {
            let fd = retrying { open(path, swnuma_o_path() | O_DIRECTORY | O_CLOEXEC) }
            guard fd >= 0 else { return nil }
            self.fd = fd
        }

        deinit { close(fd) }
    }

    /// Set by unit tests to use the component walk even where openat2 exists.
    /// The release program has no switch for it: the hostile suite makes
    /// openat2 fail with ENOSYS under strace(1) instead.
    nonisolated(unsafe) package static var forceComponentWalk = false

    /// RESOLVE_IN_ROOT by hand: each component opened with O_NOFOLLOW from an
    /// open folder; a symbolic link is read and its target walked in its place
    /// (an absolute one from the root); `..` closes the current folder and
    /// never goes above the root. At most 40 links, as the kernel allows.
    static func walkInRoot(_ rootFD: Int32, _ relative: String, flags: Int32) -> Result<Int32, Errno> {
        var folders: [Int32] = []  // the open folders below the root, innermost last
        defer { for fd in folders { close(fd) } }
        var pending = relative.split(separator: "/", omittingEmptySubsequences: true).reversed().map(String.init)
        var links = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                if let fd = folders.popLast() { close(fd) }
                continue
            }
            let folder = folders.last ?? rootFD
            var info = stat()
            guard fstatat(folder, component, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .failure(Errno.current) }
            if info.st_mode & S_IFMT == S_IFLNK {
                links += 1
                guard links <= 40 else { return .failure(Errno(rawValue: ELOOP)) }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlinkat(folder, component, &buffer, buffer.count - 1)
                guard length >= 0 else { return .failure(Errno.current) }
                let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if target.hasPrefix("/") {
                    for fd in folders { close(fd) }
                    folders.removeAll()
                }
                pending.append(contentsOf: target.split(separator: "/").reversed().map(String.init))
                continue
            }
            let isLast = pending.allSatisfy { $0 == "." }
            if isLast {
                let fd = retrying { openat(folder, component, flags | O_NOFOLLOW | O_CLOEXEC) }
                return fd >= 0 ? .success(fd) : .failure(Errno.current)
            }
            guard info.st_mode & S_IFMT == S_IFDIR else { return .failure(Errno(rawValue: ENOTDIR)) }
            let fd = retrying { openat(folder, component, swnuma_o_path() | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            guard fd >= 0 else { return .failure(Errno.current) }
            folders.append(fd)
        }
        // The path ended at a folder (empty, `.` or `..`).
        let fd = retrying { openat(folders.last ?? rootFD, ".", flags | O_CLOEXEC) }
        return fd >= 0 ? .success(fd) : .failure(Errno.current)
    }

    /// Reads a whole file under a root (see ``openUnder(root:live:_:flags:folder:)``),
    /// retrying on EINTR; a file longer than `limit` bytes is not read.
    ///
    /// The file is opened with O_NONBLOCK, so that a FIFO or a terminal
    /// cannot block. Under a snapshot root only regular files are read
    /// (sysfs and procfs attributes report themselves as regular files);
    /// under the live root the kernel's own files are trusted as they are.
    /// The size from stat is not trusted (sysfs reports 4096 for everything).
    /// With `shortReadIsEnd`, a read that returns less than asked for ends the
    /// file without the extra read that would return 0: true of regular files
    /// and of sysfs attributes, which the kernel hands over whole in the first
    /// read; not of every procfs file.
    static func readFile(
        root: String, live: Bool, _ relative: String, limit: Int, shortReadIsEnd: Bool = false, folder: OpenFolder? = nil
    ) -> Result<[UInt8], FileFailure> {
        let fd: Int32
        switch openForReading(root: root, live: live, relative, folder: folder) {
        case .success(let value): fd = value
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        return readAll(fd, limit: limit, shortReadIsEnd: shortReadIsEnd)
    }

    /// Opens a file under a root for reading (non-blocking); under a
    /// snapshot, only a regular file: a FIFO, device or socket is refused
    /// before anything is read from it.
    private static func openForReading(root: String, live: Bool, _ relative: String, folder: OpenFolder?) -> Result<Int32, FileFailure> {
        let fd: Int32
        switch openUnder(root: root, live: live, relative, flags: O_RDONLY | O_NONBLOCK, folder: folder) {
        case .success(let value): fd = value
        case .failure(let error): return .failure(.system(error))
        }
        if !live {
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let error = Errno.current
                close(fd)
                return .failure(.system(error))
            }
            let type = info.st_mode & S_IFMT
            guard type == S_IFREG else {
                close(fd)
                return .failure(.notRegular(kind: fileKind(type)))
            }
        }
        return .success(fd)
    }

    /// Reads a file under a root (confined as ``readFile(root:live:_:limit:shortReadIsEnd:)``
    /// is, regular files only under a snapshot) in pieces of at most
    /// `chunk` bytes, each handed to `body` as it is read, so that memory does
    /// not grow with the file. A file longer than `limit` is
    /// ``FileFailure/tooLarge(limit:)`` once the limit is passed, after
    /// `body` has seen the bytes before it.
    static func streamFile(
        root: String, live: Bool, _ relative: String, limit: Int, chunk: Int, folder: OpenFolder? = nil,
        _ body: (ArraySlice<UInt8>) -> Void
    ) -> Result<Void, FileFailure> {
        let fd: Int32
        switch openForReading(root: root, live: live, relative, folder: folder) {
        case .success(let value): fd = value
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(chunk, 1))
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in retrying { read(fd, raw.baseAddress!, raw.count) } }
            if count < 0 { return .failure(.system(Errno.current)) }
            if count == 0 { return .success(()) }
            total += count
            guard total <= limit else { return .failure(.tooLarge(limit: limit)) }
            body(buffer[0..<count])
        }
    }

    /// Reads a file of lines under a root (confined and limited as
    /// ``streamFile(root:live:_:limit:chunk:folder:_:)`` is) into one buffer
    /// of `chunk` bytes, handing `body` the whole lines read so far each time
    /// a read brings a newline, and the rest (a last line without one) at the
    /// end. What `body` was not given moves to the buffer's start for the
    /// next read; the buffer doubles only for a line longer than it. Only the
    /// new bytes of each read are searched for a newline, so a long line
    /// costs no more than its length. `body` returns false to stop reading.
    static func streamLines(
        root: String, live: Bool, _ relative: String, limit: Int, chunk: Int, folder: OpenFolder? = nil,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Result<Void, FileFailure> {
        let fd: Int32
        switch openForReading(root: root, live: live, relative, folder: folder) {
        case .success(let value): fd = value
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        var capacity = max(chunk, 16)
        guard var buffer = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            return .failure(.system(Errno(rawValue: ENOMEM)))
        }
        defer { free(buffer) }
        var held = 0
        var total = 0
        while true {
            if held == capacity {
                let grown = capacity * 2
                guard let larger = realloc(buffer, grown)?.assumingMemoryBound(to: UInt8.self) else {
                    return .failure(.system(Errno(rawValue: ENOMEM)))
                }
                buffer = larger
                capacity = grown
            }
            let got = retrying { read(fd, buffer + held, capacity - held) }
            if got < 0 { return .failure(.system(Errno.current)) }
            total += got
            guard total <= limit else { return .failure(.tooLarge(limit: limit)) }
            if got == 0 {
                if held > 0 { _ = body(UnsafeBufferPointer(start: buffer, count: held)) }
                return .success(())
            }
            // The last newline among the new bytes ends the lines to hand over.
            var end = held + got
            while end > held && buffer[end - 1] != 0x0A { end -= 1 }
            held += got
            guard end > 0, buffer[end - 1] == 0x0A else { continue }
            guard body(UnsafeBufferPointer(start: buffer, count: end)) else { return .success(()) }
            if end < held { memmove(buffer, buffer + end, held - end) }
            held -= end
        }
    }

    /// Reads a whole file named by an absolute path (the running system's
    /// own, or one the user named), up to `limit` bytes; a longer file is
    /// EFBIG, never returned cut.
    static func readFile(_ path: String, limit: Int, shortReadIsEnd: Bool = false) -> Result<[UInt8], Errno> {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else { return .failure(Errno.current) }
        defer { close(fd) }
        switch readAll(fd, limit: limit, shortReadIsEnd: shortReadIsEnd) {
        case .success(let bytes): return .success(bytes)
        case .failure(.system(let error)): return .failure(error)
        case .failure: return .failure(Errno(rawValue: EFBIG))
        }
    }

    /// The bytes of an open file to its end, retrying on EINTR; more than `limit` is ``FileFailure/tooLarge(limit:)``.
    private static func readAll(_ fd: Int32, limit: Int, shortReadIsEnd: Bool) -> Result<[UInt8], FileFailure> {
        // One buffer, read into directly and doubled when full (realloc grows
        // it in place at the top of the heap), then copied out once at its
        // exact size. Reading into a new array for each piece touched fresh
        // pages for every piece and for the last, empty read (a third of the
        // heap pages `--process` faulted in).
        // One byte past the limit tells a file cut at the limit from one that ends there.
        let ceiling = limit + 1
        var capacity = min(8192, ceiling)
        guard var buffer = malloc(capacity) else { return .failure(.system(Errno(rawValue: ENOMEM))) }
        defer { free(buffer) }
        var count = 0
        while count < ceiling {
            if count == capacity {
                let grown = min(capacity * 2, ceiling)
                guard let larger = realloc(buffer, grown) else { return .failure(.system(Errno(rawValue: ENOMEM))) }
                buffer = larger
                capacity = grown
            }
            let want = capacity - count
            let got = retrying { read(fd, buffer + count, want) }
            if got < 0 { return .failure(.system(Errno.current)) }
            count += got
            if got == 0 || (shortReadIsEnd && got < want) { break }
        }
        guard count <= limit else { return .failure(.tooLarge(limit: limit)) }
        return .success(
            [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
                if count > 0 { UnsafeMutableRawPointer(bytes.baseAddress!).copyMemory(from: buffer, byteCount: count) }
                initialized = count
            })
    }

    /// How a file that is not regular is named in messages.
    private static func fileKind(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// The names in a folder under a root, without `.` and `..`, in no
    /// particular order; confined to the root as ``openUnder(root:live:_:flags:folder:)`` is.
    static func listDirectory(root: String, live: Bool, _ relative: String, rootFolder: OpenFolder? = nil) -> Result<[String], Errno> {
        listDirectory(root: root, live: live, relative, rootFolder: rootFolder) { name, _ in name }
    }

    /// ``listDirectory(root:live:_:rootFolder:)``, each entry made by `entry`
    /// from its name and whether readdir's d_type says it is a folder (false
    /// for a link, another type, or a file system that does not say).
    static func listDirectory<Entry>(
        root: String, live: Bool, _ relative: String, rootFolder: OpenFolder?, _ entry: (String, Bool) -> Entry
    ) -> Result<[Entry], Errno> {
        let fd: Int32
        if live {
            // A plain open under the live root (from the current folder for a
            // path the user typed, ``SystemRoot/typed``).
            fd = retrying { open(root == "/" ? "/" + relative : root + "/" + relative, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK) }
            if fd < 0 { return .failure(Errno.current) }
        } else {
            switch openUnder(root: root, live: false, relative, flags: O_RDONLY | O_DIRECTORY | O_NONBLOCK, folder: rootFolder) {
            case .success(let value): fd = value
            case .failure(let error): return .failure(error)
            }
        }
        defer { close(fd) }
        // getdents64(2) into a buffer of 4 KB, not readdir(3), whose 32 KB
        // buffer grew the heap (and shrank it again) on each listing.
        var entries: [Entry] = []
        var failure: Errno?
        withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 8) { buffer in
            while true {
                let count = retrying { swnuma_getdents64(fd, buffer.baseAddress, buffer.count) }
                if count < 0 {
                    failure = Errno.current
                    return
                }
                if count == 0 { return }
                // Each record: inode (8 bytes), offset (8), its length (2), type (1), the name and a NUL.
                var at = 0
                while at + 19 < count {
                    let length = Int(buffer.load(fromByteOffset: at + 16, as: UInt16.self))
                    guard length >= 20, at + length <= count else { return }
                    let type = buffer.load(fromByteOffset: at + 18, as: UInt8.self)
                    let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[(at + 19)..<(at + length)])
                    let end = nameBytes.firstIndex(of: 0) ?? nameBytes.count
                    let name = String(decoding: nameBytes[..<end], as: UTF8.self)
                    if name != "." && name != ".." { entries.append(entry(name, type == UInt8(DT_DIR))) }
                    at += length
                }
            }
        }
        if let failure { return .failure(failure) }
        return .success(entries)
    }

    /// Whether `relative` under a root names a folder (following symbolic
    /// links, confined to the root as ``openUnder(root:live:_:flags:folder:)`` is).
    static func isDirectory(root: String, live: Bool, _ relative: String, folder: OpenFolder? = nil) -> Bool {
        var info = stat()
        if live { return stat(root == "/" ? "/" + relative : root + "/" + relative, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR }
        guard case .success(let fd) = openUnder(root: root, live: false, relative, flags: swnuma_o_path(), folder: folder) else { return false }
        defer { close(fd) }
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` is where a cgroup file system of `version` (1 or 2)
    /// is mounted: statfs(2) names the file system's type, and the folder's
    /// device differs from its parent's, so that it is the mount's top and
    /// not a folder inside one.
    static func isCgroupMountPoint(_ path: String, version: Int) -> Bool {
        // CGROUP_SUPER_MAGIC and CGROUP2_SUPER_MAGIC of linux/magic.h.
        guard swnuma_file_system_type(path) == (version == 2 ? 0x6367_7270 : 0x0027_e0eb) else { return false }
        var folder = stat()
        var parent = stat()
        guard stat(path, &folder) == 0, stat(path + "/..", &parent) == 0 else { return false }
        return folder.st_dev != parent.st_dev
    }

    /// Whether `path` names a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The canonical absolute form of `path`, or nil when it does not resolve.
    static func isExecutable(_ path: String) -> Bool {
        access(path, X_OK) == 0 && !isDirectory(path)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The target of a symbolic link as written, or nil when `path` is not one.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count)
        guard count > 0, count < buffer.count else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The target of the symbolic link `relative` under a root, as written,
    /// or nil when it is not one. The folder holding it is opened confined to
    /// the root (``openUnder(root:live:_:flags:folder:)``) and the link read from
    /// there with readlinkat(2): no path string outside the root is followed.
    static func readLink(root: String, live: Bool, _ relative: String) -> String? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.last, last != ".", last != ".." else { return nil }
        let parent = parts.dropLast().joined(separator: "/")
        let folderFD: Int32
        if live {
            let folder = root == "/" ? "/" + parent : parent.isEmpty ? root : root + "/" + parent
            folderFD = retrying { open(folder, swnuma_o_path() | O_DIRECTORY | O_CLOEXEC) }
            guard folderFD >= 0 else { return nil }
        } else {
            guard case .success(let fd) = openUnder(root: root, live: false, parent, flags: swnuma_o_path() | O_DIRECTORY)
            else { return nil }
            folderFD = fd
        }
        defer { close(folderFD) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlinkat(folderFD, String(last), &buffer, buffer.count)
        guard count > 0, count < buffer.count else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `relative` under `root` with every symbolic link followed, inside the
    /// root: an absolute target starts again at the root, `..` never climbs
    /// above it. Each component is looked at from an open folder
    /// (readlinkat(2) on the folder's descriptor), so the cost is one call
    /// per component, whatever the depth. A component that is missing or not
    /// a folder ends the lookups: what follows it is taken as written. Nil
    /// after more than `linkLimit` links or `componentLimit` components in all
    /// (a chain of long links).
    static func canonicalPath(root: String, _ relative: String, linkLimit: Int, componentLimit: Int) -> [Substring]? {
        let rootFD = retrying { open(root, swnuma_o_path() | O_DIRECTORY | O_CLOEXEC) }
        guard rootFD >= 0 else { return nil }
        defer { close(rootFD) }
        var folders: [Int32] = []  // one per name below the root; -1 where no folder could be opened
        var names: [Substring] = []
        defer { for fd in folders where fd >= 0 { close(fd) } }
        var pending = Array(relative.split(separator: "/").reversed())
        var links = 0
        var steps = 0
        var buffer = [CChar](repeating: 0, count: 4096)
        while let component = pending.popLast() {
            steps += 1
            guard steps <= componentLimit else { return nil }
            if component == "." { continue }
            if component == ".." {
                if let fd = folders.popLast() {
                    if fd >= 0 { close(fd) }
                    names.removeLast()
                }
                continue
            }
            let folder = folders.last ?? rootFD
            let count = folder >= 0 ? readlinkat(folder, String(component), &buffer, buffer.count) : -1
            if count > 0, count < buffer.count {
                links += 1
                guard links <= linkLimit else { return nil }
                let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if target.hasPrefix("/") {
                    for fd in folders where fd >= 0 { close(fd) }
                    folders.removeAll()
                    names.removeAll()
                }
                pending += target.split(separator: "/").reversed()
                continue
            }
            let fd = folder >= 0 ? retrying { openat(folder, String(component), swnuma_o_path() | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) } : -1
            folders.append(fd)
            names.append(component)
        }
        return names
    }

    /// Owner and mode of what `relative` under a root names, following links
    /// confined to the root; under the live root, `stat("/relative")`, which
    /// follows `/proc/PID/exe` to the program a process runs.
    static func ownerAndMode(root: String, live: Bool, _ relative: String, folder: OpenFolder? = nil) -> (uid: UInt32, mode: UInt32)? {
        var info = stat()
        if live {
            guard stat("/" + relative, &info) == 0 else { return nil }
        } else {
            guard case .success(let fd) = openUnder(root: root, live: false, relative, flags: swnuma_o_path(), folder: folder) else { return nil }
            defer { close(fd) }
            guard fstat(fd, &info) == 0 else { return nil }
        }
        return (UInt32(info.st_uid), UInt32(info.st_mode))
    }

    /// The value of an environment variable.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The device a path lives on, or that a device node names.
    struct DeviceNumber {
        var major: UInt32
        var minor: UInt32
        var isCharacterDevice: Bool
    }

    static func deviceOf(_ path: String) -> Result<DeviceNumber, Errno> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Errno.current) }
        let type = info.st_mode & S_IFMT
        let isDevice = type == S_IFBLK || type == S_IFCHR
        let device = isDevice ? info.st_rdev : info.st_dev
        return .success(DeviceNumber(major: swnuma_dev_major(device), minor: swnuma_dev_minor(device), isCharacterDevice: type == S_IFCHR))
    }

    struct ResolveFailure: Error {
        var message: String
    }

    enum IPAddress {
        case v4([UInt8])
        case v6([UInt8])
    }

    /// The first address getaddrinfo(3) gives for a host, or its error text.
    static func resolveHost(_ host: String) -> Result<IPAddress, ResolveFailure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0, let first = list else { return .failure(ResolveFailure(message: String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(list) }
        guard let address = first.pointee.ai_addr else { return .failure(ResolveFailure(message: "no address")) }
        switch Int32(first.pointee.ai_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                .success(.v4(withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }))
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                .success(.v6(withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }))
            }
        default:
            return .failure(ResolveFailure(message: "unsupported address family \(first.pointee.ai_family)"))
        }
    }

    // MARK: Memory policy

    static func setMempolicy(mode: Int32, mask: [UInt], maxNode: UInt) -> Result<Void, Errno> {
        let rc = mask.withUnsafeBufferPointer { swnuma_set_mempolicy(mode, $0.baseAddress, maxNode) }
        return rc == 0 ? .success(()) : .failure(Errno.current)
    }

    static func getMempolicy(words: Int, flags: UInt) -> Result<(mode: Int32, mask: [UInt]), Errno> {
        var mode: Int32 = 0
        var mask = [UInt](repeating: 0, count: max(words, 1))
        let bits = UInt(mask.count * UInt.bitWidth)
        let rc = mask.withUnsafeMutableBufferPointer { swnuma_get_mempolicy(&mode, $0.baseAddress, bits + 1, nil, flags) }
        return rc == 0 ? .success((mode, mask)) : .failure(Errno.current)
    }

    /// The nodes the calling thread may allocate from (`get_mempolicy` with `MPOL_F_MEMS_ALLOWED`).
    static func memsAllowed(words: Int) -> Result<[UInt], Errno> {
        getMempolicy(words: words, flags: UInt(MPOL_F_MEMS_ALLOWED)).map(\.mask)
    }

    /// The next interleave node (`get_mempolicy` with `MPOL_F_NODE`).
    static func nextInterleaveNode() -> Result<Int32, Errno> {
        var node: Int32 = 0
        let rc = swnuma_get_mempolicy(&node, nil, 0, nil, UInt(MPOL_F_NODE))
        return rc == 0 ? .success(node) : .failure(Errno.current)
    }

    // MARK: CPU affinity

    static func setAffinity(_ words: [UInt]) -> Result<Void, Errno> {
        let rc = words.withUnsafeBufferPointer { swnuma_setaffinity($0.count * MemoryLayout<UInt>.size, $0.baseAddress) }
        return rc == 0 ? .success(()) : .failure(Errno.current)
    }

    /// The calling thread's affinity as machine words, growing the buffer while the kernel says EINVAL.
    static func getAffinity() -> Result<[UInt], Errno> {
        var words = 16
        while true {
            var mask = [UInt](repeating: 0, count: words)
            let rc = mask.withUnsafeMutableBufferPointer { swnuma_getaffinity($0.count * MemoryLayout<UInt>.size, $0.baseAddress) }
            if rc == 0 { return .success(mask) }
            let error = Errno.current
            guard error.rawValue == EINVAL, words < (1 << 16) else { return .failure(error) }
            words *= 2
        }
    }

    // MARK: Shared memory

    /// The system's page size in bytes.
    static var systemPageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// `ftok(3)`: the System V key of a file and project id.
    static func systemVKey(_ path: String, id: Int32) -> Result<Int32, Errno> {
        let key = ftok(path, id)
        return key == -1 ? .failure(Errno.current) : .success(key)
    }

    /// Creates (or truncates) a file with `mode`, as creat(2) does, and closes it.
    static func createFile(_ path: String, mode: UInt32) -> Result<Void, Errno> {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode)) }
        guard fd >= 0 else { return .failure(Errno.current) }
        close(fd)
        return .success(())
    }

    /// `shmget(2)`; `create` adds IPC_CREAT, `huge` SHM_HUGETLB, to `mode`.
    static func sharedSegment(key: Int32, size: Int, mode: UInt32, create: Bool, huge: Bool) -> Result<Int32, Errno> {
        var flags = Int32(bitPattern: mode & 0o777)
        if create { flags |= IPC_CREAT }
        if huge { flags |= SHM_HUGETLB }
        let id = shmget(key, size, flags)
        return id == -1 ? .failure(Errno.current) : .success(id)
    }

    /// `shmat(2)` at an address the kernel chooses, read and write.
    static func attachSegment(_ id: Int32) -> Result<UnsafeMutableRawPointer, Errno> {
        guard let address = shmat(id, nil, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else {
            return .failure(Errno.current)
        }
        return .success(address)
    }

    /// The size of a System V segment (`shmctl(2)` with IPC_STAT).
    static func segmentSize(_ id: Int32) -> Result<Int, Errno> {
        var info = shmid_ds()
        return shmctl(id, IPC_STAT, &info) == 0 ? .success(Int(info.shm_segsz)) : .failure(Errno.current)
    }

    static func detachSegment(_ address: UnsafeMutableRawPointer) {
        _ = shmdt(address)
    }

    /// Opens a file for reading and writing; with `create`, creates it with `mode` when missing.
    static func openReadWrite(_ path: String, create: Bool, mode: UInt32) -> Result<Int32, Errno> {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = retrying { open(path, flags, mode_t(mode)) }
        return fd >= 0 ? .success(fd) : .failure(Errno.current)
    }

    /// A file's size and preferred I/O block size (`fstat(2)`).
    static func fileSize(_ fd: Int32) -> Result<(size: Int, blockSize: Int), Errno> {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(Errno.current) }
        return .success((Int(info.st_size), Int(info.st_blksize)))
    }

    static func truncate(_ fd: Int32, size: Int) -> Result<Void, Errno> {
        retrying { ftruncate(fd, off_t(size)) } == 0 ? .success(()) : .failure(Errno.current)
    }

    static func closeFile(_ fd: Int32) {
        close(fd)
    }

    /// `mmap(2)` of `length` bytes of a file at `offset`, shared, read and write.
    static func mapShared(_ fd: Int32, length: Int, offset: Int) -> Result<UnsafeMutableRawPointer, Errno> {
        guard let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off_t(offset)),
            address != MAP_FAILED
        else { return .failure(Errno.current) }
        return .success(address)
    }

    static func unmap(_ address: UnsafeMutableRawPointer, length: Int) {
        munmap(address, length)
    }

    /// `mbind(2)`; `strict` adds MPOL_MF_STRICT. An empty mask passes no mask at all.
    static func mbind(_ address: UnsafeMutableRawPointer, length: Int, mode: Int32, mask: [UInt], maxNode: UInt, strict: Bool)
        -> Result<Void, Errno>
    {
        let flags = strict ? UInt32(MPOL_MF_STRICT) : 0
        let rc =
            mask.isEmpty
            ? swnuma_mbind(address, UInt(length), mode, nil, 0, flags)
            : mask.withUnsafeBufferPointer { swnuma_mbind(address, UInt(length), mode, $0.baseAddress, maxNode, flags) }
        return rc == 0 ? .success(()) : .failure(Errno.current)
    }

    /// The policy of the mapping that holds `address` (`get_mempolicy` with MPOL_F_ADDR).
    static func addressPolicy(_ address: UnsafeMutableRawPointer, words: Int) -> Result<(mode: Int32, mask: [UInt]), Errno> {
        var mode: Int32 = 0
        var mask = [UInt](repeating: 0, count: max(words, 1))
        let bits = UInt(mask.count * UInt.bitWidth)
        let rc = mask.withUnsafeMutableBufferPointer {
            swnuma_get_mempolicy(&mode, $0.baseAddress, bits + 1, address, UInt(MPOL_F_ADDR))
        }
        return rc == 0 ? .success((mode, mask)) : .failure(Errno.current)
    }

    /// The node of the page at `address`, faulting it in (`get_mempolicy` with MPOL_F_ADDR|MPOL_F_NODE).
    static func addressNode(_ address: UnsafeMutableRawPointer) -> Result<Int32, Errno> {
        var node: Int32 = 0
        let rc = swnuma_get_mempolicy(&node, nil, 0, address, UInt(MPOL_F_ADDR | MPOL_F_NODE))
        return rc == 0 ? .success(node) : .failure(Errno.current)
    }

    /// Reads and writes back one byte every `step` bytes, faulting the pages in.
    static func touchPages(_ address: UnsafeMutableRawPointer, length: Int, step: Int) {
        swnuma_touch_pages(address, length, step)
    }

    // MARK: Replacing files

    /// Creates a new file, mode 0600, from a `mkstemp(3)` template ending in
    /// `XXXXXX`; its descriptor and its path. (The modes that write files
    /// never execute a command, so close-on-exec does not matter.)
    static func createTemporaryFile(template: String) -> Result<(fd: Int32, path: String), Errno> {
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { buffer in retrying { mkstemp(buffer.baseAddress!) } }
        guard fd >= 0 else { return .failure(Errno.current) }
        let path = bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return .success((fd, String(decoding: path, as: UTF8.self)))
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Result<Void, Errno> {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBufferPointer { buffer in
                retrying { write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
            }
            guard written > 0 else { return .failure(written < 0 ? Errno.current : Errno(rawValue: EIO)) }
            offset += written
        }
        return .success(())
    }

    /// Whether `path` is missing (nil), a regular file (true) or anything else,
    /// a symbolic link included (false), as `lstat(2)` sees it.
    static func isRegularFile(_ path: String) -> Bool? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT ? nil : false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    /// `fchmod(2)`.
    static func setMode(_ fd: Int32, _ mode: UInt32) -> Result<Void, Errno> {
        retrying { fchmod(fd, mode_t(mode)) } == 0 ? .success(()) : .failure(Errno.current)
    }

    /// `fsync(2)`.
    static func sync(_ fd: Int32) -> Result<Void, Errno> {
        retrying { fsync(fd) } == 0 ? .success(()) : .failure(Errno.current)
    }

    /// Flushes a directory's entries to disk (`fsync(2)` on the directory); errors are ignored,
    /// as some file systems do not sync directories.
    static func syncDirectory(_ path: String) {
        let fd = retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// `rename(2)`: atomically replaces `to` with `from`.
    static func rename(_ from: String, to: String) -> Result<Void, Errno> {
        Glibc.rename(from, to) == 0 ? .success(()) : .failure(Errno.current)
    }

    /// `unlink(2)`; errors are ignored.
    static func removeFile(_ path: String) {
        _ = unlink(path)
    }

    /// The time now, in whole seconds since the epoch: `clock_gettime(2)` of
    /// `CLOCK_REALTIME`, not `time(2)`, whose vDSO answer is the second of the
    /// last clock tick and can lag a just-passed second by a tick.
    static var epochSeconds: Int64 {
        var now = timespec()
        _ = clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }

    // MARK: Page migration

    /// migrate_pages(2): the number of pages that could not be moved, or the error.
    static func migratePages(pid: Int32, from: [UInt], to: [UInt], maxNode: UInt) -> Result<Int, Errno> {
        let rc = from.withUnsafeBufferPointer { old in
            to.withUnsafeBufferPointer { new in swnuma_migrate_pages(pid, maxNode, old.baseAddress, new.baseAddress) }
        }
        return rc >= 0 ? .success(rc) : .failure(Errno.current)
    }

    // MARK: Terminal and system constants

    /// The system page size in bytes, as sysconf(3) gives it.
    static var pageSize: Int { sysconf(Int32(_SC_PAGESIZE)) }

    /// The calling process's id.
    static var processID: Int32 { getpid() }

    /// The columns of the terminal on `fd`, or nil when `fd` is not a terminal.
    static func terminalColumns(_ fd: Int32) -> Int? {
        guard isatty(fd) == 1 else { return nil }
        let columns = swnuma_terminal_columns(fd)
        return columns > 0 ? Int(columns) : 0
    }

    // MARK: Processes

    /// Replaces the process image, searching PATH as execvp(3) does. Returns only on failure.
    static func execute(_ arguments: [String]) -> Errno {
        // argv as C wants it, in one buffer of its own rather than a Swift
        // array: the launch path then instantiates no array type for it.
        let count = arguments.count
        let cArguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: count + 1)
        for index in 0..<count { cArguments[index] = strdup(arguments[index]) }
        cArguments[count] = nil
        execvp(arguments[0], cArguments)
        let error = Errno.current
        for index in 0..<count { free(cArguments[index]) }
        cArguments.deallocate()
        return error
    }

    /// `_exit(2)`: swnuma writes unbuffered, through `write(2)`, and registers no exit
    /// handlers, so there is nothing for `exit(3)` to flush; skipping its stdio clean-up
    /// spares every run a copied page of libc's data and a 64 KB window of its code.
    static func exitProcess(_ status: Int32) -> Never {
        Glibc._exit(status)
    }

    private static func retrying<T: BinaryInteger>(_ body: () -> T) -> T {
        while true {
            let result = body()
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }
}

extension Errno {
    static var current: Errno { Errno(rawValue: errno) }

    /// The C library's text for this error number, as strerror(3) gives it.
    public var description: String {
        String(cString: strerror(rawValue))
    }

    /// `EINVAL`: an argument is not valid.
    public static var invalidArgument: Errno { Errno(rawValue: EINVAL) }
    /// `EPERM`: the operation is not permitted.
    public static var notPermitted: Errno { Errno(rawValue: EPERM) }
    /// `ENOSYS`: the kernel does not implement the system call.
    public static var notImplemented: Errno { Errno(rawValue: ENOSYS) }
    /// `ENOENT`: no such file or folder.
    public static var noSuchFile: Errno { Errno(rawValue: ENOENT) }
    /// `ESRCH`: no such process.
    public static var noSuchProcess: Errno { Errno(rawValue: ESRCH) }
    /// `EPIPE`: the reading end of a pipe was closed.
    package static var brokenPipe: Errno { Errno(rawValue: EPIPE) }
}
