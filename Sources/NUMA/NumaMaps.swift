/// The lines of `/proc/PID/numa_maps`: one per mapping, with the mapping's
/// memory policy, what backs it and its pages per node.
///
/// A line is `<address> <policy> [key=value | word]...`, for example
/// `7f1c2a000000 bind:1 anon=4096 dirty=4096 N1=4096 kernelpagesize_kB=4`.
/// The policy is one word, or two for the kernel's `prefer (many)` and
/// `weighted interleave`. This is the one parser of the file: numastat's
/// `-p` and `--process` both fold its mappings.
public enum NumaMaps {
    /// One mapping.
    public struct Mapping: Hashable, Sendable {
        /// The policy text as the kernel printed it (`bind:1`, `prefer (many):0-1`, `default`).
        public var policyText: String
        /// The policy, parsed from ``policyText`` when asked for: numastat
        /// never needs it, and a file has many mappings but few policies.
        public var policy: MappingPolicy { MappingPolicy(parsing: policyText) }
        /// Anonymous memory, shared memory, a file, or huge pages.
        public var backing: Backing
        /// numastat's category: the first word starting with `huge`, `heap`
        /// or `stack` decides; private otherwise.
        public var category: NodeStatistics.ProcessMemory.Category
        /// The size of the mapping's pages in bytes (`kernelpagesize_kB`,
        /// else the default huge page size for huge mappings, else the base page size).
        public var pageBytes: UInt64
        /// Pages per node (`N<node>=<pages>`), in file order.
        public var pages: [NodePages] {
            get { (0..<pageCount).map { page($0) } }
            set { counts = newValue.flatMap { [UInt64(bitPattern: Int64($0.node)), $0.pages] } }
        }

        /// The same as pairs of numbers, node then pages: a list of a type
        /// of swnuma's own costs the runtime a class of its own on first use,
        /// and each `numastat -p` or `--process` would pay it.
        private var counts: [UInt64]

        init(policyText: String, backing: Backing, category: NodeStatistics.ProcessMemory.Category, pageBytes: UInt64, counts: [UInt64]) {
            self.policyText = policyText
            self.backing = backing
            self.category = category
            self.pageBytes = pageBytes
            self.counts = counts
        }

        /// How many nodes ``pages`` has.
        package var pageCount: Int { counts.count / 2 }

        /// ``pages``' entry at `index`, below ``pageCount``.
        package func page(_ index: Int) -> NodePages {
            // The node's bits as they were stored: any Int round-trips (the parser's are below 1024).
            NodePages(node: Int(Int64(bitPattern: counts[2 * index])), pages: counts[2 * index + 1])
        }

        /// The bytes on each node: pages times ``pageBytes``, saturating.
        public func bytes(_ entry: NodePages) -> UInt64 { entry.pages.saturatingMultiplied(by: pageBytes) }
    }

    /// The pages of a mapping on one node.
    public struct NodePages: Hashable, Sendable {
        /// The node id, from `N<node>=`.
        public var node: Int
        /// The number of pages, in the mapping's page size.
        public var pages: UInt64
    }

    /// What a mapping's memory is.
    public enum Backing: String, Hashable, Sendable, CaseIterable {
        /// Private anonymous memory (`anon=`, heap, stack, or no file).
        case anonymous
        /// Shared memory (shmem): a shared anonymous mapping (`/dev/zero
        /// (deleted)`), a System V segment (`/SYSV…`), a memfd (`/memfd:…`) or
        /// a file of `/dev/shm`. Its pages are placed by the mapping's policy
        /// (the kernel keeps it with the shared object), not by whichever
        /// process first touched the file, so they count as the mapping's.
        case shared
        /// Pages of an ordinary file (`file=`), including its copied-on-write pages.
        case file
        /// hugetlbfs pages (a `huge` word).
        case huge
    }

    /// A mapping's policy as `numa_maps` shows it.
    public struct MappingPolicy: Hashable, Sendable {
        /// The policy modes `numa_maps` names.
        public enum Mode: String, Hashable, Sendable, CaseIterable {
            /// The process's policy, or local allocation when it has none.
            case `default`
            /// Only on the listed nodes.
            case bind
            /// Round robin over the listed nodes.
            case interleave
            /// Over the listed nodes by their weights.
            case weightedInterleave = "weighted-interleave"
            /// On the listed node first, elsewhere when it is full.
            case preferred
            /// On the listed nodes first, elsewhere when they are full.
            case preferredMany = "preferred-many"
            /// On the node of the CPU that touches the page.
            case local
            /// A word this parser does not know.
            case unknown
        }

        /// The mode, the word before `=` or `:`.
        public var mode: Mode
        /// The nodes after `:`; nil when the policy names none.
        public var nodes: NodeSet?
        /// The flags after `=` (`static`, `relative`, `balancing`).
        public var flags: [String]

        /// The nodes a page under this policy may be on, or nil when any
        /// node will do: `bind`, `interleave` and `weighted interleave`
        /// confine pages to their nodes; `default`, `local` and the
        /// preferred modes fall back to any node. Nodes relative to a cpuset
        /// (`=relative`) cannot be checked and give nil.
        public var confinedTo: NodeSet? {
            switch mode {
            case .bind, .interleave, .weightedInterleave:
                flags.contains("relative") ? nil : nodes
            default: nil
            }
        }

        /// Parses the policy text of a `numa_maps` line.
        public init(parsing text: String) {
            // Read as bytes: the separators are ASCII, and the words are
            // compared as bytes, without a Character walk.
            let bytes = Array(text.utf8)
            var headEnd = bytes.count
            var nodeStart: Int?
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
                nodeStart = colon + 1
                headEnd = colon
            }
            var flagStart: Int?
            if let equals = bytes[..<headEnd].firstIndex(of: UInt8(ascii: "=")) {
                flagStart = equals + 1
                // The flags run to the colon, or to the end.
                headEnd = equals
            }
            let head = bytes[..<headEnd]
            func named(_ word: StaticString) -> Bool {
                UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount).elementsEqual(head)
            }
            if named("default") {
                mode = .default
            } else if named("bind") {
                mode = .bind
            } else if named("interleave") {
                mode = .interleave
            } else if named("weighted interleave") {
                mode = .weightedInterleave
            } else if named("prefer") || named("preferred") {
                mode = .preferred
            } else if named("prefer (many)") {
                mode = .preferredMany
            } else if named("local") {
                mode = .local
            } else {
                mode = .unknown
            }
            // Held to the kernel's MAX_NUMNODES, as the counts are.
            nodes = nodeStart.flatMap { NodeSet(listBytes: Array(bytes[$0...]), limit: NodeKind.kernelLimit) }
            if let flagStart {
                let flagEnd = nodeStart.map { $0 - 1 } ?? bytes.count
                flags = bytes[flagStart..<flagEnd].split(separator: UInt8(ascii: "|"))
                    .map { String(decoding: $0, as: UTF8.self) }
            } else {
                flags = []
            }
        }
    }

    /// Calls `body` with each mapping of a `numa_maps` file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - hugePageSize: the default huge page size, asked for only when a
    ///     huge mapping has no `kernelpagesize_kB`.
    ///   - body: called once per mapping, in the file's order.
    /// - Throws: ``NUMAError`` naming the token when an `N<node>=<pages>`
    ///   count does not parse, or what `hugePageSize` throws.
    public static func forEachMapping(
        in bytes: [UInt8], hugePageSize: () throws(NUMAError) -> UInt64, _ body: (Mapping) -> Void
    ) throws(NUMAError) {
        var failure: NUMAError?
        var defaultHugePageSize: UInt64?
        bytes.withUnsafeBufferPointer { buffer in
            failure = eachMapping(in: buffer, hugePageSize: hugePageSize, defaultHugePageSize: &defaultHugePageSize, body)
        }
        if let failure { throw failure }
    }

    /// ``forEachMapping(in:hugePageSize:_:)`` over the `numa_maps` file
    /// `relative` under `root`, read and parsed a piece at a time
    /// (``SystemRoot/streamLines(_:limit:chunk:_:)``): a process with
    /// thousands of mappings costs no more memory than one with ten.
    ///
    /// - Returns: the read's outcome: a failure when the file cannot be read,
    ///   or is longer than `limit`, after `body` has seen the mappings before.
    /// - Throws: what ``forEachMapping(in:hugePageSize:_:)`` throws; reading
    ///   stops at the line that does not parse.
    package static func forEachMapping(
        inFile relative: String, under root: SystemRoot, limit: Int,
        hugePageSize: () throws(NUMAError) -> UInt64, _ body: (Mapping) -> Void
    ) throws(NUMAError) -> Result<Void, NUMAError> {
        var failure: NUMAError?
        var defaultHugePageSize: UInt64?
        let read = root.streamLines(relative, limit: limit) { lines in
            failure = eachMapping(in: lines, hugePageSize: hugePageSize, defaultHugePageSize: &defaultHugePageSize, body)
            return failure == nil
        }
        if let failure { throw failure }
        return read
    }

    /// ``forEachMapping(in:hugePageSize:_:)`` over the file's bytes in
    /// memory; returns the error that stopped it, if one did.
    ///
    /// numa_maps can be megabytes with thousands of mappings: each line is
    /// read in one pass, token by token, without a list of its tokens and
    /// without making strings for most of them.
    /// `defaultHugePageSize` keeps the answer of `hugePageSize` from one
    /// piece of a file to the next.
    private static func eachMapping(
        in buffer: UnsafeBufferPointer<UInt8>, hugePageSize: () throws(NUMAError) -> UInt64,
        defaultHugePageSize: inout UInt64?, _ body: (Mapping) -> Void
    ) -> NUMAError? {
        // One buffer of node counts for every line: `body` gets it in each
        // mapping and lets it go before the next line, so it is reused.
        var pages: [UInt64] = []
        let basePageSize = UInt64(NodeStatistics.pageSize)
        let count = buffer.count
        var at = 0
        while at < count {
            // What the words say, in one look at each: the first word
            // starting with huge, heap or stack gives the category, a word
            // `huge` the backing, the first `file=` and `kernelpagesize_kB=`
            // their values.
            var found: NodeStatistics.ProcessMemory.Category?
            var hugeWord = false
            var file: Range<Int>?
            var pageSizeToken: Range<Int>?
            // The policy: the word after the address, two words for the
            // kernel's "prefer (many)" and "weighted interleave". A node
            // count there (`N0=1`; no policy starts with N and a digit) is
            // read as a count, as numastat reads every word of the line.
            var policy: Range<Int>?
            var policyMore: Range<Int>?
            var firstData = 1
            // The first `N<node>=<pages>` that does not parse, and the node
            // it names when only that is wrong (past the kernel's limit).
            var badCount: Range<Int>?
            var badNode: UInt64?
            var tokenIndex = 0
            pages.removeAll(keepingCapacity: true)
            while at < count {
                let byte = buffer[at]
                if byte == 0x0A { break }
                if byte == 0x20 || byte == 0x09 {
                    at += 1
                    continue
                }
                let tokenStart = at
                at += 1
                // Eight bytes at a time while none is below 0x21, so none
                // is a blank or a newline: a file path makes most of a line.
                while count - at >= 8 {
                    let word = UInt64(littleEndian: UnsafeRawPointer(buffer.baseAddress! + at).loadUnaligned(as: UInt64.self))
                    let low = (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080
                    if low != 0 {
                        // The lowest flagged byte is the first below 0x21 (a
                        // borrow only flags bytes above a true one).
                        at += low.trailingZeroBitCount >> 3
                        break
                    }
                    at += 8
                }
                while at < count {
                    let next = buffer[at]
                    if next <= 0x20, next == 0x20 || next == 0x09 || next == 0x0A { break }
                    at += 1
                }
                let token = tokenStart..<at
                switch byte {
                case UInt8(ascii: "h"):
                    let huge = buffer.bytes(at: token, startWith: "huge")
                    if huge && token.count == 4 { hugeWord = true }
                    if found == nil {
                        if huge {
                            found = .huge
                        } else if buffer.bytes(at: token, startWith: "heap") {
                            found = .heap
                        }
                    }
                case UInt8(ascii: "s"):
                    if found == nil && buffer.bytes(at: token, startWith: "stack") { found = .stack }
                case UInt8(ascii: "f"):
                    if file == nil && buffer.bytes(at: token, startWith: "file=") { file = token }
                case UInt8(ascii: "k"):
                    if pageSizeToken == nil && buffer.bytes(at: token, startWith: "kernelpagesize_kB=") { pageSizeToken = token }
                default:
                    break
                }
                if tokenIndex == 1 {
                    if !isNodeCount(buffer, token) {
                        policy = token
                        firstData = 2
                    }
                } else if tokenIndex == 2, let policy,
                    (buffer.bytes(at: policy, are: "prefer") && buffer.bytes(at: token, startWith: "(many)"))
                        || (buffer.bytes(at: policy, are: "weighted") && buffer.bytes(at: token, startWith: "interleave"))
                {
                    policyMore = token
                    firstData = 3
                }
                if tokenIndex >= firstData && byte == UInt8(ascii: "N") && badCount == nil {
                    let digits = tokenStart + 1
                    var equals = digits
                    while equals < at && buffer[equals] != UInt8(ascii: "=") { equals += 1 }
                    if equals < at, let node = UInt64(decimalBytes: buffer[digits..<equals]), node <= UInt64(Int.max),
                        let pageCount = UInt64(decimalBytes: buffer[equals + 1..<at])
                    {
                        // The kernel prints only nodes that exist (MAX_NUMNODES,
                        // 1024 at most): a larger id is a planted file, and would
                        // make every per-node table as large as the number it names.
                        if node < UInt64(NodeKind.kernelLimit) {
                            pages.append(node)
                            pages.append(pageCount)
                        } else {
                            badCount = token
                            badNode = node
                        }
                    } else {
                        badCount = token
                    }
                }
                tokenIndex += 1
            }
            // Past the newline.
            at += 1
            guard tokenIndex > 0 else { continue }
            let category = found ?? .private
            var backing = Backing.anonymous
            if hugeWord {
                backing = .huge
            } else if let file {
                backing = isSharedMemory(path: buffer[file.lowerBound + 5..<file.upperBound]) ? .shared : .file
            }
            var policyText = "default"
            // Most mappings have the default policy: that text is not decoded again for each.
            if let policy, !buffer.bytes(at: policy, are: "default") {
                policyText = String(decoding: UnsafeBufferPointer(rebasing: buffer[policy]), as: UTF8.self)
                if let policyMore {
                    policyText += " " + String(decoding: UnsafeBufferPointer(rebasing: buffer[policyMore]), as: UTF8.self)
                }
            }
            var pageBytes = basePageSize
            if let token = pageSizeToken,
                let kib = UInt64(decimalBytes: buffer[token.lowerBound + 18..<token.upperBound])
            {
                pageBytes = kib.saturatingMultiplied(by: 1024)
            } else if category == .huge {
                if defaultHugePageSize == nil {
                    do {
                        defaultHugePageSize = try hugePageSize()
                    } catch {
                        return error
                    }
                }
                pageBytes = defaultHugePageSize ?? pageBytes
            }
            if let badCount {
                let text = escapedForDisplay(bytes: buffer[badCount])
                guard let badNode else { return NUMAError(.invalidArgument, "cannot read the node count '\(text)'") }
                return NUMAError(
                    .invalidArgument,
                    "cannot read the node count '\(text)': node \(badNode) is beyond the \(NodeKind.kernelLimit) nodes Linux can have")
            }
            body(
                Mapping(
                    policyText: policyText, backing: backing,
                    category: category, pageBytes: pageBytes, counts: pages))
        }
        return nil
    }

    /// Whether the `file=` path of a `numa_maps` line (blanks written as
    /// `\040`, as the kernel escapes them) is shared memory: `/dev/zero`
    /// (a shared anonymous mapping, `(deleted)` or not), a System V segment
    /// `/SYSV<key>`, a memfd `/memfd:<name>`, or a file under `/dev/shm/`.
    public static func isSharedMemory<Path: Collection<UInt8>>(path: Path) -> Bool {
        func starts(_ prefix: StaticString) -> Bool {
            path.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        }
        if starts("/SYSV") || starts("/memfd:") || starts("/dev/shm/") { return true }
        guard starts("/dev/zero") else { return false }
        let rest = path.dropFirst(9)
        return rest.isEmpty || rest.elementsEqual(" (deleted)".utf8) || rest.elementsEqual("\\040(deleted)".utf8)
    }

    /// Whether the token `range` of `bytes` is an `N<node>=` count.
    @inline(__always)
    static func isNodeCount(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.count > 1 && bytes[range.lowerBound] == UInt8(ascii: "N")
            && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[range.lowerBound + 1])
    }
}

extension UInt64 {
    /// The sum, or `UInt64.max` when it would overflow.
    package func saturatingAdding(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// The product, or `UInt64.max` when it would overflow.
    package func saturatingMultiplied(by other: UInt64) -> UInt64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
