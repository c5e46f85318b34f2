/// A KubeletConfiguration file decoded as the kubelet decodes it.
///
/// The kubelet turns the YAML into JSON (sigs.k8s.io/yaml over its go-yaml
/// v2 fork: YAML 1.1 plain scalars, so `yes` is a boolean and `010` is 8; the
/// last of repeated keys wins; aliases bounded by go-yaml's expansion ratio),
/// then decodes the JSON into its v1beta1 type with sigs.k8s.io/json: field
/// names match exactly (case-sensitively), a value of the wrong JSON type is
/// an error (a quoted `numaNode: "0"`), a quantity is read by
/// resource.Quantity's own unmarshaller (surrounding blanks trimmed). It
/// decodes strictly first; when that fails only for unknown or repeated
/// fields, it logs them and decodes leniently, so they are warnings, not
/// refusals. Any other decoding error stops the kubelet.
public struct KubeletConfigDecoding: Sendable {
    /// The settings the file gives (the kubelet's defaults where it is silent).
    public var settings: KubeletSettings
    /// The kubelet's decoding errors (`refusal`) and strict-decoding
    /// warnings (`unsafe`: a misspelt or repeated field is ignored or
    /// overridden without a word from the kubelet but a log line).
    public var findings: [Finding]
}

extension KubeletSettings {
    /// The largest kubelet configuration file swnuma reads: 1 MiB. Real ones
    /// are a few kilobytes; the kubelet itself has no limit.
    public static let configFileLimit = 1 << 20

    /// Decodes a KubeletConfiguration file's bytes as the kubelet does.
    ///
    /// - Parameter path: the file's name, for messages.
    /// - Throws: ``KubeletInputError`` when the bytes are not YAML or JSON,
    ///   or not a KubeletConfiguration (empty, another kind or version).
    ///   Everything the kubelet decides while decoding a KubeletConfiguration
    ///   is in the findings instead.
    public static func decodeConfigFile(_ bytes: [UInt8], path: String, release: KubeletRelease = .newest) throws(KubeletInputError) -> KubeletConfigDecoding {
        var settings = KubeletSettings()
        settings.release = release
        let findings = try settings.decodeConfig(bytes, path: path)
        return KubeletConfigDecoding(settings: settings, findings: findings)
    }

    /// Reads a configuration file into these settings; returns what the kubelet would say.
    mutating func decodeConfig(_ bytes: [UInt8], path: String) throws(KubeletInputError) -> [Finding] {
        if bytes.isEmpty { throw KubeletInputError("kubelet config file \"\(path)\" was empty") }
        let (root, converter): (YAMLNode?, YAMLToJSON)
        do {
            (root, converter) = try YAMLToJSON.read(bytes)
        } catch {
            throw KubeletInputError("'\(path)' is not YAML or JSON: \(error.description)")
        }
        let document: JSONView
        do {
            document = try root.map(JSONView.init) ?? .null
        } catch {
            throw KubeletInputError("'\(path)' is not YAML or JSON: \(error.description)")
        }
        guard case .object(let fields) = document else {
            throw KubeletInputError("'\(path)' is not a KubeletConfiguration: it holds no mapping")
        }
        // The kind and version are found as encoding/json finds them: any case, the last one.
        var kind = ""
        var apiVersion = ""
        for (key, value) in fields {
            let lower = key.lowercased()
            guard lower == "kind" || lower == "apiversion" else { continue }
            guard case .string(let text) = value.view else {
                throw KubeletInputError("'\(path)' is not a KubeletConfiguration: its \(key) is not a string")
            }
            if lower == "kind" { kind = text } else { apiVersion = text }
        }
        guard kind == "KubeletConfiguration" else {
            throw KubeletInputError("'\(path)' is not a KubeletConfiguration: its kind is '\(kind)'")
        }
        guard apiVersion == "kubelet.config.k8s.io/v1beta1" else {
            throw KubeletInputError(
                "'\(path)' has apiVersion '\(apiVersion)', not kubelet.config.k8s.io/v1beta1: no kind \"KubeletConfiguration\" is registered for version \"\(apiVersion)\"")
        }

        var decoder = TypedDecoder()
        decoder.release = release
        decoder.configuration(fields, into: &self)
        if let error = decoder.abortError ?? decoder.savedError {
            return [
                Finding(.refusal, "config-decode", "\(path): failed to decode: \(error.message)",
                    advice: error.advice)
            ]
        }
        let strict = converter.duplicateErrors.isEmpty
            ? decoder.strictErrors
            : ["yaml: unmarshal errors:\n  " + converter.duplicateErrors.joined(separator: "\n  ")] + decoder.strictErrors
        guard !strict.isEmpty else { return [] }
        let message = "strict decoding error: " + strict.joined(separator: ", ")
        var advice = [String]()
        if !decoder.strictErrors.isEmpty { advice.append("fix or remove the unknown field (names are case-sensitive); the kubelet ignores it") }
        if !converter.duplicateErrors.isEmpty { advice.append("write each key once; the kubelet keeps the last") }
        return [
            Finding(.unsafe, "config-strict",
                "\(path): the kubelet logs \"Using lenient decoding as strict decoding failed\" err=\(goQuote(message))",
                advice: advice.joined(separator: "; "))
        ]
    }
}

// MARK: YAML to JSON, as sigs.k8s.io/yaml converts

/// A plain scalar resolved as go-yaml v2 resolves it.
enum ResolvedScalar: Equatable {
    case null
    case bool(Bool)
    /// A decimal integer (int64 or uint64), as JSON writes it.
    case integer(String)
    case float(Double)
    case string(String)

    init(_ node: YAMLNode, value: String, style: YAMLNode.Style, tag: String?) throws(YAMLError) {
        let short = tag.map { $0.hasPrefix("tag:yaml.org,2002:") ? "!!" + $0.dropFirst(18) : $0 }
        switch short {
        case nil:
            self = style == .plain ? ResolvedScalar.resolvePlain(value) : .string(value)
        case "!!str", "!!binary":
            self = .string(value)
        case "!!bool", "!!int", "!!float", "!!timestamp":
            let resolved = ResolvedScalar.resolvePlain(value)
            switch (short, resolved) {
            case ("!!bool", .bool), ("!!int", .integer), ("!!float", .float):
                self = resolved
            case ("!!float", .integer(let text)):
                self = .float(Double(text) ?? 0)
            case ("!!timestamp", .string):
                self = resolved
            default:
                throw YAMLError("yaml: cannot decode \(resolved.shortTag) `\(value)` as a \(short ?? "")")
            }
        default:
            self = .string(value)
        }
    }

    var shortTag: String {
        switch self {
        case .null: "!!null"
        case .bool: "!!bool"
        case .integer: "!!int"
        case .float: "!!float"
        case .string: "!!str"
        }
    }

    static func resolvePlain(_ text: String) -> ResolvedScalar {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        default: break
        }
        guard let first = text.utf8.first else { return .string(text) }
        if first == UInt8(ascii: ".") {
            if let value = goParseFloat(text) { return .float(value) }
            return .string(text)
        }
        guard first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return .string(text)
        }
        let plain = String(text.filter { $0 != "_" })
        if let integer = goParseIntBase0(plain) { return .integer(integer) }
        if isYAMLStyleFloat(plain), let value = goParseFloat(plain) { return .float(value) }
        return .string(text)
    }

    /// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)`,
    /// as decimal text; nil when neither reads it.
    static func goParseIntBase0(_ text: String) -> String? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var base: UInt64 = 10
        let array = Array(bytes)
        var digits = array[...]
        if array.count >= 2, array[0] == UInt8(ascii: "0") {
            switch array[1] | 0x20 {
            case UInt8(ascii: "x"): base = 16; digits = array[2...]
            case UInt8(ascii: "o"): base = 8; digits = array[2...]
            case UInt8(ascii: "b"): base = 2; digits = array[2...]
            default: base = 8; digits = array[1...]
            }
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < base else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: base)
            let (sum, o2) = times.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = sum
        }
        if negative {
            guard value <= UInt64(Int64.max) + 1 else { return nil }
            return value == 0 ? "0" : "-\(value)"
        }
        // ParseUint takes no sign: "+N" beyond int64 is not a number.
        if value > UInt64(Int64.max), text.hasPrefix("+") { return nil }
        return "\(value)"
    }

    /// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isYAMLStyleFloat(_ text: String) -> Bool {
        let s = Array(text.utf8)
        var at = 0
        func digits() -> Int {
            let start = at
            while at < s.count, s[at] >= UInt8(ascii: "0"), s[at] <= UInt8(ascii: "9") { at += 1 }
            return at - start
        }
        if at < s.count, s[at] == UInt8(ascii: "-") || s[at] == UInt8(ascii: "+") { at += 1 }
        if at < s.count, s[at] == UInt8(ascii: ".") {
            at += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if at < s.count, s[at] == UInt8(ascii: ".") {
                at += 1
                _ = digits()
            }
        }
        if at < s.count, s[at] == UInt8(ascii: "e") || s[at] == UInt8(ascii: "E") {
            at += 1
            if at < s.count, s[at] == UInt8(ascii: "-") || s[at] == UInt8(ascii: "+") { at += 1 }
            guard digits() > 0 else { return false }
        }
        return at == s.count
    }

    /// Go's `strconv.ParseFloat(s, 64)` for decimal text: nil on a syntax
    /// error or a value out of range.
    static func goParseFloat(_ text: String) -> Double? {
        guard isYAMLStyleFloat(text), let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The number as Go's encoding/json writes a float64 (`1`, `1.5`,
    /// `1e+21`, `1e-7`); nil for NaN and infinities, which it refuses.
    static func goJSONFloat(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Shortest round-trip digits and exponent, from Swift's own shortest form.
        var text = "\(value.magnitude)"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var digits = text
        var pointAt = digits.count
        if let dot = digits.firstIndex(of: ".") {
            pointAt = digits.distance(from: digits.startIndex, to: dot)
            digits.remove(at: dot)
        }
        // value = 0.digits × 10^(pointAt + exponent)
        var leading = 0
        for character in digits {
            if character != "0" { break }
            leading += 1
        }
        digits.removeFirst(leading)
        pointAt -= leading
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { return "0" }
        let decimalExponent = pointAt + exponent  // value = 0.d1d2... × 10^decimalExponent
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        if magnitude < 1e-6 || magnitude >= 1e21 {
            let e = decimalExponent - 1
            let mantissa = digits.count > 1 ? String(digits.first!) + "." + digits.dropFirst() : String(digits)
            return sign + mantissa + "e" + (e < 0 ? "-" : "+") + "\(abs(e))"
        }
        if decimalExponent <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalExponent) + digits
        }
        if decimalExponent >= digits.count {
            return sign + digits + String(repeating: "0", count: decimalExponent - digits.count)
        }
        let cut = digits.index(digits.startIndex, offsetBy: decimalExponent)
        return sign + digits[..<cut] + "." + digits[cut...]
    }

    /// The value as a JSON object key (sigs.k8s.io/yaml's stringification).
    var keyString: String? {
        switch self {
        case .null: nil
        case .bool(let value): value ? "true" : "false"
        case .integer(let text): text
        case .float(let value):
            value.isNaN ? ".nan" : value == .infinity ? ".inf" : value == -.infinity ? "-.inf" : "\(Float(value))"
        case .string(let text): text
        }
    }

    /// The key as go-yaml prints it in "key %#v already set in map".
    var goSyntax: String {
        switch self {
        case .null: "<nil>"
        case .bool(let value): value ? "true" : "false"
        case .integer(let text): text
        case .float(let value): "\(value)"
        case .string(let text): goQuote(text)
        }
    }

    /// An identity for repeated-key checks: go-yaml compares resolved values.
    var identity: String {
        switch self {
        case .null: "n"
        case .bool(let value): value ? "b1" : "b0"
        case .integer(let text): "i" + text
        case .float(let value): "f\(value)"
        case .string(let text): "s" + text
        }
    }
}

/// Go's `strconv.Quote` for the ASCII cases and escapes of everything else.
func goQuote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            } else if (0x80..<0xA0).contains(scalar.value) {
                out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// The walk go-yaml makes over the whole document when sigs.k8s.io/yaml
/// converts it: every node decoded once, each alias's target again. It
/// counts decodes to refuse excessive aliasing as go-yaml does, and collects
/// the repeated keys its strict pass reports. Nothing is copied.
struct YAMLToJSON {
    var decodeCount = 0
    var aliasCount = 0
    var duplicateErrors: [String] = []

    /// `bytes` parsed, and walked as the kubelet's YAML-to-JSON step walks
    /// them: the document's root (nil when there is none) and the walk,
    /// which holds the repeated keys.
    static func read(_ bytes: [UInt8]) throws(YAMLError) -> (root: YAMLNode?, converter: YAMLToJSON) {
        let root = try YAMLReader.parse(bytes)
        var converter = YAMLToJSON()
        if let root { try converter.walk(root) }
        return (root, converter)
    }

    /// go-yaml's share of decodes that may come from aliases, by document size.
    static func allowedAliasRatio(_ decodeCount: Int) -> Double {
        let low = 400_000.0
        let high = 4_000_000.0
        let count = Double(decodeCount)
        if count <= low { return 0.99 }
        if count >= high { return 0.10 }
        return 0.99 - 0.89 * ((count - low) / (high - low))
    }

    /// Walks the document (its node counts as one decode, as go-yaml's document node does).
    mutating func walk(_ root: YAMLNode) throws(YAMLError) {
        try count(aliased: false)
        // An explicit stack: nesting can be thousands deep. A mapping's keys
        // are checked for repeats after its pairs are decoded, as go-yaml does.
        var work: [(node: YAMLNode, aliased: Bool, checkKeys: Bool, isKey: Bool)] = [(root, false, false, false)]
        while let (node, aliased, checkKeys, isKey) = work.popLast() {
            DecodeSteps.step()
            if checkKeys {
                try checkDuplicates(node, aliased: aliased)
                continue
            }
            try count(aliased: aliased)
            switch node.kind {
            case .scalar(let value, let style, let tag):
                // Every value becomes JSON: a tag that does not fit, or a float
                // JSON cannot write, fails the whole file, used or not.
                // (Only a tag can fail, and only the spellings of infinity
                // and NaN make a float JSON cannot write: the rest is cheap.)
                guard !aliased, tag != nil || (style == .plain && !isKey && value.utf8.count <= 5 && value.contains(".")) else { break }
                let resolved = try ResolvedScalar(node, value: value, style: style, tag: tag)
                if !isKey, case .float(let number) = resolved, !number.isFinite {
                    throw YAMLError("json: unsupported value: \(number.isNaN ? "NaN" : number < 0 ? "-Inf" : "+Inf")")
                }
            case .alias(_, let target):
                work.append((target, true, false, isKey))
            case .sequence(let items):
                for item in items.reversed() { work.append((item, aliased, false, false)) }
            case .mapping(let pairs):
                work.append((node, aliased, true, false))
                var pending: [(node: YAMLNode, aliased: Bool, checkKeys: Bool, isKey: Bool)] = []
                for pair in pairs {
                    if isMergeKey(pair.key) {
                        for merged in try mergeSources(pair.value) { pending.append((merged, aliased, false, false)) }
                    } else {
                        pending.append((pair.key, aliased, false, true))
                        pending.append((pair.value, aliased, false, false))
                    }
                }
                for item in pending.reversed() { work.append(item) }
            }
        }
    }

    mutating func count(aliased: Bool) throws(YAMLError) {
        decodeCount += 1
        if aliased { aliasCount += 1 }
        if aliasCount > 100, decodeCount > 1000, Double(aliasCount) / Double(decodeCount) > Self.allowedAliasRatio(decodeCount) {
            throw YAMLError("yaml: document contains excessive aliasing")
        }
    }

    /// Repeated keys of one mapping (merged keys included), as go-yaml's strict pass reports them.
    mutating func checkDuplicates(_ node: YAMLNode, aliased: Bool) throws(YAMLError) {
        // Under an alias the same mapping was checked where it was written.
        guard !aliased, duplicateErrors.count < 1000 else { return }
        var seen = Set<String>()
        for (key, value) in try effectivePairs(node) {
            DecodeSteps.step()
            let resolved = try key.resolvedKey()
            if !seen.insert(resolved.identity).inserted {
                duplicateErrors.append("line \(value.line): key \(resolved.goSyntax) already set in map")
            }
        }
    }
}

func isMergeKey(_ node: YAMLNode) -> Bool {
    guard case .scalar(let value, let style, let tag) = node.kind, value == "<<" else { return false }
    return (style == .plain && tag == nil) || tag == "tag:yaml.org,2002:merge"
}

/// The mappings a `<<` key merges, in the order go-yaml applies them (a
/// sequence's items last to first, so that earlier ones win).
func mergeSources(_ value: YAMLNode) throws(YAMLError) -> [YAMLNode] {
    let wantMap = YAMLError("yaml: map merge requires map or sequence of maps as the value")
    switch value.resolved.kind {
    case .mapping:
        return [value]
    case .sequence(let items) where !(value.kind.isAlias):
        var result: [YAMLNode] = []
        for item in items.reversed() {
            guard case .mapping = item.resolved.kind else { throw wantMap }
            result.append(item)
        }
        return result
    default:
        throw wantMap
    }
}

/// A mapping's pairs with merges applied, in go-yaml's order of assignment.
func effectivePairs(_ node: YAMLNode, depth: Int = 0) throws(YAMLError) -> [(key: YAMLNode, value: YAMLNode)] {
    guard case .mapping(let pairs) = node.resolved.kind else { return [] }
    guard depth < 100 else { throw YAMLError("yaml: line \(node.line): merge keys nested more than 100 deep (swnuma's limit)") }
    guard pairs.contains(where: { isMergeKey($0.key) }) else { return pairs }
    var result: [(key: YAMLNode, value: YAMLNode)] = []
    for pair in pairs {
        if isMergeKey(pair.key) {
            // A merged mapping may merge others in turn: bounded above, and by the alias walk.
            for source in try mergeSources(pair.value) {
                result.append(contentsOf: try effectivePairs(source, depth: depth + 1))
            }
        } else {
            result.append(pair)
        }
    }
    return result
}

extension YAMLNode.Kind {
    var isAlias: Bool {
        if case .alias = self { return true }
        return false
    }
}

extension YAMLNode {
    /// The node an alias (or a chain of them) names; the node itself otherwise.
    var resolved: YAMLNode {
        var node = self
        while case .alias(_, let target) = node.kind { node = target }
        return node
    }

    /// A mapping key resolved as go-yaml resolves it.
    func resolvedKey() throws(YAMLError) -> ResolvedScalar {
        let node = resolved
        switch node.kind {
        case .scalar(let value, let style, let tag):
            return try ResolvedScalar(node, value: value, style: style, tag: tag)
        default:
            throw YAMLError("yaml: line \(line): invalid map key: a mapping or sequence")
        }
    }
}

/// A YAML node seen as the JSON sigs.k8s.io/yaml makes of it: objects with
/// string keys (the last of repeated keys kept) in Go's sorted order.
indirect enum JSONView {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([YAMLNode])
    case object([(String, YAMLNode)])

    init(_ node: YAMLNode) throws(YAMLError) {
        let node = node.resolved
        switch node.kind {
        case .scalar(let value, let style, let tag):
            switch try ResolvedScalar(node, value: value, style: style, tag: tag) {
            case .null: self = .null
            case .bool(let value): self = .bool(value)
            case .integer(let text): self = .number(text)
            case .float(let value):
                guard let text = ResolvedScalar.goJSONFloat(value) else {
                    throw YAMLError("json: unsupported value: \(value.isNaN ? "NaN" : value < 0 ? "-Inf" : "+Inf")")
                }
                self = .number(text)
            case .string(let text): self = .string(text)
            }
        case .sequence(let items):
            self = .array(items)
        case .mapping:
            var index: [String: Int] = [:]
            var fields: [(String, YAMLNode)] = []
            for (key, value) in try effectivePairs(node) {
                DecodeSteps.step()
                guard let name = try key.resolvedKey().keyString else {
                    throw YAMLError("error converting YAML to JSON: unsupported map key of type: <nil>")
                }
                if let at = index[name] {
                    fields[at].1 = value
                } else {
                    index[name] = fields.count
                    fields.append((name, value))
                }
            }
            fields.sort { byteOrder($0.0, $1.0) }
            self = .object(fields)
        case .alias:
            self = .null
        }
    }

    /// The JSON type's name in encoding/json's messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension YAMLNode {
    /// This node's JSON view; a node that cannot be viewed reads as null
    /// (the whole document was converted once already, so it cannot fail).
    var view: JSONView { (try? JSONView(self)) ?? .null }
}

// MARK: The typed decode, as sigs.k8s.io/json decodes into v1beta1.KubeletConfiguration

/// A decoding error of the kubelet, with swnuma's advice.
struct DecodeError {
    var message: String
    var advice: String
}

struct TypedDecoder {
    /// The first type error (encoding/json keeps the first and goes on).
    var savedError: DecodeError?
    /// An error that stops decoding (a quantity's own unmarshaller failing).
    var abortError: DecodeError?
    /// Unknown fields, as sigs.k8s.io/json's strict mode names them (at most 100).
    var strictErrors: [String] = []
    private var seenStrict = Set<String>()
    /// The release whose fields are known.
    var release = KubeletRelease.newest

    /// Every field of v1beta1.KubeletConfiguration from Kubernetes 1.30 to
    /// 1.36; those added after 1.30 are known from their release on
    /// (``KubeletRelease/knowsField(_:)``).
    static let knownFields: Set<String> = [
        "apiVersion", "kind", "enableServer", "staticPodPath", "podLogsDir", "syncFrequency", "fileCheckFrequency",
        "httpCheckFrequency", "staticPodURL", "staticPodURLHeader", "address", "port", "readOnlyPort", "tlsCertFile",
        "tlsPrivateKeyFile", "tlsCipherSuites", "tlsCurvePreferences", "tlsMinVersion", "rotateCertificates",
        "serverTLSBootstrap", "authentication", "authorization", "registryPullQPS", "registryBurst",
        "imagePullCredentialsVerificationPolicy", "preloadedImagesVerificationAllowlist", "eventRecordQPS", "eventBurst",
        "enableDebuggingHandlers", "enableContentionProfiling", "healthzPort", "healthzBindAddress", "oomScoreAdj",
        "clusterDomain", "clusterDNS", "streamingConnectionIdleTimeout", "nodeStatusUpdateFrequency",
        "nodeStatusReportFrequency", "nodeLeaseDurationSeconds", "imageMinimumGCAge", "imageMaximumGCAge",
        "imageGCHighThresholdPercent", "imageGCLowThresholdPercent", "volumeStatsAggPeriod", "kubeletCgroups",
        "systemCgroups", "cgroupRoot", "cgroupsPerQOS", "cgroupDriver", "cpuManagerPolicy", "singleProcessOOMKill",
        "cpuManagerPolicyOptions", "cpuManagerReconcilePeriod", "memoryManagerPolicy", "topologyManagerPolicy",
        "topologyManagerScope", "topologyManagerPolicyOptions", "qosReserved", "runtimeRequestTimeout", "hairpinMode",
        "maxPods", "podCIDR", "podPidsLimit", "resolvConf", "runOnce", "cpuCFSQuota", "cpuCFSQuotaPeriod",
        "nodeStatusMaxImages", "maxOpenFiles", "contentType", "kubeAPIQPS", "kubeAPIBurst", "serializeImagePulls",
        "maxParallelImagePulls", "evictionHard", "evictionSoft", "evictionSoftGracePeriod",
        "evictionPressureTransitionPeriod", "evictionMaxPodGracePeriod", "evictionMinimumReclaim",
        "mergeDefaultEvictionSettings", "podsPerCore", "enableControllerAttachDetach", "protectKernelDefaults",
        "makeIPTablesUtilChains", "iptablesMasqueradeBit", "iptablesDropBit", "featureGates", "failSwapOn", "memorySwap",
        "containerLogMaxSize", "containerLogMaxFiles", "containerLogMaxWorkers", "containerLogMonitorInterval",
        "configMapAndSecretChangeDetectionStrategy", "systemReserved", "kubeReserved", "reservedSystemCPUs",
        "showHiddenMetricsForVersion", "systemReservedCgroup", "kubeReservedCgroup", "enforceNodeAllocatable",
        "allowedUnsafeSysctls", "volumePluginDir", "providerID", "kernelMemcgNotification", "logging",
        "enableSystemLogHandler", "enableSystemLogQuery", "shutdownGracePeriod", "shutdownGracePeriodCriticalPods",
        "shutdownGracePeriodByPodPriority", "crashLoopBackOff", "reservedMemory", "enableProfilingHandler",
        "enableDebugFlagsHandler", "seccompDefault", "memoryThrottlingFactor", "registerWithTaints", "registerNode",
        "tracing", "localStorageCapacityIsolation", "containerRuntimeEndpoint", "imageServiceEndpoint", "failCgroupV1",
        "userNamespaces", "memoryReservationPolicy",
    ]

    mutating func strict(_ message: String) {
        guard strictErrors.count < 100, seenStrict.insert(message).inserted else { return }
        strictErrors.append(message)
    }

    mutating func typeError(_ value: JSONView, field: String, type: String, in structName: String = "KubeletConfiguration") {
        guard savedError == nil else { return }
        var shown = value.typeName
        if case .number(let text) = value, type.hasPrefix("int") { shown = "number " + text }
        savedError = DecodeError(
            message: "json: cannot unmarshal \(shown) into Go struct field \(structName).\(field) of type \(type)",
            advice: type == "string"
                ? "quote the value: \(field) takes a string"
                : type.hasPrefix("int") ? "write \(field) as a plain whole number, without quotes" : "write \(field) as \(type)")
    }

    mutating func configuration(_ fields: [(String, YAMLNode)], into settings: inout KubeletSettings) {
        for (name, node) in fields {
            DecodeSteps.step()
            guard abortError == nil else { return }
            guard Self.knownFields.contains(name), release.knowsField(name) else {
                strict("unknown field \(goQuote(name))")
                continue
            }
            var value: JSONView { node.view }
            switch name {
            case "memoryManagerPolicy":
                switch value {
                case .null: break
                case .string(let text):
                    settings.memoryManagerPolicy = text
                    settings.origins["memoryManagerPolicy"] = "config"
                default: typeError(value, field: name, type: "string")
                }
            case "mergeDefaultEvictionSettings":
                switch value {
                case .null: break
                case .bool(let flag): settings.mergeDefaultEvictionSettings = flag
                default: typeError(value, field: name, type: "bool")
                }
            case "featureGates":
                switch value {
                case .null: break
                case .object(let gates):
                    for (gate, node) in gates {
                        DecodeSteps.step()
                        if case .bool(let flag) = node.view {
                            settings.featureGates[gate] = flag
                        } else {
                            typeError(node.view, field: "featureGates", type: "bool")
                        }
                    }
                default: typeError(value, field: name, type: "map[string]bool")
                }
            case "systemReserved", "kubeReserved", "evictionHard":
                guard let pairs = stringMap(value, field: name) else { continue }
                settings.origins[name] = "config"
                switch name {
                case "systemReserved": settings.systemReserved = pairs
                case "kubeReserved": settings.kubeReserved = pairs
                default: settings.evictionHard = pairs
                }
            case _ where KubeletSettings.topologyFields.contains(name):
                topologyField(name, value, into: &settings)
            case "reservedMemory":
                switch value {
                case .null:
                    break
                case .array(let items):
                    settings.origins["reservedMemory"] = "config"
                    settings.reservedMemory = []
                    for (position, item) in items.enumerated() {
                        guard abortError == nil else { return }
                        settings.reservedMemory.append(reservation(item.view, position: position))
                    }
                default:
                    typeError(value, field: name, type: "[]v1beta1.MemoryReservation")
                }
            default:
                break
            }
        }
    }

    /// A `map[string]string`; nil for null or the wrong type.
    mutating func stringMap(_ value: JSONView, field: String) -> [(String, String)]? {
        switch value {
        case .null:
            return nil
        case .object(let entries):
            var pairs: [(String, String)] = []
            for (key, node) in entries {
                switch node.view {
                case .string(let text): pairs.append((key, text))
                case .null: pairs.append((key, ""))
                case let other: typeError(other, field: field, type: "string")
                }
            }
            return pairs
        default:
            typeError(value, field: field, type: "map[string]string")
            return nil
        }
    }

    mutating func reservation(_ value: JSONView, position: Int) -> MemoryReservation {
        var result = MemoryReservation(numaNode: 0, limits: [])
        switch value {
        case .null:
            return result
        case .object(let fields):
            for (name, node) in fields {
                guard abortError == nil else { return result }
                let field = node.view
                switch name {
                case "numaNode":
                    switch field {
                    case .null: break
                    case .number(let text):
                        if let number = goParseInt64(text.utf8), let node = Int32(exactly: number) {
                            result.numaNode = node
                        } else {
                            typeError(field, field: "reservedMemory.numaNode", type: "int32", in: "MemoryReservation")
                        }
                    default: typeError(field, field: "reservedMemory.numaNode", type: "int32", in: "MemoryReservation")
                    }
                case "limits":
                    switch field {
                    case .null: break
                    case .object(let entries):
                        result.removeAllLimits()
                        for (type, quantityNode) in entries {
                            let text: String?
                            switch quantityNode.view {
                            case .null: result.set(type, .zero); continue
                            case .string(let string): text = string
                            case .number(let number): text = number
                            case .bool(let flag): text = flag ? "true" : "false"
                            case .array, .object: text = nil
                            }
                            let trimmed = text.map(goTrimSpace) ?? ""
                            do throws(QuantityError) {
                                guard text != nil else { throw QuantityError.formatWrong("") }
                                result.set(type, try Quantity.parse(trimmed))
                            } catch {
                                abortError = DecodeError(
                                    message: "reservedMemory[\(position)].limits.\(type): quantity '\(text ?? "")': \(error.description)",
                                    advice: "write a quantity such as 1Gi, 512Mi or 1073741824")
                                return result
                            }
                        }
                    default:
                        typeError(field, field: "reservedMemory.limits", type: "v1.ResourceList", in: "MemoryReservation")
                    }
                default:
                    strict("unknown field \(goQuote("reservedMemory[\(position)].\(name)"))")
                }
            }
            return result
        default:
            typeError(value, field: "reservedMemory", type: "v1beta1.MemoryReservation")
            return result
        }
    }
}

/// Go's `strings.TrimSpace`: Unicode white space off both ends.
func goTrimSpace(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
}
