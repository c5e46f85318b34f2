/// Replacing a file so that a reader sees either the old contents or the
/// new, never a mix or a part.
public enum AtomicFile {
    /// Writes `contents` to `path`, or leaves the file untouched (not even its
    /// modification time) when it already holds exactly `contents`.
    ///
    /// The new contents go to a hidden temporary file in the same folder
    /// (`.NAME.XXXXXX`, a name node-feature-discovery and most directory
    /// watchers skip), which is flushed to disk, given `mode`, and renamed
    /// over `path`; the folder is then flushed too. On any failure the
    /// temporary file is removed and `path` is left as it was. A `path` that
    /// exists and is not a regular file (a device, a folder, a symbolic link)
    /// is refused: renaming over it would replace it.
    ///
    /// - Returns: whether the file was written.
    /// - Throws: ``NUMAError`` (``NUMAError/Code/systemCall``) naming the path and the failed step.
    @discardableResult
    public static func replace(_ path: String, with contents: String, mode: UInt32 = 0o644) throws(NUMAError) -> Bool {
        let bytes = Array(contents.utf8)
        switch Syscalls.isRegularFile(path) {
        case false?:
            // Renaming over a device, a folder or a link would replace it with a plain file.
            throw NUMAError(.invalidArgument, "cannot write '\(path)': it exists and is not a regular file")
        case true?:
            if case .success(let old) = Syscalls.readFile(path, limit: bytes.count + 1), old == bytes { return false }
        case nil:
            break
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw NUMAError(.invalidArgument, "cannot write '\(path)': the path names a folder")
        }
        let template = (slash.map { String(path[...$0]) } ?? "") + ".\(name).XXXXXX"
        let temporary: (fd: Int32, path: String)
        switch Syscalls.createTemporaryFile(template: template) {
        case .success(let created): temporary = created
        case .failure(let errno):
            throw NUMAError(.systemCall, "cannot create a temporary file in '\(folder)'", errno: errno)
        }
        func fail(_ step: String, _ errno: Errno) -> NUMAError {
            Syscalls.closeFile(temporary.fd)
            Syscalls.removeFile(temporary.path)
            return NUMAError(.systemCall, "cannot write '\(path)': \(step) failed", errno: errno)
        }
        if case .failure(let errno) = Syscalls.writeAll(temporary.fd, bytes) { throw fail("write", errno) }
        if case .failure(let errno) = Syscalls.setMode(temporary.fd, mode) { throw fail("chmod", errno) }
        if case .failure(let errno) = Syscalls.sync(temporary.fd) { throw fail("fsync", errno) }
        Syscalls.closeFile(temporary.fd)
        if case .failure(let errno) = Syscalls.rename(temporary.path, to: path) {
            Syscalls.removeFile(temporary.path)
            throw NUMAError(.systemCall, "cannot write '\(path)': rename failed", errno: errno)
        }
        Syscalls.syncDirectory(folder)
        return true
    }
}
