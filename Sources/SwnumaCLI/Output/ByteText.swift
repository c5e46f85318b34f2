import NUMA

/// An output buffer of UTF-8 bytes with the few number formats swnuma prints.
struct ByteText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// How many bytes have been appended.
    var count: Int { bytes.count }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(repeating byte: UInt8, count: Int) {
        bytes.append(contentsOf: repeatElement(byte, count: max(0, count)))
    }

    /// A decimal number, as printf's `%d` writes it.
    mutating func append(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(UInt64(value.magnitude))
        } else {
            append(UInt64(value))
        }
    }

    /// An unsigned decimal number with at least `minimumDigits` digits
    /// (leading zeros), as printf's `%0*llu` writes it.
    mutating func append<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, minimumDigits: Int = 1) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Value.bitWidth / 3 + 1) { scratch in
            let start = writeDecimalDigits(value, endingAt: scratch.count, in: scratch)
            let length = scratch.count - start
            if minimumDigits > length { append(repeating: UInt8(ascii: "0"), count: minimumDigits - length) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[start...]))
        }
    }

    /// Cuts what was appended since `start` to `width` bytes and pads it with
    /// blanks to `width`: after it when `leftAligned`, before it otherwise
    /// (printf's `%-*.*s` and `%*.*s` of ASCII text).
    mutating func fitColumn(from start: Int, width: Int, leftAligned: Bool) {
        let length = bytes.count - start
        if length > width {
            bytes.removeSubrange((start + width)...)
        } else if length < width {
            let padding = repeatElement(UInt8(ascii: " "), count: width - length)
            if leftAligned {
                bytes.append(contentsOf: padding)
            } else {
                bytes.insert(contentsOf: padding, at: start)
            }
        }
    }

    /// printf's `% 4d`: a space for the sign of a non-negative number, right-aligned in 4 columns.
    mutating func appendColumn(_ value: Int) {
        if value >= 0 && value < 1000 {
            // The common case, distances and node ids below 1000: four bytes.
            withUnsafeBytes(of: Self.smallColumn(value)) { bytes.append(contentsOf: $0) }
            return
        }
        let width = Self.digitCount(value.magnitude) + 1
        for _ in width..<max(width, 4) { bytes.append(0x20) }
        if value < 0 {
            append(value)
        } else {
            bytes.append(0x20)
            append(UInt64(value))
        }
    }

    /// `% 4d` of 0 to 999 as four bytes in memory order, one store per cell.
    static func smallColumn(_ value: Int) -> UInt32 {
        let hundreds = UInt32(value / 100)
        let tens = UInt32(value / 10 % 10)
        let second: UInt32 = hundreds == 0 ? 0x20 : 0x30 + hundreds
        let third: UInt32 = hundreds == 0 && tens == 0 ? 0x20 : 0x30 + tens
        let fourth = 0x30 + UInt32(value % 10)
        return (0x20 | second << 8 | third << 16 | fourth << 24).littleEndian
    }

    /// ``smallColumn(_:)`` of 0 to 999, for the large distance matrices
    /// only: a small machine's few cells are cheaper computed than the table.
    static let smallColumns: [UInt32] = (0..<1000).map(smallColumn)

    /// `% 4d ` for each of the first `count` distances (unknown ones as 0),
    /// written into one buffer: a 1024-node matrix has a million cells.
    mutating func appendDistanceCells(_ table: [Int32], count: Int) {
        // Read once, outside the loop: each read of a static checks its
        // one-time initialisation with a call. Below a thousand cells (a
        // machine of up to 31 nodes) each cell is computed instead.
        let smallColumns = count >= 1000 ? Self.smallColumns : nil
        let cells = [UInt8](unsafeUninitializedCapacity: count * 12) { buffer, initialized in
            var at = 0
            for index in 0..<count {
                let value = index < table.count ? Int(max(table[index], 0)) : 0
                if value < 1000 {
                    let cell = smallColumns?[value] ?? Self.smallColumn(value)
                    UnsafeMutableRawPointer(buffer.baseAddress! + at).storeBytes(of: cell, as: UInt32.self)
                    at += 4
                } else {
                    // Four digits or more: the sign space, then the digits.
                    buffer[at] = 0x20
                    at += 1
                    let digits = Self.digitCount(UInt(value))
                    _ = writeDecimalDigits(UInt(value), endingAt: at + digits, in: buffer)
                    at += digits
                }
                buffer[at] = 0x20
                at += 1
            }
            initialized = at
        }
        bytes.append(contentsOf: cells)
    }

    mutating func appendSpace() {
        bytes.append(0x20)
    }

    /// `%llu MB` of whole MiB, or `<not available>`.
    mutating func appendMegabytes(_ value: UInt64?) {
        guard let value else {
            append("<not available>")
            return
        }
        append(value >> 20)
        append(" MB")
    }

    private static func digitCount(_ value: UInt) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }
}
