/// The nodes and CPUs a process may use, from `/proc/PID/status`.
public struct ProcessLimits: Hashable, Sendable {
    /// `Cpus_allowed`: the CPU affinity at start (after taskset, within the cpuset); nil when unreadable.
    public var cpusAllowed: CPUSet?
    /// `Mems_allowed`: the nodes the cpuset lets the process allocate from; nil when unreadable.
    public var memsAllowed: NodeSet?
    /// The width of the kernel's node masks in bits, from the `Mems_allowed` line; nil when unknown.
    public var nodeMaskBits: Int?

    /// Limits with the given values; ``read(from:pid:)`` reads a process's own.
    public init(cpusAllowed: CPUSet? = nil, memsAllowed: NodeSet? = nil, nodeMaskBits: Int? = nil) {
        self.cpusAllowed = cpusAllowed
        self.memsAllowed = memsAllowed
        self.nodeMaskBits = nodeMaskBits
    }

    /// Reads `proc/<pid>/status` under `root`.
    public static func read(from root: SystemRoot, pid: String = "self") -> ProcessLimits {
        guard let bytes = root.readBytes("proc/\(pid)/status", limit: 1 << 20) else { return ProcessLimits() }
        var limits = ProcessLimits()
        forEachLine(of: bytes) { line in
            if let mask = value(of: "Cpus_allowed:", in: line) {
                limits.cpusAllowed = CPUSet(maskBytes: Array(mask))?.withinKernelLimit
            } else if let mask = value(of: "Mems_allowed:", in: line) {
                limits.memsAllowed = NodeSet(maskBytes: Array(mask))?.withinKernelLimit
                limits.nodeMaskBits = mask.reduce(0) { $0 + (hexDigit($1, radix: 16) == nil ? 0 : 4) }
            }
        }
        return limits
    }

    /// The calling thread's `Mems_allowed` as the kernel answers it
    /// (`get_mempolicy(2)` with `MPOL_F_MEMS_ALLOWED`), without reading and
    /// parsing `/proc/self/status`; nil when the kernel refuses (no memory
    /// policies, or node masks wider than 1024 bits): ``read(from:pid:)``
    /// then says.
    public static func currentMemsAllowed() -> NodeSet? {
        let words = MemoryPolicy.maskWords(bits: nil, highest: nil)
        guard case .success(let mask) = Syscalls.memsAllowed(words: words) else { return nil }
        return NodeSet(words: mask.map { UInt64($0) }).withinKernelLimit
    }

    /// Calls `body` with each line of a `/proc` file, without its newline.
    package static func forEachLine(of bytes: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            while lineStart < buffer.count {
                let lineEnd = buffer.indexOfNewline(from: lineStart)
                body(bytes[lineStart..<lineEnd])
                lineStart = lineEnd + 1
            }
        }
    }

    /// The bytes after `key` when the line starts with it.
    package static func value(of key: StaticString, in line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let count = key.utf8CodeUnitCount
        guard line.count >= count else { return nil }
        var index = line.startIndex
        for byte in UnsafeBufferPointer(start: key.utf8Start, count: count) {
            guard line[index] == byte else { return nil }
            index += 1
        }
        return line[index...]
    }
}

/// A memory policy as the kernel keeps it (`set_mempolicy(2)`, `get_mempolicy(2)`).
public struct MemoryPolicy: Hashable, Sendable {
    /// The policy mode; `rawValue` is the kernel's `MPOL_*` number.
    public struct Mode: RawRepresentable, Hashable, Sendable {
        /// The kernel's `MPOL_*` number.
        public let rawValue: Int32
        /// The mode with the kernel's `MPOL_*` number `rawValue`, known to swnuma or not.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `MPOL_DEFAULT`: no policy of its own; a thread allocates on its local node, a memory range follows the thread's policy.
        public static let `default` = Mode(rawValue: 0)
        /// `MPOL_PREFERRED`: allocate on one node, falling back to others (`--preferred`).
        public static let preferred = Mode(rawValue: 1)
        /// `MPOL_BIND`: allocate only on the nodes (`--membind`).
        public static let bind = Mode(rawValue: 2)
        /// `MPOL_INTERLEAVE`: allocate page by page round-robin over the nodes (`--interleave`).
        public static let interleave = Mode(rawValue: 3)
        /// `MPOL_LOCAL`: allocate on the node of the CPU that asks (`--localalloc`).
        public static let local = Mode(rawValue: 4)
        /// `MPOL_PREFERRED_MANY`: allocate on any of the nodes, falling back to others (`--preferred-many`).
        public static let preferredMany = Mode(rawValue: 5)
        /// `MPOL_WEIGHTED_INTERLEAVE`: interleave by the weights of
        /// `/sys/kernel/mm/mempolicy/weighted_interleave` (`--weighted-interleave`).
        public static let weightedInterleave = Mode(rawValue: 6)

        /// The name numactl uses, or nil for a mode it has no name for.
        public var name: String? {
            switch rawValue {
            case 0: "default"
            case 1: "preferred"
            case 2: "bind"
            case 3: "interleave"
            case 4: "local"
            case 5: "preferred-many"
            case 6: "weighted-interleave"
            default: nil
            }
        }
    }

    /// Mode flags (`MPOL_F_*`), carried in the high bits of the mode.
    public struct Flags: OptionSet, Hashable, Sendable {
        /// The flag bits, as the kernel ORs them into the mode.
        public let rawValue: Int32
        /// The flags of the bits of `rawValue`.
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// `MPOL_F_NUMA_BALANCING`: let NUMA balancing move pages within a bind set.
        public static let numaBalancing = Flags(rawValue: 1 << 13)
        /// `MPOL_F_RELATIVE_NODES`.
        public static let relativeNodes = Flags(rawValue: 1 << 14)
        /// `MPOL_F_STATIC_NODES`.
        public static let staticNodes = Flags(rawValue: 1 << 15)
        static let all: Flags = [.numaBalancing, .relativeNodes, .staticNodes]
    }

    /// How pages are placed.
    public var mode: Mode
    /// How the nodes are taken when the cpuset changes, and NUMA balancing.
    public var flags: Flags
    /// The nodes of the policy; empty for ``Mode/default`` and ``Mode/local``.
    public var nodes: NodeSet

    /// A policy of `mode` over `nodes`.
    ///
    /// Nothing is checked or applied until ``apply(maskBits:)``.
    public init(_ mode: Mode, flags: Flags = [], nodes: NodeSet = []) {
        self.mode = mode
        self.flags = flags
        self.nodes = nodes
    }

    /// The mode and flags as one number, as `get_mempolicy(2)` returns it.
    public var rawMode: Int32 { mode.rawValue | flags.rawValue }

    /// Machine words enough for the kernel's node masks: at least 1024 bits and
    /// at least `bits`, so that `get_mempolicy` never fails for a small buffer.
    static func maskWords(bits: Int?, highest: Int?) -> Int {
        let needed = max(bits ?? 0, 1024, (highest ?? 0) + 1)
        return (needed + UInt.bitWidth - 1) / UInt.bitWidth
    }

    /// Makes this the calling thread's policy, inherited by everything it executes.
    ///
    /// The corresponding system call is `set_mempolicy(2)`.
    public func apply(maskBits: Int? = nil) throws(NUMAError) {
        let words = Self.maskWords(bits: maskBits, highest: nodes.last)
        let mask = nodes.machineWords(count: words)
        let result = Syscalls.setMempolicy(
            mode: rawMode, mask: mask, maxNode: UInt(words * UInt.bitWidth + 1))
        if case .failure(let error) = result {
            throw NUMAError(.systemCall, "set_mempolicy", errno: error)
        }
    }

    /// The calling thread's policy.
    ///
    /// The corresponding system call is `get_mempolicy(2)`.
    public static func current(maskBits: Int? = nil) throws(NUMAError) -> MemoryPolicy {
        let words = maskWords(bits: maskBits, highest: nil)
        switch Syscalls.getMempolicy(words: words, flags: 0) {
        case .success(let (raw, mask)):
            let flags = Flags(rawValue: raw & Flags.all.rawValue)
            let nodes = NodeSet(words: mask.map { UInt64($0) })
            return MemoryPolicy(Mode(rawValue: raw & ~Flags.all.rawValue), flags: flags, nodes: nodes)
        case .failure(let error):
            throw NUMAError(.systemCall, "get_mempolicy", errno: error)
        }
    }

    /// The node the next interleaved allocation goes to (`get_mempolicy` with
    /// `MPOL_F_NODE`); nil when the policy is not interleave.
    public static func nextInterleaveNode() -> Int? {
        try? Int(Syscalls.nextInterleaveNode().get())
    }

    /// Whether the kernel has memory policies at all (`get_mempolicy` does not fail with ENOSYS or EPERM).
    public static var isSupported: Bool {
        switch Syscalls.getMempolicy(words: 1, flags: 0) {
        case .success: true
        case .failure(let error): error != .notImplemented && error != .notPermitted
        }
    }
}

/// The CPUs a thread may run on.
public enum CPUAffinity {
    /// The calling thread's affinity.
    ///
    /// The corresponding system call is `sched_getaffinity(2)`.
    public static func current() throws(NUMAError) -> CPUSet {
        switch Syscalls.getAffinity() {
        case .success(let words): return CPUSet(words: words.map { UInt64($0) })
        case .failure(let error): throw NUMAError(.systemCall, "sched_getaffinity", errno: error)
        }
    }

    /// Restricts the calling thread, and everything it executes, to `cpus`.
    ///
    /// The corresponding system call is `sched_setaffinity(2)`.
    public static func set(_ cpus: CPUSet) throws(NUMAError) {
        let words = max(16, ((cpus.last ?? 0) + UInt.bitWidth) / UInt.bitWidth)
        if case .failure(let error) = Syscalls.setAffinity(cpus.machineWords(count: words)) {
            throw NUMAError(.systemCall, "sched_setaffinity", errno: error)
        }
    }
}

/// Process replacement.
public enum Launcher {
    /// Replaces the process with `arguments[0]`, searching PATH as execvp(3)
    /// does; the pid, exit status and signals become the command's.
    /// Returns only when the command cannot be executed.
    ///
    /// - Precondition: `arguments` is not empty.
    public static func execute(_ arguments: [String]) -> Errno {
        Syscalls.execute(arguments)
    }
}
