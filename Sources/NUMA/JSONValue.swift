/// A JSON value, built by swnuma's renderers and the kubelet models alike and
/// written by ``render(inlineScalarArrays:)``: the one JSON writer.
///
/// Objects keep their keys in the order given. Output is indented by two
/// spaces, with arrays of plain values (numbers, strings, booleans, null)
/// kept on one line unless asked otherwise, and ends with a newline.
/// Strings escape quotes, backslashes and every C0, DEL and C1 control.
public indirect enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A signed whole number.
    case int(Int64)
    /// An unsigned whole number (sizes and counts beyond `Int64`).
    case uint(UInt64)
    /// A string, escaped when written.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, its members in the order given.
    case object([(String, JSONValue)])

    /// Values are equal when they are written the same.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.render() == rhs.render()
    }

    /// An integer.
    public static func number(_ value: Int) -> JSONValue { .int(Int64(value)) }

    /// A number, or null when nil.
    public static func optional(_ value: UInt64?) -> JSONValue { value.map(JSONValue.uint) ?? .null }

    /// The ids of a set, ascending.
    public static func ids<Kind>(_ set: IDSet<Kind>) -> JSONValue { .array(set.map { .number($0) }) }

    /// The ids of a set, or null when nil.
    public static func ids<Kind>(_ set: IDSet<Kind>?) -> JSONValue { set.map { ids($0) } ?? .null }

    /// The document as text, with a final newline. `inlineScalarArrays`
    /// false puts every array item on a line of its own, as Kubernetes'
    /// clients print objects.
    public func render(inlineScalarArrays: Bool = true) -> String {
        var out = ""
        write(to: &out, indent: "", inline: inlineScalarArrays)
        out += "\n"
        return out
    }

    /// Whether the value is a number, string, boolean or null.
    public var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func write(to out: inout String, indent: String, inline: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .uint(let value): out += String(value)
        case .string(let value): JSONValue.writeString(value, to: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
            } else if inline, items.allSatisfy(\.isScalar) {
                out += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { out += ", " }
                    item.write(to: &out, indent: indent, inline: inline)
                }
                out += "]"
            } else {
                let inner = indent + "  "
                out += "[\n"
                for (index, item) in items.enumerated() {
                    out += inner
                    item.write(to: &out, indent: inner, inline: inline)
                    out += index + 1 < items.count ? ",\n" : "\n"
                }
                out += indent + "]"
            }
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            let inner = indent + "  "
            out += "{\n"
            for (index, (key, value)) in members.enumerated() {
                out += inner
                JSONValue.writeString(key, to: &out)
                out += ": "
                value.write(to: &out, indent: inner, inline: inline)
                out += index + 1 < members.count ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    /// Writes `text` as a JSON string: quotes, backslashes and control
    /// characters escaped (RFC 8259); everything else as UTF-8.
    public static func writeString(_ text: String, to out: inout String) {
        out += "\""
        var plainStart = text.unicodeScalars.startIndex
        var index = plainStart
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{08}": escape = "\\b"
            case "\u{0C}": escape = "\\f"
            default:
                // C0, DEL and the C1 controls (valid raw in JSON, but a terminal
                // may act on them: `--json` is often read on one).
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escape = nil
                }
            }
            if let escape {
                // Appended as a substring: appending through `out.unicodeScalars`
                // copies the whole output each time (quadratic on 1024 nodes).
                out.append(contentsOf: Substring(scalars[plainStart..<index]))
                out += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out.append(contentsOf: Substring(scalars[plainStart..<scalars.endIndex]))
        out += "\""
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var out = ""
        writeString(text, to: &out)
        return out
    }
}
