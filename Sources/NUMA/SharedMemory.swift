/// A region of shared memory (a file mapped shared, or a System V segment)
/// whose memory policy can be set, read back and checked page by page.
///
/// The region stays mapped while the value lives; the file or segment itself
/// outlives it, with the policies set on it (tmpfs, hugetlbfs and System V
/// segments keep a policy per page of the object, not per mapping).
///
/// Offsets in ``policyRuns(maskBits:)`` and ``nodeRuns()`` count from the start of the
/// file or segment, not from the start of the region.
public final class SharedRegion {
    /// What the region is a part of.
    public enum Source: Hashable, Sendable {
        /// A file mapped shared.
        case file(path: String)
        /// A System V segment keyed by `ftok(keyFile, id)`.
        case systemV(keyFile: String, id: Int32)
    }

    /// Something attaching created on the way.
    public enum Creation: Hashable, Sendable {
        /// A key file that did not exist, with its permission bits.
        case keyFile(path: String, mode: UInt32)
        /// A System V segment of `size` bytes.
        case segment(keyFile: String, id: Int32, mode: UInt32, size: UInt64)
    }

    /// The file or segment the region is a part of.
    public let source: Source
    /// Where the region starts in the file or segment, in bytes.
    public let offset: UInt64
    /// The region's length in bytes.
    public let length: UInt64
    /// The page size policies are kept in: the huge page size for a `huge`
    /// segment, the file system's block size for a file, else the system's.
    public let pageSize: UInt64

    private let start: UnsafeMutableRawPointer
    private let unmap: @Sendable () -> Void

    private init(source: Source, offset: UInt64, length: UInt64, pageSize: UInt64, start: UnsafeMutableRawPointer, unmap: @escaping @Sendable () -> Void) {
        self.source = source
        self.offset = offset
        self.length = length
        self.pageSize = pageSize
        self.start = start
        self.unmap = unmap
    }

    deinit { unmap() }

    // MARK: Attaching

    /// Maps `length` bytes of the file at `path` from `offset`, shared.
    ///
    /// The file is opened for reading and writing; when that fails and
    /// `length` is not 0 it is created with `mode`. It is extended when
    /// shorter than `offset + length`. The length is never taken from the file:
    /// a `length` of 0 is refused.
    public static func attachFile(_ path: String, length: UInt64, offset: UInt64, mode: UInt32 = 0o600) throws(NUMAError)
        -> SharedRegion
    {
        let fd: Int32
        switch Syscalls.openReadWrite(path, create: false, mode: mode) {
        case .success(let opened):
            fd = opened
        case .failure(let error):
            guard length > 0 else {
                throw NUMAError(.invalidArgument, "cannot open \(path), and without a length it cannot be created", errno: error)
            }
            switch Syscalls.openReadWrite(path, create: true, mode: mode) {
            case .success(let opened): fd = opened
            case .failure(let error): throw NUMAError(.systemCall, "cannot create file \(path)", errno: error)
            }
        }
        defer { Syscalls.closeFile(fd) }
        let info: (size: Int, blockSize: Int)
        switch Syscalls.fileSize(fd) {
        case .success(let found): info = found
        case .failure(let error): throw NUMAError(.systemCall, "cannot stat \(path)", errno: error)
        }
        let (end, overflow) = length.addingReportingOverflow(offset)
        guard !overflow, end <= UInt64(Int.max) else {
            throw NUMAError(.invalidArgument, "offset \(offset) plus length \(length) is too large for \(path)")
        }
        let pageSize = UInt64(max(info.blockSize, 1))
        guard length > 0 else {
            throw NUMAError(.invalidArgument, "no region length given for \(path); the file's size is not used")
        }
        try checkAlignment(length: length, offset: offset, pageSize: pageSize, what: path)
        if end > UInt64(max(info.size, 0)), case .failure(let error) = Syscalls.truncate(fd, size: Int(end)) {
            throw NUMAError(.systemCall, "cannot extend \(path) to \(end) bytes", errno: error)
        }
        switch Syscalls.mapShared(fd, length: Int(length), offset: Int(offset)) {
        case .success(let address):
            let mapped = Int(length)
            nonisolated(unsafe) let base = address
            return SharedRegion(
                source: .file(path: path), offset: offset, length: length, pageSize: pageSize, start: address,
                unmap: { Syscalls.unmap(base, length: mapped) })
        case .failure(let error):
            throw NUMAError(.systemCall, "cannot map \(length) bytes of \(path) at offset \(offset)", errno: error)
        }
    }

    /// Attaches the System V segment keyed by `ftok(keyFile, id)`; the region
    /// is `length` bytes from `offset`.
    ///
    /// A missing key file is created with `mode`. A missing segment is created
    /// with `offset + length` bytes, `mode` and, with `hugePages`, SHM_HUGETLB;
    /// with a `length` of 0 it is refused. A `length` of 0 on an existing
    /// segment means the rest of the segment after `offset`. Each creation is
    /// reported to `created` as it happens.
    public static func attachSystemV(
        keyFile: String, id: Int32 = 0, length: UInt64, offset: UInt64, mode: UInt32 = 0o600, hugePages: Bool = false,
        created: (Creation) -> Void = { _ in }
    ) throws(NUMAError) -> SharedRegion {
        let key: Int32
        switch Syscalls.systemVKey(keyFile, id: id) {
        case .success(let found):
            key = found
        case .failure:
            created(.keyFile(path: keyFile, mode: mode))
            if case .failure(let error) = Syscalls.createFile(keyFile, mode: mode) {
                throw NUMAError(.systemCall, "cannot create the key file \(keyFile)", errno: error)
            }
            switch Syscalls.systemVKey(keyFile, id: id) {
            case .success(let found): key = found
            case .failure(let error): throw NUMAError(.systemCall, "cannot make a System V key from \(keyFile)", errno: error)
            }
        }
        let (total, overflow) = length.addingReportingOverflow(offset)
        guard !overflow, total <= UInt64(Int.max) else {
            throw NUMAError(.invalidArgument, "offset \(offset) plus length \(length) is too large for a segment")
        }
        let segment: Int32
        switch Syscalls.sharedSegment(key: key, size: Int(total), mode: mode, create: false, huge: hugePages) {
        case .success(let found):
            segment = found
        case .failure(let error) where error == .noSuchFile:
            guard length > 0 else {
                throw NUMAError(
                    .invalidArgument,
                    "no System V shared memory segment has the key of \(keyFile) (id \(id)), and without a length none can be created")
            }
            created(.segment(keyFile: keyFile, id: id, mode: mode, size: total))
            switch Syscalls.sharedSegment(key: key, size: Int(total), mode: mode, create: true, huge: hugePages) {
            case .success(let made): segment = made
            case .failure(let error):
                throw NUMAError(.systemCall, "cannot create a System V shared memory segment of \(total) bytes for \(keyFile)", errno: error)
            }
        case .failure(let error):
            throw NUMAError(.systemCall, "cannot get the System V shared memory segment of \(keyFile) (id \(id))", errno: error)
        }
        let base: UnsafeMutableRawPointer
        switch Syscalls.attachSegment(segment) {
        case .success(let address): base = address
        case .failure(let error): throw NUMAError(.systemCall, "cannot attach the System V shared memory segment of \(keyFile)", errno: error)
        }
        nonisolated(unsafe) let attached = base
        let detach: @Sendable () -> Void = { Syscalls.detachSegment(attached) }
        var regionLength = length
        if regionLength == 0 {
            switch Syscalls.segmentSize(segment) {
            case .success(let size) where UInt64(size) > offset:
                regionLength = UInt64(size) - offset
            case .success(let size):
                detach()
                throw NUMAError(.invalidArgument, "offset \(offset) is not inside the \(size)-byte segment of \(keyFile)")
            case .failure(let error):
                detach()
                throw NUMAError(.systemCall, "cannot read the size of the segment of \(keyFile)", errno: error)
            }
        }
        let pageSize = hugePages ? (hugePageSize() ?? UInt64(Syscalls.systemPageSize)) : UInt64(Syscalls.systemPageSize)
        let address = UInt64(UInt(bitPattern: base)) + offset
        do {
            try checkAlignment(length: regionLength, offset: address, pageSize: pageSize, what: "the segment of \(keyFile)")
        } catch {
            detach()
            throw error
        }
        return SharedRegion(
            source: .systemV(keyFile: keyFile, id: id), offset: offset, length: regionLength, pageSize: pageSize,
            start: base + Int(offset), unmap: detach)
    }

    private static func checkAlignment(length: UInt64, offset: UInt64, pageSize: UInt64, what: String) throws(NUMAError) {
        if offset % pageSize != 0 {
            throw NUMAError(.invalidArgument, "policy region of \(what) not page aligned: its start (offset \(offset)) is not a multiple of the page size \(pageSize)")
        }
        if length % pageSize != 0 {
            throw NUMAError(.invalidArgument, "policy region of \(what) not page aligned: its length \(length) is not a multiple of the page size \(pageSize)")
        }
    }

    /// `Hugepagesize` from /proc/meminfo, in bytes.
    static func hugePageSize() -> UInt64? {
        guard case .success(let bytes) = Syscalls.readFile(root: "/", live: true, "proc/meminfo", limit: 1 << 20) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Hugepagesize:") {
            let words = line.dropFirst(13).split(separator: " ")
            guard let number = words.first.flatMap({ UInt64($0) }) else { return nil }
            let (bytes, overflow) = number.multipliedReportingOverflow(by: 1024)
            return overflow ? nil : bytes
        }
        return nil
    }

    // MARK: Policies

    /// Sets `policy` on the whole region (`mbind(2)`). With `strict`, the
    /// call fails when pages already in the region do not follow the policy
    /// (MPOL_MF_STRICT). Mode flags are passed as they are.
    public func apply(_ policy: MemoryPolicy, strict: Bool = false, maskBits: Int? = nil) throws(NUMAError) {
        let words = MemoryPolicy.maskWords(bits: maskBits, highest: policy.nodes.last)
        let mask = policy.mode == .local || policy.mode == .default ? [] : policy.nodes.machineWords(count: words)
        let result = Syscalls.mbind(
            start, length: Int(length), mode: policy.rawMode, mask: mask, maxNode: UInt(words * UInt.bitWidth + 1),
            strict: strict)
        if case .failure(let error) = result {
            throw NUMAError(.systemCall, "mbind", errno: error)
        }
    }

    /// Faults in every page of the region by reading and writing back one byte
    /// per system page, so that each page is allocated under the policy now.
    public func touch() {
        Syscalls.touchPages(start, length: Int(length), step: Syscalls.systemPageSize)
    }

    /// The policy of each page, in runs of pages with the same policy and nodes.
    ///
    /// The corresponding system call is `get_mempolicy(2)` with MPOL_F_ADDR.
    public func policyRuns(maskBits: Int? = nil) throws(NUMAError) -> [(range: Range<UInt64>, policy: MemoryPolicy)] {
        let words = MemoryPolicy.maskWords(bits: maskBits, highest: nil)
        return try runs { at throws(NUMAError) in
            switch Syscalls.addressPolicy(start + Int(at), words: words) {
            case .success(let (raw, mask)):
                let flags = MemoryPolicy.Flags(rawValue: raw & MemoryPolicy.Flags.all.rawValue)
                return MemoryPolicy(
                    MemoryPolicy.Mode(rawValue: raw & ~MemoryPolicy.Flags.all.rawValue), flags: flags,
                    nodes: NodeSet(words: mask.map { UInt64($0) }))
            case .failure(let error):
                throw NUMAError(.systemCall, "get_mempolicy at offset \(offset + at)", errno: error)
            }
        }.map { ($0.range, $0.value) }
    }

    /// The node of each page, in runs of pages on the same node. Pages not yet
    /// allocated are allocated by the query, under the region's policy.
    ///
    /// The corresponding system call is `get_mempolicy(2)` with MPOL_F_ADDR and MPOL_F_NODE.
    public func nodeRuns() throws(NUMAError) -> [(range: Range<UInt64>, node: Int)] {
        try runs { at throws(NUMAError) in
            switch Syscalls.addressNode(start + Int(at)) {
            case .success(let found): return Int(found)
            case .failure(let error): throw NUMAError(.systemCall, "get_mempolicy at offset \(offset + at)", errno: error)
            }
        }.map { ($0.range, $0.value) }
    }

    /// `value` of each page (by its offset in the region), pages in a row
    /// with the same value joined into one run of offsets in the mapped file.
    private func runs<Value: Equatable>(_ value: (UInt64) throws(NUMAError) -> Value) throws(NUMAError) -> [(range: Range<UInt64>, value: Value)] {
        var runs: [(range: Range<UInt64>, value: Value)] = []
        var at: UInt64 = 0
        while at < length {
            let found = try value(at)
            let end = min(at + pageSize, length)
            if let last = runs.last, last.value == found {
                runs[runs.count - 1].range = last.range.lowerBound..<(offset + end)
            } else {
                runs.append(((offset + at)..<(offset + end), found))
            }
            at = end
        }
        return runs
    }
}
