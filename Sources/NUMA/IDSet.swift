/// What an ``IDSet`` numbers: NUMA nodes or CPUs.
///
/// The kind is a phantom type: it only exists so that a set of CPUs cannot be
/// passed where a set of nodes is expected. Mixing the two is a compile error.
public protocol IDKind: Sendable {
    /// The word used in messages: `node` or `cpu`.
    static var noun: String { get }
    /// One past the largest id a Linux kernel can have: files that name a
    /// larger one are not a real machine's and are refused.
    static var kernelLimit: Int { get }
}

/// Marks an ``IDSet`` of NUMA node ids.
public enum NodeKind: IDKind {
    /// `node`.
    public static let noun = "node"
    /// 1024: `MAX_NUMNODES` is `1 << CONFIG_NODES_SHIFT`, and no architecture
    /// lets `NODES_SHIFT` exceed 10.
    public static var kernelLimit: Int { 1024 }
}

/// Marks an ``IDSet`` of CPU ids.
public enum CPUKind: IDKind {
    /// `cpu`.
    public static let noun = "cpu"
    /// 8192: the top of `CONFIG_NR_CPUS`'s range on every architecture
    /// (x86-64 with `MAXSMP`, powerpc).
    public static var kernelLimit: Int { 8192 }
}

/// A set of NUMA node ids, as the kernel numbers them (OS-physical ids).
public typealias NodeSet = IDSet<NodeKind>

/// A set of CPU ids, as the kernel numbers them (OS-physical ids).
public typealias CPUSet = IDSet<CPUKind>

/// A set of small non-negative ids, stored as a bitmap.
///
/// ``NodeSet`` and ``CPUSet`` are the two instances. The ``description`` is
/// the kernel's list form (`0-3,8`); ``init(mask:)`` and ``init(list:)`` read
/// the two formats sysfs and `/proc` use.
public struct IDSet<Kind: IDKind>: Hashable, Sendable {
    /// Ids at or above this bound are never stored; parsers refuse them.
    ///
    /// Far above Linux's largest CPU count (`NR_CPUS` is at most 8192) and
    /// node count (`MAX_NUMNODES` is at most 1024), and small enough that a
    /// full bitmap is 512 KiB.
    public static var limit: Int { 1 << 22 }

    /// The bitmap, 64 ids a word, least significant first; never ends in a zero word.
    private(set) var words: [UInt64]

    /// An empty set.
    public init() {
        words = []
    }

    /// A set with the ids of a sequence.
    ///
    /// - Precondition: every id is in `0..<IDSet.limit`.
    public init<S: Sequence>(_ ids: S) where S.Element == Int {
        words = []
        for id in ids { insertID(id) }
    }

    /// A set from a bitmap, 64 ids a word, least significant first.
    package init(words: [UInt64]) {
        self.words = words
        trim()
    }

    /// The number of ids in the set.
    public var count: Int {
        words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// Whether the set has no ids.
    public var isEmpty: Bool { words.isEmpty }

    /// The smallest id, if any.
    public var first: Int? {
        for (index, word) in words.enumerated() where word != 0 {
            return index * 64 + word.trailingZeroBitCount
        }
        return nil
    }

    /// The largest id, if any.
    public var last: Int? {
        guard let word = words.last else { return nil }
        return (words.count - 1) * 64 + 63 - word.leadingZeroBitCount
    }

    /// Whether `id` is in the set; false for any id out of range.
    public func contains(_ id: Int) -> Bool {
        guard id >= 0 else { return false }
        let index = id >> 6
        guard index < words.count else { return false }
        return words[index] & (1 << UInt64(id & 63)) != 0
    }

    /// The `n`-th smallest id (0-based), if the set has that many.
    public func member(at n: Int) -> Int? {
        guard n >= 0 else { return nil }
        var remaining = n
        for (index, word) in words.enumerated() {
            let bits = word.nonzeroBitCount
            if remaining < bits {
                var w = word
                for _ in 0..<remaining { w &= w - 1 }
                return index * 64 + w.trailingZeroBitCount
            }
            remaining -= bits
        }
        return nil
    }

    /// The set as maximal runs of consecutive ids, ascending.
    public var ranges: [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        forEachRun { result.append($0...$1) }
        return result
    }

    /// Calls `body` with the first and last id of each maximal run of
    /// consecutive ids, ascending; builds no array.
    public func forEachRun(_ body: (_ first: Int, _ last: Int) -> Void) {
        var start = -1
        var previous = -2
        for id in self {
            if id != previous + 1 {
                if start >= 0 { body(start, previous) }
                start = id
            }
            previous = id
        }
        if start >= 0 { body(start, previous) }
    }

    /// The bitmap as `count` machine words for a system call, least significant first.
    ///
    /// Ids that do not fit in `count` words are left out.
    package func machineWords(count: Int) -> [UInt] {
        var result = [UInt](repeating: 0, count: count)
        for index in 0..<Swift.min(count, words.count) {
            result[index] = UInt(words[index])
        }
        return result
    }

    mutating func insertID(_ id: Int) {
        precondition(id >= 0 && id < Self.limit, "id out of range")
        let index = id >> 6
        if index >= words.count {
            words.append(contentsOf: repeatElement(0, count: index - words.count + 1))
        }
        words[index] |= 1 << UInt64(id & 63)
    }

    /// Inserts every id of `low...high` a word at a time.
    ///
    /// - Precondition: `0 <= low <= high < IDSet.limit`.
    mutating func insertRange(_ low: Int, _ high: Int) {
        precondition(low >= 0 && low <= high && high < Self.limit, "range out of range")
        let first = low >> 6
        let last = high >> 6
        if last >= words.count {
            words.append(contentsOf: repeatElement(0, count: last - words.count + 1))
        }
        for index in first...last {
            let from = index == first ? low & 63 : 0
            let to = index == last ? high & 63 : 63
            let width = to - from + 1
            let bits: UInt64 = width == 64 ? ~0 : ((1 << UInt64(width)) - 1) << UInt64(from)
            words[index] |= bits
        }
    }

    private mutating func trim() {
        while let lastWord = words.last, lastWord == 0 { words.removeLast() }
    }

    private func combined(with other: Self, _ op: (UInt64, UInt64) -> UInt64) -> Self {
        let length = Swift.max(words.count, other.words.count)
        var result = [UInt64](repeating: 0, count: length)
        for index in 0..<length {
            let a = index < words.count ? words[index] : 0
            let b = index < other.words.count ? other.words[index] : 0
            result[index] = op(a, b)
        }
        return Self(words: result)
    }
}

extension IDSet: SetAlgebra {
    /// The ids in this set, in `other`, or in both.
    public func union(_ other: Self) -> Self { combined(with: other, |) }
    /// The ids in both this set and `other`.
    public func intersection(_ other: Self) -> Self { combined(with: other, &) }
    /// The ids in exactly one of this set and `other`.
    public func symmetricDifference(_ other: Self) -> Self { combined(with: other, ^) }
    /// The ids of this set that are not in `other`.
    public func subtracting(_ other: Self) -> Self { combined(with: other) { $0 & ~$1 } }

    /// Adds `id` unless the set has it already.
    ///
    /// - Precondition: `id` is in `0..<IDSet.limit`.
    @discardableResult
    public mutating func insert(_ id: Int) -> (inserted: Bool, memberAfterInsert: Int) {
        if contains(id) { return (false, id) }
        insertID(id)
        return (true, id)
    }

    /// Removes `id` and returns it, or returns nil when the set does not have it.
    @discardableResult
    public mutating func remove(_ id: Int) -> Int? {
        guard contains(id) else { return nil }
        words[id >> 6] &= ~(1 << UInt64(id & 63))
        trim()
        return id
    }

    /// Adds `id`; returns it when the set had it already, else nil.
    ///
    /// - Precondition: `id` is in `0..<IDSet.limit`.
    @discardableResult
    public mutating func update(with id: Int) -> Int? {
        insert(id).inserted ? nil : id
    }

    /// Adds the ids of `other`.
    public mutating func formUnion(_ other: Self) { self = union(other) }
    /// Keeps only the ids that are also in `other`.
    public mutating func formIntersection(_ other: Self) { self = intersection(other) }
    /// Keeps the ids in exactly one of this set and `other`.
    public mutating func formSymmetricDifference(_ other: Self) { self = symmetricDifference(other) }
}

extension IDSet: Sequence {
    /// Iterates the ids in ascending order.
    public struct Iterator: IteratorProtocol {
        let words: [UInt64]
        var index = 0
        var current: UInt64

        init(words: [UInt64]) {
            self.words = words
            current = words.first ?? 0
        }

        /// The next larger id, or nil after the last.
        public mutating func next() -> Int? {
            while current == 0 {
                index += 1
                guard index < words.count else { return nil }
                current = words[index]
            }
            let bit = current.trailingZeroBitCount
            current &= current - 1
            return index * 64 + bit
        }
    }

    /// An iterator over the ids in ascending order.
    public func makeIterator() -> Iterator { Iterator(words: words) }
    /// The number of ids: exact, not an estimate.
    public var underestimatedCount: Int { count }
}

extension IDSet: ExpressibleByArrayLiteral {
    /// A set from a literal: `let nodes: NodeSet = [0, 2]`.
    ///
    /// - Precondition: every id is in `0..<IDSet.limit`.
    public init(arrayLiteral elements: Int...) {
        self.init(elements)
    }
}

extension IDSet: CustomStringConvertible {
    /// The kernel's list form: `0-3,8`; empty for an empty set.
    public var description: String {
        var text = ""
        forEachRun { first, last in
            if !text.isEmpty { text += "," }
            text += first.decimalText
            if last != first {
                text += "-"
                text += last.decimalText
            }
        }
        return text
    }
}

// MARK: - The formats sysfs and /proc use

extension IDSet {
    /// Reads a hexadecimal mask as sysfs `cpumap` and `/proc/PID/status`
    /// (`Cpus_allowed`, `Mems_allowed`) write it: 32-bit words in hex,
    /// separated by commas, most significant word first.
    ///
    /// Masks of any width are accepted, with or without trailing NUL bytes,
    /// blanks or newlines. Returns nil for anything else, or for a set bit at
    /// or above ``limit``.
    public init?(mask text: some StringProtocol) {
        self.init(maskBytes: Array(text.utf8))
    }

    /// ``init(mask:)`` over the bytes of a file.
    package init?(maskBytes bytes: [UInt8]) {
        var end = bytes.count
        var start = 0
        while end > start, isPadding(bytes[end - 1]) { end -= 1 }
        while start < end, isPadding(bytes[start]) { start += 1 }
        guard start < end else { return nil }
        // 32-bit groups from the least significant (last) one; a 8192-CPU
        // map has 256 of them, mostly zero, on every node.
        var groups = 1
        bytes.withUnsafeBufferPointer { bytes in
            for index in start..<end where bytes[index] == UInt8(ascii: ",") { groups += 1 }
        }
        var words64 = [UInt64](repeating: 0, count: (groups + 1) / 2)
        let valid: Bool = bytes.withUnsafeBufferPointer { bytes in
            words64.withUnsafeMutableBufferPointer { words in
                var group = 0
                var groupEnd = end
                while true {
                    if groupEnd - start >= 8,
                        UnsafeRawPointer(bytes.baseAddress! + groupEnd - 8).loadUnaligned(as: UInt64.self)
                            == 0x3030_3030_3030_3030,
                        groupEnd - 8 == start || bytes[groupEnd - 9] == UInt8(ascii: ",")
                    {
                        // "00000000": the common group of a wide map, taken
                        // whole without looking for its comma byte by byte.
                        group += 1
                        if groupEnd - 8 == start { return true }
                        groupEnd -= 9
                        if groupEnd == start { return false }
                        continue
                    }
                    var groupStart = groupEnd
                    while groupStart > start && bytes[groupStart - 1] != UInt8(ascii: ",") { groupStart -= 1 }
                    let digits = groupEnd - groupStart
                    guard digits > 0, digits <= 8 else { return false }
                    var value: UInt64 = 0
                    for index in groupStart..<groupEnd {
                        guard let nibble = hexDigit(bytes[index], radix: 16) else { return false }
                        value = value << 4 | UInt64(nibble)
                    }
                    if value != 0 {
                        words[group >> 1] |= value << (group & 1 == 0 ? 0 : 32)
                    }
                    group += 1
                    if groupStart == start { return true }
                    groupEnd = groupStart - 1
                    if groupEnd == start { return false }
                }
            }
        }
        guard valid else { return nil }
        self.init(words: words64)
        if let top = last, top >= Self.limit { return nil }
    }

    /// Reads the kernel's list form as sysfs `cpulist` and `online` write it:
    /// `0-3,8,10-11`, with or without a trailing newline. An empty text is an
    /// empty set. Returns nil for anything else, a reversed range, or an id at
    /// or above ``limit``.
    public init?(list text: some StringProtocol) {
        self.init(listBytes: Array(text.utf8))
    }

    /// ``init(list:)`` over the bytes of a file, ids below `limit`: one pass
    /// over the bytes, each range inserted a word at a time, so that the
    /// work grows with the bytes and the ids' span, never with the ids' count
    /// times the number of ranges.
    package init?(listBytes bytes: [UInt8], limit: Int = Self.limit) {
        self.init()
        var end = bytes.count
        var start = 0
        while end > start, isPadding(bytes[end - 1]) { end -= 1 }
        while start < end, isPadding(bytes[start]) { start += 1 }
        guard start < end else { return }
        let limit = Swift.min(limit, Self.limit)
        var index = start
        // Reads a decimal number below `limit` at `index`, or nil.
        func number() -> Int? {
            var value = 0
            let first = index
            while index < end, bytes[index] &- 0x30 < 10 {
                value = value * 10 + Int(bytes[index] &- 0x30)
                if value >= limit { return nil }
                index += 1
            }
            return index > first ? value : nil
        }
        while true {
            guard let low = number() else { return nil }
            var high = low
            if index < end && bytes[index] == UInt8(ascii: "-") {
                index += 1
                guard let value = number(), value >= low else { return nil }
                high = value
            }
            if low == high { insertID(low) } else { insertRange(low, high) }
            if index == end { return }
            guard bytes[index] == UInt8(ascii: ","), index + 1 < end else { return nil }
            index += 1
        }
    }

    /// The set when every id is below the kernel's limit (``IDKind/kernelLimit``),
    /// else nil: a file that names more CPUs or nodes than Linux can have is
    /// not a real machine's, and is not turned into an endless list.
    package var withinKernelLimit: Self? {
        (last ?? -1) < Kind.kernelLimit ? self : nil
    }

    /// The set as a hexadecimal mask in the `cpumap` format, at least `minimumWords` 32-bit words wide.
    public func mask(minimumWords: Int = 1) -> String {
        var words32: [UInt32] = []
        for word in words {
            words32.append(UInt32(truncatingIfNeeded: word))
            words32.append(UInt32(truncatingIfNeeded: word >> 32))
        }
        while words32.count > Swift.max(minimumWords, 1), words32.last == 0 { words32.removeLast() }
        while words32.count < minimumWords { words32.append(0) }
        return words32.reversed().map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined(separator: ",")
    }
}

/// Whether a byte is the padding sysfs and /proc put around values: blanks,
/// newlines and NUL bytes.
func isPadding(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0 || byte == 0x0D
}

extension StringProtocol {
    /// The text without leading and trailing blanks, newlines and NUL bytes.
    package func trimmingWhitespaceAndNUL() -> Substring {
        let text = Substring(self)
        let bytes = text.utf8
        guard let start = bytes.firstIndex(where: { !isPadding($0) }),
            let last = bytes.lastIndex(where: { !isPadding($0) })
        else { return "" }
        return text[start..<bytes.index(after: last)]
    }

    /// The blank-separated words of the text, split on bytes (fast for large sysfs files).
    package func words(separatedBy separators: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0 })
        -> [Substring]
    {
        let text = Substring(self)
        let bytes = text.utf8
        var result: [Substring] = []
        var start: Substring.UTF8View.Index?
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if separators(bytes[index]) {
                if let begin = start {
                    result.append(text[begin..<index])
                    start = nil
                }
            } else if start == nil {
                start = index
            }
            index = bytes.index(after: index)
        }
        if let begin = start { result.append(text[begin..<bytes.endIndex]) }
        return result
    }
}
