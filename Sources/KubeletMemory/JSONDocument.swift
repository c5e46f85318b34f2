/// A JSON document as read for a checkpoint: objects keep their keys in
/// order (a repeated key's last value wins on lookup, as in Go), numbers keep
/// their text so that 64-bit values stay exact.
public indirect enum JSONDocument: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONDocument])
    case object([(String, JSONDocument)])

    public static func == (lhs: JSONDocument, rhs: JSONDocument) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let text), .string(let text): hasher.combine(text)
        case .array(let items): hasher.combine(items)
        case .object(let members):
            for (key, value) in members {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// The value of `key` in an object (the last one when repeated), nil when absent or not an object.
    public subscript(key: String) -> JSONDocument? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// Parses a whole document.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONDocument {
        var parser = JSONParser(bytes: bytes)
        parser.skipBlanks()
        let value = try parser.value(depth: 0)
        parser.skipBlanks()
        guard parser.at == bytes.count else { throw JSONError("unexpected text after the JSON value at byte \(parser.at)") }
        return value
    }
}

/// Why a document is not JSON.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

private struct JSONParser {
    let bytes: [UInt8]
    var at = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipBlanks() {
        while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONDocument {
        guard depth < 512 else { throw JSONError("JSON nested too deeply") }
        guard at < bytes.count else { throw JSONError("unexpected end of JSON input") }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            var members: [(String, JSONDocument)] = []
            try sequence(closer: UInt8(ascii: "}")) { parser throws(JSONError) in
                guard parser.at < parser.bytes.count, parser.bytes[parser.at] == UInt8(ascii: "\"") else { throw parser.expected("a string key") }
                let key = try parser.string()
                parser.skipBlanks()
                guard parser.at < parser.bytes.count, parser.bytes[parser.at] == UInt8(ascii: ":") else { throw parser.expected("':'") }
                parser.at += 1
                parser.skipBlanks()
                members.append((key, try parser.value(depth: depth + 1)))
            }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [JSONDocument] = []
            try sequence(closer: UInt8(ascii: "]")) { parser throws(JSONError) in items.append(try parser.value(depth: depth + 1)) }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try word("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try word("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try word("null")
            return .null
        default:
            return .number(try number())
        }
    }

    /// The items of an object or array, from its opening bracket to
    /// `closer`: `item` reads each, commas between them.
    mutating func sequence(closer: UInt8, _ item: (inout JSONParser) throws(JSONError) -> Void) throws(JSONError) {
        at += 1
        skipBlanks()
        if at < bytes.count, bytes[at] == closer {
            at += 1
            return
        }
        while true {
            skipBlanks()
            try item(&self)
            skipBlanks()
            guard at < bytes.count else { throw JSONError("unexpected end of JSON input") }
            if bytes[at] == UInt8(ascii: ",") {
                at += 1
                continue
            }
            guard bytes[at] == closer else { throw expected("',' or '\(Character(Unicode.Scalar(closer)))'") }
            at += 1
            return
        }
    }

    func expected(_ what: String) -> JSONError {
        at < bytes.count ? JSONError("expected \(what) at byte \(at)") : JSONError("unexpected end of JSON input")
    }

    mutating func word(_ text: String) throws(JSONError) {
        let expectedBytes = Array(text.utf8)
        guard at + expectedBytes.count <= bytes.count, Array(bytes[at..<(at + expectedBytes.count)]) == expectedBytes else {
            throw JSONError("invalid literal at byte \(at)")
        }
        at += expectedBytes.count
    }

    mutating func number() throws(JSONError) -> String {
        let start = at
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count, isDigit(bytes[at]) else { throw JSONError("invalid character at byte \(at)") }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
        } else {
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard at < bytes.count, isDigit(bytes[at]) else { throw JSONError("invalid number at byte \(at)") }
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
        }
        if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count, isDigit(bytes[at]) else { throw JSONError("invalid number at byte \(at)") }
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    mutating func string() throws(JSONError) -> String {
        at += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                flush()
                return String(scalars)
            }
            if byte < 0x20 { throw JSONError("invalid character in string at byte \(at)") }
            if byte != UInt8(ascii: "\\") {
                run.append(byte)
                at += 1
                continue
            }
            flush()
            at += 1
            guard at < bytes.count else { break }
            let escape = bytes[at]
            at += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), at + 6 <= bytes.count, bytes[at] == UInt8(ascii: "\\"),
                    bytes[at + 1] == UInt8(ascii: "u")
                {
                    let save = at
                    at += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        at = save
                    }
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                throw JSONError("invalid escape in string at byte \(at - 1)")
            }
        }
        throw JSONError("unexpected end of JSON input")
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw JSONError("unexpected end of JSON input") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[at] | 0x20
            let digit: UInt8
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digit = byte - UInt8(ascii: "0")
            } else if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f") {
                digit = byte - UInt8(ascii: "a") + 10
            } else {
                throw JSONError("invalid \\u escape at byte \(at)")
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }
}
