internal import CYAML

/// One node of a YAML document as libyaml's event parser gives it: scalars
/// keep their text, style and tag; mappings keep their pairs in order
/// (repeated keys included); an alias keeps the node it names (shared, not
/// copied, so that a document of aliases costs memory in proportion to its
/// text). Every node knows its line, for messages.
public struct YAMLNode: Sendable {
    /// How a scalar was written: plain scalars are resolved (`10` is a
    /// number, `yes` a boolean), the others are strings.
    public enum Style: UInt8, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public indirect enum Kind: Sendable {
        case scalar(String, style: Style, tag: String?)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
        /// `*name`: the node anchored as `&name`.
        case alias(String, YAMLNode)
    }

    public var kind: Kind
    /// The node's first line, counted from 1.
    public var line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }
}

/// Why a document is not YAML, worded as the kubelet's YAML library words it
/// (`yaml: line 3: mapping values are not allowed in this context`).
public struct YAMLError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads the first document of a YAML stream, within the kubelet's bounds.
public enum YAMLReader {
    /// The deepest nesting the kubelet's YAML library accepts (its scanner's
    /// `max_flow_level` and `max_indents`): 10,000 flow levels, and block
    /// collections to 10,001 deep (a top-level mapping and 10,000 levels in it).
    public static let maximumDepth = 10_000

    /// The deepest nesting of flow collections (`[` and `{`) swnuma reads.
    /// libyaml looks at every open flow level for each token it reads, so a
    /// document nested N deep costs N times its length; the kubelet's own
    /// scanner does not, and accepts up to ``maximumDepth``. No kubelet
    /// configuration nests flow collections more than a few deep.
    public static let maximumFlowDepth = 64

    /// The first document of `bytes` as a tree, nil for an empty stream.
    ///
    /// - Throws: ``YAMLError`` for text that is not YAML, an alias of an
    ///   anchor not (yet) defined, an alias inside the node it names, or
    ///   nesting deeper than the bounds above.
    public static func parse(_ bytes: [UInt8]) throws(YAMLError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError("yaml: cannot initialise the parser") }
        defer { yaml_parser_delete(&parser) }
        let result: Result<YAMLNode?, YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            return builder.run(&parser)
        }
        return try result.get()
    }

    /// A collection being read: its pending items, anchor and line.
    private struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var anchor: String?
        var line: Int
        var flow: Bool
    }

    private struct Builder {
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        /// Anchors of collections still open: an alias to one is an alias inside itself.
        var open: [String: Int] = [:]
        var flowDepth = 0
        var blockDepth = 0
        var root: YAMLNode?

        mutating func run(_ parser: inout yaml_parser_t) -> Result<YAMLNode?, YAMLError> {
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return .failure(Self.parserError(parser)) }
                defer { yaml_event_delete(&event) }
                DecodeSteps.step()
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
                    return .success(root)
                case YAML_SCALAR_EVENT:
                    let data = event.data.scalar
                    let style: YAMLNode.Style =
                        switch data.style {
                        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                        case YAML_LITERAL_SCALAR_STYLE: .literal
                        case YAML_FOLDED_SCALAR_STYLE: .folded
                        default: .plain
                        }
                    let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)), as: UTF8.self)
                    let node = YAMLNode(.scalar(value, style: style, tag: Self.text(data.tag)), line: line)
                    if let anchor = Self.text(data.anchor) { anchors[anchor] = node }
                    add(node)
                case YAML_ALIAS_EVENT:
                    let name = Self.text(event.data.alias.anchor) ?? ""
                    if open[name, default: 0] > 0 {
                        return .failure(YAMLError("yaml: anchor '\(name)' value contains itself"))
                    }
                    guard let target = anchors[name] else {
                        return .failure(YAMLError("yaml: unknown anchor '\(name)' referenced"))
                    }
                    add(YAMLNode(.alias(name, target), line: line))
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let mapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = Self.text(mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                    let flow = mapping
                        ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                        : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                    if !flow {
                        // go-yaml counts block indentation levels: the 10,001st block collection is one too many.
                        blockDepth += 1
                        if blockDepth > YAMLReader.maximumDepth + 1 {
                            return .failure(YAMLError("yaml: line \(line): exceeded max depth of \(YAMLReader.maximumDepth)"))
                        }
                    } else {
                        flowDepth += 1
                        if flowDepth > YAMLReader.maximumFlowDepth {
                            return .failure(
                                YAMLError("yaml: line \(line): flow collections nested more than \(YAMLReader.maximumFlowDepth) deep (swnuma's limit)"))
                        }
                    }
                    if let anchor { open[anchor, default: 0] += 1 }
                    stack.append(Frame(isMapping: mapping, anchor: anchor, line: line, flow: flow))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { break }
                    if frame.flow { flowDepth -= 1 } else { blockDepth -= 1 }
                    let node: YAMLNode
                    if frame.isMapping {
                        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                        pairs.reserveCapacity(frame.items.count / 2)
                        var index = 0
                        while index + 1 < frame.items.count {
                            pairs.append((frame.items[index], frame.items[index + 1]))
                            index += 2
                        }
                        node = YAMLNode(.mapping(pairs), line: frame.line)
                    } else {
                        node = YAMLNode(.sequence(frame.items), line: frame.line)
                    }
                    if let anchor = frame.anchor {
                        open[anchor, default: 1] -= 1
                        anchors[anchor] = node
                    }
                    add(node)
                default:
                    break
                }
            }
        }

        mutating func add(_ node: YAMLNode) {
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].items.append(node)
            }
        }

        static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let pointer else { return nil }
            return String(cString: pointer)
        }

        /// libyaml's problem, placed on a line as the kubelet's YAML library places it.
        static func parserError(_ parser: yaml_parser_t) -> YAMLError {
            var line = 0
            if parser.problem_mark.line != 0 {
                line = Int(parser.problem_mark.line)
                if parser.error == YAML_SCANNER_ERROR { line += 1 }
            } else if parser.context_mark.line != 0 {
                line = Int(parser.context_mark.line)
            }
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem parsing YAML content"
            return YAMLError("yaml: " + (line != 0 ? "line \(line): " : "") + problem)
        }
    }
}

/// A count of the units of work decoding a configuration does (a YAML
/// event, a node converted, a key compared, a field or gate read), so that
/// tests can show the work grows in proportion to the file without timing
/// anything. Counted only where a test installs a meter for its own task,
/// and only in debug builds (the tests'): the release program links no
/// concurrency runtime (see the Makefile's release flags), and a step there
/// costs nothing.
package final class DecodeSteps: @unchecked Sendable {
    package private(set) var count = 0
    package init() {}

    #if DEBUG
    @TaskLocal package static var meter: DecodeSteps?
    #endif

    @inline(__always) static func step() {
        #if DEBUG
        if let meter { meter.count += 1 }
        #endif
    }
}
