/// Numbers as the C library reads them, shared by every parser in swnuma that
/// must accept what numactl accepts.

/// A number scanned the way C's `strtoul(3)` with base 0 reads one: leading
/// blanks, an optional sign, then `0x` hexadecimal, leading-0 octal or
/// decimal digits, stopping at the first byte that is not a digit.
package struct CNumber {
    /// The value of the digits (wrapped if `overflow`).
    package var value: UInt64
    /// Whether the digits do not fit 64 bits.
    package var overflow: Bool
    /// Whether a `-` came before the digits.
    package var negative: Bool
    /// Whether a `+` or `-` came before the digits.
    package var signed: Bool
    /// Where the number starts (after the blanks, at the sign if any).
    package var start: Int
    /// Where the digits start.
    package var digitsStart: Int
    /// One past the last digit.
    package var end: Int

    /// Whether any digit was read.
    package var hasDigits: Bool { end > digitsStart }

    /// Scans `bytes` from `position`, skipping the blanks `isBlank` accepts.
    package init(scanning bytes: [UInt8], from position: Int, isBlank: (UInt8) -> Bool) {
        var at = position
        while at < bytes.count, isBlank(bytes[at]) { at += 1 }
        start = at
        negative = false
        signed = false
        if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") {
            negative = bytes[at] == UInt8(ascii: "-")
            signed = true
            at += 1
        }
        var radix = 10
        if at < bytes.count, bytes[at] == UInt8(ascii: "0") {
            radix = 8
            if at + 2 < bytes.count, bytes[at + 1] | 0x20 == UInt8(ascii: "x"), hexDigit(bytes[at + 2], radix: 16) != nil {
                radix = 16
                at += 2
            }
        }
        digitsStart = at
        value = 0
        overflow = false
        while at < bytes.count, let digit = hexDigit(bytes[at], radix: radix) {
            let (times, o1) = value.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
            overflow = overflow || o1 || o2
            value = sum
            at += 1
        }
        end = at
    }
}

/// The value of a digit in `radix` (up to 16), or nil.
func hexDigit(_ byte: UInt8, radix: Int) -> Int? {
    let value: Int
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
    default: return nil
    }
    return value < radix ? value : nil
}

extension UInt64 {
    /// A plain unsigned decimal number that fills `bytes` (digits only), or
    /// nil; never traps on overflow.
    package init?<Bytes: Collection<UInt8>>(decimalBytes bytes: Bytes) {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        self = value
    }

    /// A plain unsigned decimal number (digits only), or nil; never traps on overflow.
    package init?(decimalText text: some StringProtocol) {
        self.init(decimalBytes: text.utf8)
    }
}

extension Int {
    /// A plain unsigned decimal number (digits only), or nil; never traps on overflow.
    package init?(decimal text: some StringProtocol) {
        guard let value = UInt64(decimalText: text), value <= UInt64(Int.max) else { return nil }
        self = Int(value)
    }

    /// ``init(decimal:)`` for a `String`: a concrete overload, compiled
    /// here for its type, so that a caller in another module does not run
    /// the generic code (whose first call resolves its types at run time).
    package init?(decimal text: String) {
        guard let value = UInt64(decimalBytes: text.utf8), value <= UInt64(Int.max) else { return nil }
        self = Int(value)
    }

    /// ``init(decimal:)`` for a `Substring`, for the same reason.
    package init?(decimal text: Substring) {
        guard let value = UInt64(decimalBytes: text.utf8), value <= UInt64(Int.max) else { return nil }
        self = Int(value)
    }
}

extension UInt64 {
    /// ``init(decimalText:)`` for a `String`, compiled for its type.
    package init?(decimalText text: String) {
        self.init(decimalBytes: text.utf8)
    }

    /// ``init(decimalText:)`` for a `Substring`, compiled for its type.
    package init?(decimalText text: Substring) {
        self.init(decimalBytes: text.utf8)
    }
}

/// Writes the decimal digits of `value` backwards so that they end at `end`
/// of `buffer`; returns where they start. The one digit writer of swnuma's
/// text (sysfs paths here, tables and reports through the CLI's `ByteText`).
@inlinable
package func writeDecimalDigits<Value: FixedWidthInteger & UnsignedInteger>(
    _ value: Value, endingAt end: Int, in buffer: UnsafeMutableBufferPointer<UInt8>
) -> Int {
    // 64-bit steps where the value fits: wider division is a library call.
    if Value.bitWidth > 64, let small = UInt64(exactly: value) {
        return writeDecimalDigits(small, endingAt: end, in: buffer)
    }
    var at = end
    var rest = value
    repeat {
        at -= 1
        buffer[at] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
    } while rest > 0
    return at
}

extension Int {
    /// The decimal digits of a non-negative value (a node or CPU number in a
    /// sysfs path), without the standard library's generic integer text,
    /// which costs every start-up a 64 KB window of its code for one path.
    /// Negative values fall back to `description`.
    package var decimalText: String {
        guard self >= 0 else { return description }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            let start = writeDecimalDigits(UInt(self), endingAt: 20, in: buffer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<20]), as: UTF8.self)
        }
    }
}

extension String {
    /// Whether the bytes start with `prefix`'s: for names the kernel writes
    /// (sysfs folders, file names), which are bytes, not text to segment.
    @inlinable
    package func hasBytePrefix(_ prefix: StaticString) -> Bool {
        utf8.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    }
}

/// The page size in KiB a sysfs huge page folder is named for
/// (`hugepages-2048kB`), or nil for another name; read as bytes.
package func hugePageFolderKiB(_ name: String) -> UInt64? {
    let bytes = name.utf8
    guard bytes.count > 12, bytes.starts(with: "hugepages-".utf8), bytes.reversed().starts(with: "Bk".utf8)
    else { return nil }
    return UInt64(decimalText: Substring(bytes.dropFirst(10).dropLast(2)))
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes at `range` start with `prefix`'s, compared eight
    /// bytes at a time: the word tests of the parsers of kernel files
    /// (`kernelpagesize_kB=` is on nearly every line of a numa_maps).
    @inline(__always)
    package func bytes(at range: Range<Int>, startWith prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard range.count >= count else { return false }
        let token = UnsafeRawPointer(baseAddress! + range.lowerBound)
        let word = UnsafeRawPointer(prefix.utf8Start)
        var offset = 0
        while count - offset >= 8 {
            if token.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != word.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if token.load(fromByteOffset: offset, as: UInt8.self) != word.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset += 1
        }
        return true
    }

    /// Whether the bytes at `range` are `word`'s.
    @inline(__always)
    package func bytes(at range: Range<Int>, are word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount && bytes(at: range, startWith: word)
    }

    /// The index of the first newline at or after `start`, or `count` when
    /// none follows: eight bytes at a time, each compared with `\n` by the
    /// word test for a zero byte (whose lowest flagged byte is the first zero).
    package func indexOfNewline(from start: Int) -> Int {
        var at = start
        while count - at >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(baseAddress! + at).loadUnaligned(as: UInt64.self)) ^ 0x0A0A_0A0A_0A0A_0A0A
            let zero = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zero != 0 { return at + zero.trailingZeroBitCount >> 3 }
            at += 8
        }
        while at < count && self[at] != 0x0A { at += 1 }
        return at
    }
}
