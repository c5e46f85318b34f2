// The CLI's only contact with file descriptors and process exit.
internal import Glibc

enum Terminal {
    /// Writes all of `text` to a file descriptor, retrying short writes and EINTR.
    static func write(_ text: String, to fd: Int32) {
        guard !text.isEmpty else { return }
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }
}
