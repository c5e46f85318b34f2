/// Fixed-point decimal text for a `Double`, as C's `printf("%.*f")` writes it:
/// the exact binary value rounded to `decimals` places, ties to even.
enum FixedPoint {
    static func format(_ value: Double, decimals: Int) -> String {
        var text = ByteText(capacity: 32)
        append(value, decimals: decimals, to: &text)
        return text.string
    }

    /// Appends the text of ``format(_:decimals:)`` to `text`.
    static func append(_ value: Double, decimals: Int, to text: inout ByteText) {
        guard value.isFinite else {
            text.append(value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf"))
            return
        }
        var value = value
        if value.sign == .minus {
            text.append("-")
            value = -value
        }
        let places = max(0, min(decimals, 18))
        // numastat's numbers (0 or 2 places, below 2^64): the same digits
        // in 64-bit arithmetic, without 128-bit divisions.
        if places <= 3 && value < 0x1p64 {
            appendNarrow(value, places: places, to: &text)
            return
        }
        // Beyond 2^127 the value is a whole number wider than 128 bits.
        guard value < 0x1p127 else {
            appendWide(value, to: &text)
            if places > 0 {
                text.append(".")
                text.append(repeating: UInt8(ascii: "0"), count: places)
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
            digits = roundedDigits(significand, shift: shift, scale: scale, places: places, whole: &whole)
        }
        text.append(whole)
        guard places > 0 else { return }
        text.append(".")
        text.append(digits, minimumDigits: places)
    }

    /// ``append(_:decimals:to:)`` for a value in [0, 2^64) and up to 3 places.
    ///
    /// The fraction's 53-bit significand times 10^3 fits 63 bits; a fraction
    /// below 2^-11 is less than half a unit in the third place, so it rounds
    /// to no digits (and never carries into the whole part).
    private static func appendNarrow(_ value: Double, places: Int, to text: inout ByteText) {
        let truncated = value.rounded(.towardZero)
        var whole = UInt64(truncated)
        let fraction = value - truncated
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        var digits: UInt64 = 0
        if fraction >= 0x1p-11 {
            // fraction = significand * 2^-shift exactly, shift in 53...63.
            let shift = 52 - Int(fraction.exponent)
            let significand = (1 as UInt64) << 52 | fraction.significandBitPattern
            digits = roundedDigits(significand, shift: shift, scale: scale, places: places, whole: &whole)
        }
        text.append(whole)
        guard places > 0 else { return }
        text.append(".")
        text.append(digits, minimumDigits: places)
    }

    /// The fraction `significand * 2^-shift` as `places` decimal digits
    /// (a number below `scale` = 10^places), rounded ties to even; a
    /// rounding up to `scale` carries into `whole` instead. The caller's
    /// width holds `significand * scale`.
    @inline(__always)
    private static func roundedDigits<Word: FixedWidthInteger & UnsignedInteger>(
        _ significand: Word, shift: Int, scale: Word, places: Int, whole: inout Word
    ) -> Word {
        let scaled = significand * scale
        var digits = scaled >> shift
        let remainder = scaled & ((1 << shift) - 1)
        let half: Word = 1 << (shift - 1)
        let lastIsOdd = places > 0 ? digits & 1 == 1 : whole & 1 == 1
        if remainder > half || (remainder == half && lastIsOdd) { digits += 1 }
        if digits == scale {
            digits = 0
            whole += 1
        }
        return digits
    }

    /// The exact decimal digits of a finite whole `value` of 2^53 or more:
    /// its significand doubled once per binary place, in base-10^9 limbs.
    private static func appendWide(_ value: Double, to text: inout ByteText) {
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
        text.append(limbs[limbs.count - 1])
        for limb in limbs.dropLast().reversed() { text.append(limb, minimumDigits: 9) }
    }
}
