/// A Kubernetes resource quantity (`1Gi`, `512M`, `100m`, `1e3`), read and
/// written by the rules of the kubelet's own quantity type: the same
/// suffixes, the same rounding up to a nano unit, the same canonical form in
/// messages, and the same refusals.
///
/// The value is kept exactly, in nano units, in 128 bits: up to about
/// 1.7 × 10^29. The kubelet's type has no upper bound, but nothing it converts
/// to bytes can be that large, so a quantity beyond that range is reported as
/// one swnuma cannot compute with (``QuantityError/outOfRange``).
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

    static let nano: Int128 = 1_000_000_000

    /// A quantity of `nanos` billionths in `format`.
    public init(nanos: Int128, format: Format) {
        self.nanos = nanos
        self.format = format
    }

    /// A whole number of units (bytes, for memory) in `format`.
    public init(_ units: Int64, format: Format = .decimalSI) {
        self.init(nanos: Int128(units) * Quantity.nano, format: format)
    }

    /// Zero, in the decimal format.
    public static let zero = Quantity(nanos: 0, format: .decimalSI)

    public var isZero: Bool { nanos == 0 }
    public var isNegative: Bool { nanos < 0 }

    /// The value as a whole number of units when it is one and fits 64 bits
    /// (the kubelet's `AsInt64`), else nil.
    public var int64Value: Int64? {
        let (whole, part) = nanos.quotientAndRemainder(dividingBy: Quantity.nano)
        guard part == 0, whole >= Int128(Int64.min), whole <= Int128(Int64.max) else { return nil }
        return Int64(whole)
    }

    /// The sum, in the format the kubelet's `Add` leaves: the receiver's,
    /// unless the receiver is zero, which takes the other's.
    public func adding(_ other: Quantity) throws(QuantityError) -> Quantity {
        let (sum, overflow) = nanos.addingReportingOverflow(other.nanos)
        if overflow { throw .outOfRange(description) }
        return Quantity(nanos: sum, format: isZero ? other.format : format)
    }

    // MARK: Parsing

    /// The regular expression the kubelet's message quotes for a malformed quantity.
    public static let grammar = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"

    /// Reads `text` as the kubelet's `ParseQuantity` does.
    public static func parse(_ text: String) throws(QuantityError) -> Quantity {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { throw .formatWrong(text) }
        if text == "0" { return .zero }
        let parts = try split(bytes, text: text)
        let suffix = String(decoding: parts.suffix, as: UTF8.self)
        guard let (base, exponent, format) = interpret(suffix) else { throw .suffix(text) }

        let digits = parts.numerator + parts.denominator
        var result: Int128
        var finalFormat = format
        if base == 10 {
            result = try scaled(digits, shift: Int(exponent) + 9 - parts.denominator.count, text: text)
        } else {
            // Binary: digits × 2^exponent, then place the decimal point.
            let shift = 9 - parts.denominator.count
            var whole = try scaled(digits, shift: max(shift, 0), text: text)
            let power = Int128(1) << Int128(exponent)
            let (product, overflow) = whole.multipliedReportingOverflow(by: power)
            if overflow { throw .outOfRange(text) }
            whole = product
            if shift < 0 {
                whole = divideRoundingUp(whole, by: try powerOfTen(-shift, text: text))
            }
            result = whole
            // Binary quantities are capped at the largest 64-bit value.
            let cap = Int128(Int64.max) * nano
            if result > cap { result = cap }
            if result > 0 && result < nano { finalFormat = .decimalSI }
        }
        if !parts.positive { result = -result }
        return Quantity(nanos: result, format: finalFormat)
    }

    private struct Parts {
        var positive = true
        var numerator: [UInt8] = []
        var denominator: [UInt8] = []
        var suffix: [UInt8] = []
    }

    /// Splits sign, whole digits, fraction digits and suffix as the kubelet
    /// does (which accepts `.`, `1.`, `+` and `-` as zero-like numbers).
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
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
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
        let suffixLetters = Array("eEinumkKMGTP".utf8)
        while at < s.count, suffixLetters.contains(s[at]) { at += 1 }
        if at < s.count, s[at] == UInt8(ascii: "-") || s[at] == UInt8(ascii: "+") { at += 1 }
        while at < s.count, isDigit(s[at]) { at += 1 }
        guard at == s.count else { throw .formatWrong(text) }
        parts.suffix = Array(s[suffixStart...])
        return parts
    }

    /// The base, exponent and format a suffix means, or nil.
    static func interpret(_ suffix: String) -> (base: Int, exponent: Int32, format: Format)? {
        switch suffix {
        case "": return (10, 0, .decimalSI)
        case "n": return (10, -9, .decimalSI)
        case "u": return (10, -6, .decimalSI)
        case "m": return (10, -3, .decimalSI)
        case "k": return (10, 3, .decimalSI)
        case "M": return (10, 6, .decimalSI)
        case "G": return (10, 9, .decimalSI)
        case "T": return (10, 12, .decimalSI)
        case "P": return (10, 15, .decimalSI)
        case "E": return (10, 18, .decimalSI)
        case "Ki": return (2, 10, .binarySI)
        case "Mi": return (2, 20, .binarySI)
        case "Gi": return (2, 30, .binarySI)
        case "Ti": return (2, 40, .binarySI)
        case "Pi": return (2, 50, .binarySI)
        case "Ei": return (2, 60, .binarySI)
        default:
            guard suffix.utf8.count > 1, let first = suffix.first, first == "e" || first == "E",
                let exponent = Int32(suffix.dropFirst())
            else { return nil }
            return (10, exponent, .decimalExponent)
        }
    }

    /// The decimal `digits` × 10^shift, rounded up (away from zero) when
    /// digits fall below the unit.
    private static func scaled(_ digits: [UInt8], shift: Int, text: String) throws(QuantityError) -> Int128 {
        var kept = digits
        var roundUp = false
        if shift < 0 {
            let drop = min(-shift, kept.count)
            roundUp = kept.suffix(drop).contains { $0 != UInt8(ascii: "0") }
            kept.removeLast(drop)
        }
        while let first = kept.first, first == UInt8(ascii: "0") { kept.removeFirst() }
        var value: Int128 = 0
        for digit in kept {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int128(digit - UInt8(ascii: "0")))
            if o1 || o2 { throw .outOfRange(text) }
            value = sum
        }
        if shift > 0 && value != 0 {
            let (product, overflow) = value.multipliedReportingOverflow(by: try powerOfTen(shift, text: text))
            if overflow { throw .outOfRange(text) }
            value = product
        }
        if roundUp { value += 1 }
        return value
    }

    private static func powerOfTen(_ exponent: Int, text: String) throws(QuantityError) -> Int128 {
        guard exponent <= 38 else { throw .outOfRange(text) }
        var value: Int128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private static func divideRoundingUp(_ value: Int128, by divisor: Int128) -> Int128 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder == 0 ? quotient : quotient + 1
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
                return "\(mantissa)" + ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power]
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
        let suffixes: [Int: String] = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
        return "\(mantissa)" + (suffixes[exponent] ?? "")
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
