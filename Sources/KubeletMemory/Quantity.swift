/// A Kubernetes resource quantity (`1Gi`, `512M`, `100m`, `1e3`), read and
/// written by the rules of the kubelet's own quantity type: the same
/// suffixes, the same rounding up to a nano unit, the same canonical form in
/// messages, the same refusals, and the same answer to "is this a whole
/// 64-bit number" (``int64Value``, the kubelet's `AsInt64`).
///
/// The value is kept exactly, in nano units, in 128 bits: up to about
/// 1.7 × 10^29. The kubelet's type has no upper bound, but nothing it converts
/// to bytes can be that large, so a quantity beyond that range is reported as
/// one swnuma cannot compute with (``QuantityError/outOfRange``).
///
/// Beside the value, a quantity remembers how the kubelet would hold it: as
/// a 64-bit integer with a decimal scale (`1Gi`, `1500M`, `100m`), or as an
/// arbitrary-precision decimal (`0.5Gi`, 19 or more digits). Only the first
/// with a scale of zero or more converts to bytes in the kubelet.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    /// How a quantity is written back: decimal suffixes (`k`, `M`, `G`),
    /// binary suffixes (`Ki`, `Mi`, `Gi`) or a decimal exponent (`e3`).
    public enum Format: String, Hashable, Sendable {
        case decimalSI = "DecimalSI"
        case binarySI = "BinarySI"
        case decimalExponent = "DecimalExponent"
    }

    /// The value in units of 10^-9.
    public private(set) var nanos: Int128
    /// The format the value is written in.
    public private(set) var format: Format
    /// The kubelet's 64-bit form, `value × 10^scale`, when it holds the
    /// quantity as one; nil when it holds an arbitrary-precision decimal.
    public private(set) var int64Amount: (value: Int64, scale: Int32)?

    static let nano: Int128 = 1_000_000_000

    /// A quantity of `nanos` billionths in `format` (held as the kubelet
    /// holds a whole number of units when it is one).
    public init(nanos: Int128, format: Format) {
        self.nanos = nanos
        self.format = format
        let (whole, part) = nanos.quotientAndRemainder(dividingBy: Quantity.nano)
        if part == 0, let units = Int64(exactly: whole) { int64Amount = (units, 0) }
    }

    /// A whole number of units (bytes, for memory) in `format`.
    public init(_ units: Int64, format: Format = .decimalSI) {
        self.init(nanos: Int128(units) * Quantity.nano, format: format)
    }

    private init(nanos: Int128, format: Format, amount: (value: Int64, scale: Int32)?) {
        self.nanos = nanos
        self.format = format
        self.int64Amount = amount
    }

    /// Zero, in the decimal format.
    public static let zero = Quantity(nanos: 0, format: .decimalSI)

    public var isZero: Bool { nanos == 0 }
    public var isNegative: Bool { nanos < 0 }

    /// Two quantities are equal when their values are, whatever their form
    /// (as the kubelet's `Cmp`), and their formats are.
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool {
        lhs.nanos == rhs.nanos && lhs.format == rhs.format
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(nanos)
        hasher.combine(format)
    }

    /// The value in whole units as the kubelet's `AsInt64` gives it: only a
    /// quantity the kubelet holds as a 64-bit integer with a scale of zero or
    /// more (`1Gi`, `1500M`, `1.5k`), never one with a fraction or a negative
    /// scale (`0.5Gi`, `1.5Gi`, `1000m`, `1.0`, `100.5`) or with 19 or more
    /// digits, even when its value is a whole number. The kubelet refuses to
    /// start when a reservation fails this.
    public var int64Value: Int64? {
        guard let (value, scale) = int64Amount, scale >= 0 else { return nil }
        return Quantity.scaleUp(value, by: scale)
    }

    /// The value as a whole number of units within 64 bits, however the
    /// kubelet holds it (`1000m` is 1), else nil. For swnuma's own
    /// arithmetic; the kubelet's conversion is ``int64Value``.
    public var wholeUnits: Int64? {
        let (whole, part) = nanos.quotientAndRemainder(dividingBy: Quantity.nano)
        guard part == 0 else { return nil }
        return Int64(exactly: whole)
    }

    /// `value × 10^scale` within 64 bits, as the kubelet's `positiveScaleInt64`.
    static func scaleUp(_ value: Int64, by scale: Int32) -> Int64? {
        if scale == 0 { return value }
        if value == 0 { return 0 }
        guard scale <= 18 else { return nil }
        var result = value
        for _ in 0..<scale {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }

    /// The sum, in the format the kubelet's `Add` leaves: the receiver's,
    /// unless the receiver is zero, which takes the other's. The sum stays a
    /// 64-bit amount (at the smaller scale) when both are and it fits, as in
    /// the kubelet.
    public func adding(_ other: Quantity) throws(QuantityError) -> Quantity {
        let (sum, overflow) = nanos.addingReportingOverflow(other.nanos)
        if overflow { throw .outOfRange(description) }
        var amount: (value: Int64, scale: Int32)?
        if let a = int64Amount, let b = other.int64Amount {
            amount = Quantity.addAmounts(a, b)
        }
        return Quantity(nanos: sum, format: isZero ? other.format : format, amount: amount)
    }

    static func addAmounts(_ a: (value: Int64, scale: Int32), _ b: (value: Int64, scale: Int32)) -> (value: Int64, scale: Int32)? {
        if b.value == 0 { return a }
        if a.value == 0 { return b }
        if a.scale == b.scale {
            let (sum, overflow) = a.value.addingReportingOverflow(b.value)
            return overflow ? nil : (sum, a.scale)
        }
        let (high, low) = a.scale > b.scale ? (a, b) : (b, a)
        guard let shifted = scaleUp(high.value, by: high.scale - low.scale) else { return nil }
        let (sum, overflow) = shifted.addingReportingOverflow(low.value)
        return overflow ? nil : (sum, low.scale)
    }

    // MARK: Parsing

    /// The regular expression the kubelet's message quotes for a malformed quantity.
    public static let grammar = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"

    /// Reads `text` as the kubelet's `ParseQuantity` does, in time linear in
    /// its length (leading zeros, long fractions and long exponents included).
    public static func parse(_ text: String) throws(QuantityError) -> Quantity {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { throw .formatWrong(text) }
        if bytes == [UInt8(ascii: "0")] { return .zero }
        let parts = try split(bytes, text: text)
        guard let (base, exponent, format) = interpret(parts.suffix) else { throw .suffix(text) }

        // The 64-bit form the kubelet takes when the digits are few enough.
        let numerator = parts.numerator.isEmpty ? [UInt8(ascii: "0")] : parts.numerator
        let digitCount = numerator.count + parts.denominator.count
        var amount: (value: Int64, scale: Int32)?
        if base == 10 {
            let scale = Int64(exponent) - Int64(parts.denominator.count)
            if digitCount <= 18, scale >= -9 {
                amount = (decimalValue(numerator + parts.denominator), Int32(scale))
            }
        } else if exponent >= 0, parts.denominator.isEmpty {
            let precision = 15 - numerator.count - Int(exponent) * 3 / 10 - 1
            if precision >= 0 {
                let value = decimalValue(numerator)
                let (product, overflow) = value.multipliedReportingOverflow(by: Int64(1) << Int64(exponent))
                if !overflow { amount = (product, 0) }
            }
        }

        // The exact value in nano units, rounded up as the kubelet rounds.
        var digits = parts.numerator + parts.denominator
        var finalFormat = format
        var result: Int128
        if base == 10 {
            result = try scaled(digits, shift: Int64(exponent) + 9 - Int64(parts.denominator.count), text: text, capped: false)
        } else {
            multiply(&digits, byPowerOfTwo: Int(exponent))
            result = try scaled(digits, shift: 9 - Int64(parts.denominator.count), text: text, capped: true)
            if amount == nil {
                // Binary quantities are capped at the largest 64-bit value.
                let cap = Int128(Int64.max) * nano
                if result > cap { result = cap }
                if result > 0 && result < nano { finalFormat = .decimalSI }
            }
        }
        if !parts.positive {
            result = -result
            if let (value, scale) = amount { amount = (-value, scale) }
        }
        return Quantity(nanos: result, format: finalFormat, amount: amount)
    }

    private struct Parts {
        var positive = true
        var numerator: [UInt8] = []
        var denominator: [UInt8] = []
        var suffix: [UInt8] = []
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isSuffixLetter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "m"),
            UInt8(ascii: "k"), UInt8(ascii: "K"), UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "P"):
            true
        default: false
        }
    }

    /// Splits sign, whole digits (leading zeros dropped), fraction digits and
    /// suffix as the kubelet does (which accepts `.`, `1.`, `+` and `-` as
    /// zero-like numbers).
    private static func split(_ s: [UInt8], text: String) throws(QuantityError) -> Parts {
        var parts = Parts()
        var at = 0
        if s[0] == UInt8(ascii: "-") {
            parts.positive = false
            at = 1
        } else if s[0] == UInt8(ascii: "+") {
            at = 1
        }
        while at < s.count, s[at] == UInt8(ascii: "0") { at += 1 }
        if at == s.count { return parts }
        let numStart = at
        while at < s.count, isDigit(s[at]) { at += 1 }
        parts.numerator = Array(s[numStart..<at])
        if at == s.count { return parts }
        if s[at] == UInt8(ascii: ".") {
            at += 1
            let denomStart = at
            while at < s.count, isDigit(s[at]) { at += 1 }
            parts.denominator = Array(s[denomStart..<at])
            if at == s.count { return parts }
        }
        let suffixStart = at
        while at < s.count, isSuffixLetter(s[at]) { at += 1 }
        if at < s.count, s[at] == UInt8(ascii: "-") || s[at] == UInt8(ascii: "+") { at += 1 }
        while at < s.count, isDigit(s[at]) { at += 1 }
        guard at == s.count else { throw .formatWrong(text) }
        parts.suffix = Array(s[suffixStart...])
        return parts
    }

    /// The base, exponent and format a suffix means, or nil. An exponent is
    /// read as a 64-bit number and kept in 32 bits, as the kubelet keeps it.
    static func interpret(_ suffix: [UInt8]) -> (base: Int, exponent: Int32, format: Format)? {
        let text = String(decoding: suffix, as: UTF8.self)
        if let exponent = decimalSuffixes.first(where: { $0.suffix == text })?.exponent { return (10, exponent, .decimalSI) }
        if !text.isEmpty, let power = binarySuffixes.firstIndex(of: text) { return (2, Int32(power * 10), .binarySI) }
        guard suffix.count > 1, suffix[0] == UInt8(ascii: "e") || suffix[0] == UInt8(ascii: "E"),
            let exponent = goParseInt64(suffix.dropFirst())
        else { return nil }
        return (10, Int32(truncatingIfNeeded: exponent), .decimalExponent)
    }

    /// The decimal SI suffixes and the powers of 10 they mean, read and printed.
    static let decimalSuffixes: [(suffix: String, exponent: Int32)] = [
        ("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18),
    ]

    /// The binary SI suffixes by power of 1024 (`Ki` is 1024¹), read and printed.
    static let binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    /// Decimal digits (at most 18) as a number.
    private static func decimalValue(_ digits: [UInt8]) -> Int64 {
        var value: Int64 = 0
        for digit in digits { value = value * 10 + Int64(digit - UInt8(ascii: "0")) }
        return value
    }

    /// Multiplies a decimal digit string by 2^power (at most 2^60) in one pass.
    private static func multiply(_ digits: inout [UInt8], byPowerOfTwo power: Int) {
        if power == 0 { return }
        let factor = UInt64(1) << UInt64(power)
        var carry: UInt64 = 0
        var index = digits.count - 1
        while index >= 0 {
            let product = UInt64(digits[index] - UInt8(ascii: "0")) * factor + carry
            digits[index] = UInt8(product % 10) + UInt8(ascii: "0")
            carry = product / 10
            index -= 1
        }
        var head: [UInt8] = []
        while carry > 0 {
            head.append(UInt8(carry % 10) + UInt8(ascii: "0"))
            carry /= 10
        }
        if !head.isEmpty { digits.insert(contentsOf: head.reversed(), at: 0) }
    }

    /// The decimal `digits` × 10^shift, rounded up (away from zero) when
    /// digits fall below the unit. Past 128 bits: the largest value when
    /// `capped` (binary quantities are capped anyway), else out of range.
    private static func scaled(_ digits: [UInt8], shift: Int64, text: String, capped: Bool) throws(QuantityError) -> Int128 {
        var end = digits.count
        var roundUp = false
        if shift < 0 {
            let drop = Int(min(-shift, Int64(end)))
            roundUp = digits[(end - drop)..<end].contains { $0 != UInt8(ascii: "0") }
            end -= drop
        }
        var start = 0
        while start < end, digits[start] == UInt8(ascii: "0") { start += 1 }
        let tooLarge: QuantityError = .outOfRange(text)
        var value: Int128 = 0
        if end - start > 39 {
            if capped { return Int128.max }
            throw tooLarge
        }
        for digit in digits[start..<end] {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int128(digit - UInt8(ascii: "0")))
            if o1 || o2 {
                if capped { return Int128.max }
                throw tooLarge
            }
            value = sum
        }
        if shift > 0 && value != 0 {
            guard shift <= 38 else {
                if capped { return Int128.max }
                throw tooLarge
            }
            var power: Int128 = 1
            for _ in 0..<shift { power *= 10 }
            let (product, overflow) = value.multipliedReportingOverflow(by: power)
            if overflow {
                if capped { return Int128.max }
                throw tooLarge
            }
            value = product
        }
        if roundUp { value += 1 }
        return value
    }

    // MARK: Writing

    /// The canonical form the kubelet prints (`1Gi`, `1536Mi`, `12`, `1500m`, `1e3`).
    public var description: String {
        if nanos == 0 { return "0" }
        if format == .binarySI, nanos % Quantity.nano == 0 {
            let whole = nanos / Quantity.nano
            if whole <= -1024 || whole >= 1024 {
                var mantissa = whole
                var power = 0
                while power < 6, mantissa % 1024 == 0 {
                    mantissa /= 1024
                    power += 1
                }
                return "\(mantissa)" + Quantity.binarySuffixes[power]
            }
        }
        var mantissa = nanos
        var exponent = -9
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        while exponent % 3 != 0 {
            mantissa *= 10
            exponent -= 1
        }
        if format == .decimalExponent {
            return exponent == 0 ? "\(mantissa)" : "\(mantissa)e\(exponent)"
        }
        while exponent > 18 {
            mantissa *= 10
            exponent -= 1
        }
        return "\(mantissa)" + (Quantity.decimalSuffixes.first { $0.exponent == exponent }?.suffix ?? "")
    }
}

/// A quantity the kubelet's parser refuses, or one beyond what swnuma computes with.
public enum QuantityError: Error, Hashable, Sendable, CustomStringConvertible {
    case formatWrong(String)
    case suffix(String)
    case numeric(String)
    case outOfRange(String)

    /// The text that was refused.
    public var text: String {
        switch self {
        case .formatWrong(let text), .suffix(let text), .numeric(let text), .outOfRange(let text): text
        }
    }

    /// The kubelet's own message (or swnuma's, for ``outOfRange``).
    public var description: String {
        switch self {
        case .formatWrong: "quantities must match the regular expression '\(Quantity.grammar)'"
        case .suffix: "unable to parse quantity's suffix"
        case .numeric: "unable to parse numeric portion of quantity"
        case .outOfRange(let text): "quantity '\(text)' is beyond 10^29, more than any memory swnuma can reason about"
        }
    }
}
