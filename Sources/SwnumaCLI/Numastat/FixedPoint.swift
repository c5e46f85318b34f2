/// Fixed-point decimal text for a `Double`, as C's `printf("%.*f")` writes it:
/// the exact binary value rounded to `decimals` places, ties to even.
enum FixedPoint {
    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        if value.sign == .minus { return "-" + format(-value, decimals: decimals) }
        let places = max(0, min(decimals, 18))
        // Beyond 2^127 the fraction is always zero; the integer needs more than 128 bits.
        guard value < 0x1p127 else { return "\(value)" }
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
        guard places > 0 else { return String(whole) }
        let text = String(digits)
        return String(whole) + "." + String(repeating: "0", count: places - text.count) + text
    }
}
