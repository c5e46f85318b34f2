/// The command line's contact with its own process: standard streams, the
/// environment, the terminal's width and the exit. The CLI and its programs
/// reach the system only through this and the library's public API, so
/// that every system call, terminal writes included, goes through
/// ``Syscalls`` with one rule for EINTR and short writes.
///
/// `package`, not `public`: it is not part of the NUMA library's API.
package enum ProcessIO {
    /// The error of the first failed write to standard output, which
    /// ``exit(_:program:)`` reports. A closed pipe (EPIPE) is left out: the
    /// reader chose to stop.
    nonisolated(unsafe) private static var standardOutputError: Errno?

    /// Writes all of `text` to file descriptor `fd` (1 or 2). A failure on
    /// standard output is remembered for ``exit(_:program:)``.
    package static func write(_ text: String, to fd: Int32) {
        guard !text.isEmpty else { return }
        if case .failure(let error) = Syscalls.writeAll(fd, Array(text.utf8)),
            fd == 1, error != .brokenPipe, standardOutputError == nil
        {
            standardOutputError = error
        }
    }

    /// Ends the process with `status`, or with 1 and one line on standard
    /// error when output to standard output was lost (a full disk, an I/O
    /// error). `program` prefixes that line.
    package static func exit(_ status: Int32, program: String) -> Never {
        if let error = standardOutputError {
            write("\(program): cannot write to standard output: \(error)\n", to: 2)
            Syscalls.exitProcess(1)
        }
        Syscalls.exitProcess(status)
    }

    /// The value of an environment variable, if set.
    package static func environment(_ name: String) -> String? { Syscalls.environment(name) }

    /// The columns of the terminal on `fd`: nil when it is not a terminal, 0
    /// when it is one that does not tell its width.
    package static func terminalColumns(_ fd: Int32) -> Int? { Syscalls.terminalColumns(fd) }
}
