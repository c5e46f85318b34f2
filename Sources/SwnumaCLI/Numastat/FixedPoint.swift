/// Fixed-point decimal text for a `Double`, as C's `printf("%.*f")` writes it:
/// the exact binary value rounded to `decimals` places, ties to even.
enum FixedPoint {
    static func format(_ value: Double, decimals: Int) -> String {
        var bytes: [UInt8] = []
        append(value, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the text of ``format(_:decimals:)`` to `bytes`.
    static func append(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
        guard value.isFinite else {
            bytes.append(contentsOf: (value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")).utf8)
            return
        }
        var value = value
        if value.sign == .minus {
            bytes.append(UInt8(ascii: "-"))
            value = -value
        }
        let places = max(0, min(decimals, 18))
        // Beyond 2^127 the value is a whole number wider than 128 bits.
        guard value < 0x1p127 else {
            appendWide(value, to: &bytes)
            if places > 0 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: places))
            }
            return
        }
        var whole = UInt128(value.rounded(.towardZero))
        let fraction = value - value.rounded(.towardZero)
        var scale: UInt128 = 1
        for _ in 0..<places { scale *= 10 }
        var digits: UInt128 = 0
        // Below 2^-70 the fraction rounds to zero at up to 18 places; above, the shift fits 128 bits.
        if fraction >= 0x1p-70 {
            // fraction = significand * 2^-shift exactly, with a 53-bit significand.
            let shift = 52 - Int(fraction.exponent)
            let significand = UInt128((1 as UInt64) << 52 | fraction.significandBitPattern)
            let scaled = significand * scale
            digits = scaled >> shift
            let remainder = scaled & ((1 << shift) - 1)
            let half: UInt128 = 1 << (shift - 1)
            let lastIsOdd = places > 0 ? digits & 1 == 1 : whole & 1 == 1
            if remainder > half || (remainder == half && lastIsOdd) { digits += 1 }
            if digits == scale {
                digits = 0
                whole += 1
            }
        }
        appendDecimal(whole, minimumDigits: 1, to: &bytes)
        guard places > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        appendDecimal(digits, minimumDigits: places, to: &bytes)
    }

    /// The exact decimal digits of a finite whole `value` of 2^53 or more:
    /// its significand doubled once per binary place, in base-10^9 limbs.
    private static func appendWide(_ value: Double, to bytes: inout [UInt8]) {
        let base: UInt64 = 1_000_000_000
        var significand = (1 as UInt64) << 52 | value.significandBitPattern
        var limbs: [UInt64] = []  // least significant first
        while significand > 0 {
            limbs.append(significand % base)
            significand /= base
        }
        for _ in 0..<(Int(value.exponent) - 52) {
            var carry: UInt64 = 0
            for index in limbs.indices {
                let doubled = limbs[index] * 2 + carry
                limbs[index] = doubled % base
                carry = doubled / base
            }
            if carry > 0 { limbs.append(carry) }
        }
        appendDecimal(UInt128(limbs[limbs.count - 1]), minimumDigits: 1, to: &bytes)
        for limb in limbs.dropLast().reversed() { appendDecimal(UInt128(limb), minimumDigits: 9, to: &bytes) }
    }

    /// The decimal digits of `value`, with leading zeros up to `minimumDigits`.
    private static func appendDecimal(_ value: UInt128, minimumDigits: Int, to bytes: inout [UInt8]) {
        // Digits come least significant first: written from the end of a
        // scratch buffer (a UInt128 has at most 39), then appended in order.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { scratch in
            // 64-bit steps where the value fits: 128-bit division is a library call.
            let start =
                if let small = UInt64(exactly: value) {
                    writeDigits(small, endingAt: scratch.count, in: scratch)
                } else {
                    writeDigits(value, endingAt: scratch.count, in: scratch)
                }
            let written = scratch.count - start
            if written < minimumDigits {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: minimumDigits - written))
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[start...]))
        }
    }

    /// Writes the digits of `value` backwards so that they end at `end`;
    /// returns where they start.
    private static func writeDigits<Value: FixedWidthInteger & UnsignedInteger>(
        _ value: Value, endingAt end: Int, in scratch: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        var at = end
        var rest = value
        repeat {
            at -= 1
            scratch[at] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        return at
    }
}
