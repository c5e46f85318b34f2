/// What a `<nodes>` or `<cpus>` argument may name, and how to explain a refusal.
///
/// numactl's grammar is relative to two sets: the ids that exist, which `!`
/// inverts against, and the ids this process is allowed to use (its cpuset,
/// or every existing id after `--all`), which plain numbers, `all` and `+`
/// are checked against.
public struct SpecRules<Kind: IDKind>: Sendable {
    /// The ids that exist on the machine.
    public var existing: IDSet<Kind>
    /// The ids the argument may name.
    public var allowed: IDSet<Kind>
    /// Why an existing id outside ``allowed`` is refused: one clause, such as
    /// `node 1 has no memory`.
    public var refusal: @Sendable (Int) -> String
    /// Resolves a device form (`netdev:eth0`, `pci:0000:00:1f.0`) to nodes;
    /// nil where devices are not accepted (`<cpus>`).
    public var resolveDevice: (@Sendable (String) throws(NUMAError) -> IDSet<Kind>)?

    /// Rules over the ids that `existing` and `allowed` hold.
    ///
    /// - Parameters:
    ///   - existing: the ids that exist on the machine.
    ///   - allowed: the ids the argument may name, usually a subset of `existing`.
    ///   - refusal: the clause for an existing id outside `allowed`; nil for
    ///     `<noun> N is not allowed`.
    ///   - resolveDevice: resolves a device form, such as
    ///     ``DeviceAffinity/nodes(for:root:)``; nil to refuse devices.
    public init(
        existing: IDSet<Kind>, allowed: IDSet<Kind>,
        refusal: (@Sendable (Int) -> String)? = nil,
        resolveDevice: (@Sendable (String) throws(NUMAError) -> IDSet<Kind>)? = nil
    ) {
        self.existing = existing
        self.allowed = allowed
        self.refusal = refusal ?? { id in "\(Kind.noun) \(id) is not allowed" }
        self.resolveDevice = resolveDevice
    }
}

extension IDSet {
    /// The device prefixes a `<nodes>` item may start with.
    public static var devicePrefixes: [String] { ["netdev:", "ip:", "file:", "block:", "pci:"] }

    /// Parses a `<nodes>` or `<cpus>` argument in numactl's grammar.
    ///
    /// - `""` is the empty set; `all` is every allowed id.
    /// - A comma-separated list of numbers and `A-B` ranges, optionally ending
    ///   in `,all`. Numbers are decimal, `0x` hexadecimal or `0`-prefixed octal,
    ///   as C's `strtoul` reads them. A range adds the allowed ids from A to B.
    /// - A leading `!` inverts the result against the ids that exist.
    /// - A `+` (after any `!`) makes numbers relative: `+0` is the first allowed id.
    /// - A `<nodes>` item may be a device (`netdev:`, `ip:`, `file:`, `block:`,
    ///   `pci:`) that takes the rest of the text.
    ///
    /// Unlike numactl, numbers too large for an id, negative numbers, reversed
    /// ranges and ids that do not exist are refused, and `!` inverts against
    /// the ids that exist rather than a count.
    ///
    /// The corresponding libnuma functions are `numa_parse_nodestring` and
    /// `numa_parse_cpustring`.
    ///
    /// - Throws: ``NUMAError`` naming the offending token.
    public static func parse(_ spec: String, rules: SpecRules<Kind>) throws(NUMAError) -> IDSet {
        var parser = SpecParser<Kind>(spec: spec, rules: rules)
        return try parser.parse()
    }

    /// Why `spec` is not a `<nodes>`/`<cpus>` argument by its form alone, or
    /// nil when its form is right (whether its ids exist is not checked).
    ///
    /// Runs the grammar of ``parse(_:rules:)`` without a system: numbers are
    /// not looked up, devices are not resolved. `devices` says whether device
    /// forms are allowed (`<nodes>`). The reason is the clause after the
    /// spec: `expected a number at 'ls'`.
    package static func syntaxProblem(in spec: String, devices: Bool) -> String? {
        if isPlainList(spec) { return nil }
        return parsedSyntaxProblem(in: spec, devices: devices)
    }

    /// ``syntaxProblem(in:devices:)`` by the parser alone, without the plain-list shortcut.
    package static func parsedSyntaxProblem(in spec: String, devices: Bool) -> String? {
        let anyDevice: @Sendable (String) throws(NUMAError) -> IDSet<Kind> = { (_: String) throws(NUMAError) -> IDSet<Kind> in
            IDSet<Kind>()
        }
        let rules = SpecRules<Kind>(existing: IDSet<Kind>(), allowed: IDSet<Kind>(), resolveDevice: devices ? anyDevice : nil)
        var parser = SpecParser<Kind>(spec: spec, rules: rules, syntaxOnly: true)
        do throws(NUMAError) {
            _ = try parser.parse()
            return nil
        } catch {
            let prefix = SpecParser<Kind>.invalidPrefix(spec)
            return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
        }
    }
}

extension IDSet {
    /// Whether `spec` is a list of plain decimal ids and ascending ranges
    /// (`0`, `1,3`, `0-7`), which always has a valid form: the common
    /// `<nodes>` of a launch, recognized without the parser's set-up.
    package static func isPlainList(_ spec: String) -> Bool {
        var utf8 = spec.utf8.makeIterator()
        var current: UInt32 = 0
        var digits = 0
        var rangeStart: UInt32?
        var leadingZero = false
        func endNumber() -> Bool {
            guard digits > 0, !(leadingZero && digits > 1), current < UInt32(Self.limit) else { return false }
            if let start = rangeStart, start > current { return false }
            return true
        }
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 { leadingZero = byte == UInt8(ascii: "0") }
                digits += 1
                guard digits <= 9 else { return false }
                current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "-"):
                guard rangeStart == nil, endNumber() else { return false }
                rangeStart = current
                current = 0
                digits = 0
            case UInt8(ascii: ","):
                guard endNumber() else { return false }
                rangeStart = nil
                current = 0
                digits = 0
            default:
                return false
            }
        }
        return endNumber()
    }
}

private struct SpecParser<Kind: IDKind> {
    let spec: String
    let rules: SpecRules<Kind>
    let bytes: [UInt8]
    var position = 0
    var relative = false
    /// Checks the form only: numbers are not looked up in the rules' sets.
    let syntaxOnly: Bool

    init(spec: String, rules: SpecRules<Kind>, syntaxOnly: Bool = false) {
        self.spec = spec
        self.rules = rules
        self.bytes = Array(spec.utf8)
        self.syntaxOnly = syntaxOnly
    }

    var noun: String { Kind.noun }
    var rest: String { String(decoding: bytes[position...], as: UTF8.self) }

    static func invalidPrefix(_ spec: String) -> String { "invalid <\(Kind.noun)s> '\(spec)': " }

    func invalid(_ why: String) -> NUMAError {
        NUMAError(.invalidArgument, Self.invalidPrefix(spec) + why)
    }

    mutating func parse() throws(NUMAError) -> IDSet<Kind> {
        if bytes.isEmpty { return [] }
        var invert = false
        if peek == UInt8(ascii: "!") {
            invert = true
            position += 1
        }
        if peek == UInt8(ascii: "+") {
            relative = true
            position += 1
        }
        var result = IDSet<Kind>()
        if rest == "all" {
            result = rules.allowed
        } else {
            try parseList(into: &result)
        }
        return invert ? rules.existing.subtracting(result) : result
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func parseList(into result: inout IDSet<Kind>) throws(NUMAError) {
        while true {
            let item = rest
            if item == "all" {
                result.formUnion(rules.allowed)
                return
            }
            if let resolve = rules.resolveDevice,
                let first = peek, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"),
                IDSet<Kind>.devicePrefixes.contains(where: { item.hasPrefix($0) })
            {
                result.formUnion(try resolve(item))
                return
            }
            let low = try id(number(), whole: item)
            var high = low
            if peek == UInt8(ascii: "-") {
                position += 1
                guard peek != nil, peek != UInt8(ascii: ",") else {
                    throw invalid("missing number after '-'")
                }
                high = try id(number(), whole: item)
                guard low <= high else {
                    throw invalid("range \(low)-\(high) is reversed")
                }
            }
            try check(low)
            try check(high)
            if low == high {
                result.insertID(low)
            } else {
                for member in rules.allowed where member >= low {
                    if member > high { break }
                    result.insertID(member)
                }
            }
            guard let next = peek else { return }
            guard next == UInt8(ascii: ",") else {
                throw invalid("unexpected '\(rest)'")
            }
            position += 1
            guard peek != nil else { throw invalid("empty item after ','") }
        }
    }

    /// An id from a number: relative numbers pick the n-th allowed id.
    func id(_ value: Int, whole item: String) throws(NUMAError) -> Int {
        guard relative, !syntaxOnly else { return value }
        guard let member = rules.allowed.member(at: value) else {
            let count = rules.allowed.count
            throw NUMAError(
                .notAllowed,
                "\(noun) +\(value) in '\(spec)' does not exist: only \(count) \(noun)\(count == 1 ? " is" : "s are") allowed (\(rules.allowed))"
            )
        }
        return member
    }

    func check(_ id: Int) throws(NUMAError) {
        guard !syntaxOnly, !rules.allowed.contains(id) else { return }
        guard rules.existing.contains(id) else {
            let known = rules.existing.isEmpty ? "there are none" : "\(noun)s are \(rules.existing)"
            throw NUMAError(.notAllowed, "\(noun) \(id) does not exist; \(known)")
        }
        throw NUMAError(.notAllowed, rules.refusal(id))
    }

    /// A number as C's strtoul(3) with base 0 reads it, refusing signs and overflow.
    mutating func number() throws(NUMAError) -> Int {
        let number = CNumber(scanning: bytes, from: position, isBlank: { $0 == 0x20 || $0 == 0x09 })
        guard number.hasDigits else {
            position = number.start
            throw invalid(rest.isEmpty ? "missing number" : "expected a number at '\(rest)'")
        }
        position = number.end
        let token = String(decoding: bytes[number.start..<number.end], as: UTF8.self)
        if number.negative && number.value != 0 {
            throw invalid("negative \(noun) number '\(token)'")
        }
        if number.overflow || number.value >= UInt64(IDSet<Kind>.limit) {
            throw invalid("\(noun) number '\(token)' is out of range")
        }
        return Int(number.value)
    }
}
