// The CLI's only contact with file descriptors and process exit.
internal import Glibc

enum Terminal {
    /// The error of the first failed write to standard output, which ``exit(_:)``
    /// reports. A closed pipe (EPIPE) is left out: the reader chose to stop.
    nonisolated(unsafe) private static var stdoutError: Int32?

    /// Writes all of `text` to a file descriptor, retrying short writes and EINTR.
    /// A failure on standard output is remembered for ``exit(_:)``.
    static func write(_ text: String, to fd: Int32) {
        guard !text.isEmpty else { return }
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    let error = errno
                    if error == EINTR { continue }
                    if fd == 1 && error != EPIPE && stdoutError == nil { stdoutError = error }
                    return
                }
                offset += written
            }
        }
    }

    /// Creates or truncates `path` (mode 0644 before the umask) and writes
    /// `contents`; returns the C library's text of the error, or nil.
    static func writeFile(_ path: String, _ contents: String) -> String? {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure: String?
        var contents = contents
        contents.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if Glibc.close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    /// Ends the process with `status`, or with 1 and one line on stderr when
    /// output to standard output was lost (a full disk, an I/O error).
    static func exit(_ status: Int32) -> Never {
        if let error = stdoutError {
            let program = (CommandLine.arguments.first ?? "swnuma").split(separator: "/").last.map(String.init) ?? "swnuma"
            write("\(program): cannot write to standard output: \(String(cString: strerror(error)))\n", to: 2)
            Glibc.exit(1)
        }
        Glibc.exit(status)
    }
}
