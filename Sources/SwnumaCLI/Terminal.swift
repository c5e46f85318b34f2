// The CLI's only contact with file descriptors and process exit.
internal import Glibc

enum Terminal {
    /// Writes all of `text` to a file descriptor, retrying short writes and EINTR.
    static func write(_ text: String, to fd: Int32) {
        guard !text.isEmpty else { return }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
        bytes.removeAll()
    }

    static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }
}
