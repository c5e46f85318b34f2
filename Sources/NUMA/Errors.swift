/// An error number from the operating system.
///
/// ``description`` is the C library's text (`strerror(3)`), the text numactl
/// and most Linux tools print after a failed system call.
public struct Errno: Error, Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    /// The C library's `errno` value, such as `EINVAL` (22).
    public let rawValue: Int32

    /// The error with the C library's `errno` value `rawValue`.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }
}

/// An error from the NUMA library: one sentence that names what was wrong.
///
/// Errors about a `<nodes>`/`<cpus>` argument name the offending token; errors
/// from a system call carry the ``Errno`` and name the call. The library never
/// prints them: the caller decides how to present them.
public struct NUMAError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of an error, for callers that react differently to each.
    public struct Code: Hashable, Sendable {
        private enum Storage: Hashable, Sendable {
            case invalidArgument, notAllowed, systemCall, unsupported, snapshot
        }
        private let storage: Storage

        /// A `<nodes>`, `<cpus>` or other argument is malformed.
        public static let invalidArgument = Code(storage: .invalidArgument)
        /// The argument is well formed but names ids that do not exist or are not allowed.
        public static let notAllowed = Code(storage: .notAllowed)
        /// A system call failed.
        public static let systemCall = Code(storage: .systemCall)
        /// The running kernel lacks a feature.
        public static let unsupported = Code(storage: .unsupported)
        /// The operation needs the live system but the topology came from a snapshot root.
        public static let snapshot = Code(storage: .snapshot)
    }

    /// The category of the error.
    public var code: Code
    /// The sentence, without a trailing period and without the error number's text.
    public var message: String
    /// The operating system's error, when a system call failed.
    public var errno: Errno?

    /// An error of category `code` that says `message`, with the operating
    /// system's `errno` when a system call failed.
    public init(_ code: Code, _ message: String, errno: Errno? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// The message, followed by the error number's text when there is one:
    /// `set_mempolicy: Invalid argument`.
    public var description: String {
        errno.map { "\(message): \($0)" } ?? message
    }
}
