/// A requirement on the topology, such as `node(1).free>=64G`: one quantity
/// of the machine compared with a number.
///
/// The language:
///
///     requirement := quantity comparison number
///     quantity    := "nodes"                          number of nodes
///                  | "cpus"                           number of CPUs of all nodes
///                  | "node(" id ")." property
///                  | "hugepages(" size ")." pages     summed over all nodes
///                  | "nodes(" kind ")"                nodes of a memory kind
///                  | "tiers"                          number of memory tiers
///     property    := "size"                           memory of the node, bytes (MemTotal)
///                  | "free"                           free memory of the node, bytes (MemFree)
///                  | "cpus"                           number of CPUs of the node
///                  | "distance(" id ")"               distance to another node
///                  | "hugepages(" size ")." pages
///                  | "tier"                           the node's memory tier
///     kind        := "cpu" | "gpu" | "persistent" | "specific_purpose" | "cxl"
///                  | "initiator" | "memory_only" | "empty"   (MemoryKinds.Kind)
///     pages       := "free" | "total"                 huge pages of that size (a count)
///     comparison  := ">=" | ">" | "<=" | "<" | "==" | "!="
///     number      := digits [suffix]                  64, 64G, 512K
///                  | digits "." digits suffix         1.5G: exact bytes, rounded down
///     size        := number                           a page size in bytes: 2M, 1G, 2048K
///     suffix      := "K" | "M" | "G" | "T"            powers of 1024, either case
///     id          := digits                           a node id
///
/// Blanks may stand between tokens. Names are lower case. Numbers are
/// decimal. A node that does not exist makes a requirement about it fail;
/// so does a value that cannot be read, such as the pages of a huge page
/// size the node (or, summed, every node) does not offer.
///
/// Examples: `nodes>=2`, `node(1).free >= 64G`, `hugepages(1G).free>=8`,
/// `node(0).hugepages(2M).total==1024`, `node(0).distance(1)<=21`,
/// `nodes(gpu)==0`, `node(2).tier>4`, `tiers>=2`.
///
/// The memory kind quantities (`nodes(KIND)`, `tiers`, `node(N).tier`) need
/// ``MemoryKinds``: without them they do not hold.
public struct Requirement: Hashable, Sendable, CustomStringConvertible {
    /// What a requirement measures.
    public enum Quantity: Hashable, Sendable {
        /// The number of nodes.
        case nodes
        /// The number of CPUs of all nodes.
        case cpus
        /// `MemTotal` of a node, in bytes.
        case nodeSize(Int)
        /// `MemFree` of a node, in bytes.
        case nodeFree(Int)
        /// The number of CPUs of a node.
        case nodeCPUs(Int)
        /// The distance from one node to another.
        case distance(from: Int, to: Int)
        /// Huge pages of a page size (bytes), on one node or (nil) summed over all.
        case hugePages(pageSize: UInt64, HugePageCount, node: Int?)
        /// The number of nodes whose memory is of a kind (``MemoryKinds/Kind``).
        case nodesOfKind(MemoryKinds.Kind)
        /// The number of memory tiers.
        case tiers
        /// A node's memory tier (`memory_tierN`).
        case nodeTier(Int)

        /// Whether evaluating it needs ``MemoryKinds``.
        public var needsMemoryKinds: Bool {
            switch self {
            case .nodesOfKind, .tiers, .nodeTier: true
            default: false
            }
        }

        /// Whether the value is a number of bytes (rather than a count).
        public var isBytes: Bool {
            switch self {
            case .nodeSize, .nodeFree: true
            default: false
            }
        }

        /// Whether evaluating it needs the topology's huge pages (``Topology/LoadOptions/hugePages``).
        public var needsHugePages: Bool {
            if case .hugePages = self { return true }
            return false
        }
    }

    /// Which huge page count.
    public enum HugePageCount: String, Hashable, Sendable {
        /// `nr_hugepages`.
        case total
        /// `free_hugepages`.
        case free
    }

    /// A comparison operator.
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        /// `>=`: the value is at least the limit.
        case atLeast = ">="
        /// `>`: the value is greater than the limit.
        case greater = ">"
        /// `<=`: the value is at most the limit.
        case atMost = "<="
        /// `<`: the value is less than the limit.
        case less = "<"
        /// `==`: the value is the limit.
        case equal = "=="
        /// `!=`: the value is not the limit.
        case notEqual = "!="

        /// Whether `actual` compared with `limit` holds.
        public func holds(_ actual: UInt64, _ limit: UInt64) -> Bool {
            switch self {
            case .atLeast: actual >= limit
            case .greater: actual > limit
            case .atMost: actual <= limit
            case .less: actual < limit
            case .equal: actual == limit
            case .notEqual: actual != limit
            }
        }
    }

    /// The result of checking a requirement.
    public struct Evaluation: Hashable, Sendable {
        /// Whether the requirement holds.
        public var holds: Bool
        /// The quantity's value on the machine; nil when the node does not exist or the value is unknown.
        public var actual: UInt64?
        /// What was found, in words: `node 1 has 12.0 GiB free`, `node 7 does not exist`.
        public var message: String

        /// A result with the given values; ``Requirement/evaluate(in:kinds:)`` makes them.
        public init(holds: Bool, actual: UInt64?, message: String) {
            self.holds = holds
            self.actual = actual
            self.message = message
        }
    }

    /// What is measured.
    public var quantity: Quantity
    /// How the measured value is compared with ``limit``.
    public var comparison: Comparison
    /// The number compared with, suffix applied.
    public var limit: UInt64
    /// The expression as written.
    public var text: String

    /// The requirement that `quantity` compared with `limit` holds; `text` is
    /// the expression as written, nil for ``canonical``.
    public init(_ quantity: Quantity, _ comparison: Comparison, _ limit: UInt64, text: String? = nil) {
        self.quantity = quantity
        self.comparison = comparison
        self.limit = limit
        self.text = ""
        self.text = text ?? canonical
    }

    /// The expression as written.
    public var description: String { text }

    /// The expression in the language's plain spelling, without blanks or suffixes.
    public var canonical: String {
        let name: String
        switch quantity {
        case .nodes: name = "nodes"
        case .cpus: name = "cpus"
        case .nodeSize(let id): name = "node(\(id)).size"
        case .nodeFree(let id): name = "node(\(id)).free"
        case .nodeCPUs(let id): name = "node(\(id)).cpus"
        case .distance(let from, let to): name = "node(\(from)).distance(\(to))"
        case .hugePages(let size, let count, let node):
            name = (node.map { "node(\($0))." } ?? "") + "hugepages(\(Requirement.sizeName(size))).\(count.rawValue)"
        case .nodesOfKind(let kind): name = "nodes(\(Requirement.kindName(kind)))"
        case .tiers: name = "tiers"
        case .nodeTier(let id): name = "node(\(id)).tier"
        }
        return "\(name)\(comparison.rawValue)\(limit)"
    }
}

// MARK: - Parsing

extension Requirement {
    /// Parses a requirement.
    ///
    /// - Throws: ``NUMAError`` (``NUMAError/Code/invalidArgument``) naming the
    ///   offending token and its position (1-based, in characters), e.g.
    ///   `invalid requirement 'node(1).fre>=64G': unknown property 'fre' at position 9`.
    public static func parse(_ text: String) throws(NUMAError) -> Requirement {
        var parser = RequirementParser(text)
        return try parser.parse()
    }

    /// A memory kind as the language writes it: `gpu`, `specific_purpose`.
    public static func kindName(_ kind: MemoryKinds.Kind) -> String {
        String(kind.rawValue.map { $0 == "-" ? "_" : $0 })
    }

    /// A page size as the language writes it: `2M`, `1G`, `64K`, or bytes.
    public static func sizeName(_ bytes: UInt64) -> String {
        for (suffix, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] as [(String, UInt64)]
        where bytes >= 1 << shift && bytes & ((1 << shift) - 1) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}

/// A token of the requirement language.
private struct Token {
    enum Kind: Equatable { case name, number, symbol, end }
    var kind: Kind
    var text: String
    /// 1-based character position.
    var position: Int
}

private struct RequirementParser {
    let source: String
    var tokens: [Token] = []
    var index = 0
    var lexError: NUMAError?

    init(_ source: String) {
        self.source = source
        tokenize()
    }

    /// `invalid requirement '...': WHY at position N; HINT`.
    func error(_ why: String, at token: Token, hint: String? = nil) -> NUMAError {
        NUMAError(
            .invalidArgument,
            "invalid requirement '\(source)': \(why) at position \(token.position)" + (hint.map { "; \($0)" } ?? ""))
    }

    func error(_ why: String) -> NUMAError {
        NUMAError(.invalidArgument, "invalid requirement '\(source)': \(why)")
    }

    private mutating func tokenize() {
        let characters = Array(source)
        var position = 0
        func isLetter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_") }
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        while position < characters.count {
            let c = characters[position]
            let start = position
            if c == " " || c == "\t" || c == "\n" {
                position += 1
                continue
            }
            if isLetter(c) || isDigit(c) {
                while position < characters.count, isLetter(characters[position]) || isDigit(characters[position]) {
                    position += 1
                }
                // A decimal number: `1.5G`. A '.' after a number is part of
                // it only when a digit follows (`node(1).free` keeps its '.').
                if isDigit(c), position + 1 < characters.count, characters[position] == ".",
                    isDigit(characters[position + 1])
                {
                    position += 1
                    while position < characters.count, isLetter(characters[position]) || isDigit(characters[position]) {
                        position += 1
                    }
                }
                let text = String(characters[start..<position])
                tokens.append(Token(kind: isDigit(c) ? .number : .name, text: text, position: start + 1))
                continue
            }
            if "<>=!".contains(c) {
                position += 1
                if position < characters.count, characters[position] == "=" { position += 1 }
                tokens.append(Token(kind: .symbol, text: String(characters[start..<position]), position: start + 1))
                continue
            }
            if "().".contains(c) {
                position += 1
                tokens.append(Token(kind: .symbol, text: String(c), position: start + 1))
                continue
            }
            lexError = error("unexpected character '\(c)'", at: Token(kind: .symbol, text: String(c), position: start + 1))
            return
        }
        tokens.append(Token(kind: .end, text: "", position: characters.count + 1))
    }

    var current: Token { tokens[index] }

    /// How a token reads in a message.
    func describe(_ token: Token) -> String {
        token.kind == .end ? "the end" : "'\(token.text)'"
    }

    mutating func expect(_ symbol: String, after what: String) throws(NUMAError) {
        guard current.kind == .symbol, current.text == symbol else {
            throw error("expected '\(symbol)' after \(what), found \(describe(current))", at: current)
        }
        index += 1
    }

    mutating func parse() throws(NUMAError) -> Requirement {
        if let lexError { throw lexError }
        if current.kind == .end { throw error("empty expression; expected e.g. 'nodes>=2' or 'node(0).free>=8G'") }
        let quantity = try parseQuantity()
        guard current.kind == .symbol, let comparison = Requirement.Comparison(rawValue: current.text) else {
            throw error(
                "expected a comparison (>=, >, <=, <, ==, !=), found \(describe(current))", at: current)
        }
        index += 1
        guard current.kind == .number else {
            throw error("expected a number after '\(comparison.rawValue)', found \(describe(current))", at: current)
        }
        let limit = try number(current, what: "number")
        index += 1
        guard current.kind == .end else {
            throw error("unexpected \(describe(current)) after the number", at: current)
        }
        return Requirement(quantity, comparison, limit, text: source)
    }

    mutating func parseQuantity() throws(NUMAError) -> Requirement.Quantity {
        let head = current
        guard head.kind == .name else {
            throw error("expected nodes, cpus, node(N) or hugepages(SIZE), found \(describe(head))", at: head)
        }
        index += 1
        switch head.text {
        case "nodes":
            guard current.kind == .symbol, current.text == "(" else { return .nodes }
            try expect("(", after: "'nodes'")
            let token = current
            guard token.kind == .name, let kind = MemoryKinds.Kind.allCases.first(where: { Requirement.kindName($0) == token.text })
            else {
                throw error(
                    "unknown memory kind \(describe(token))", at: token,
                    hint: "expected " + MemoryKinds.Kind.allCases.map(Requirement.kindName).joined(separator: ", "))
            }
            index += 1
            try expect(")", after: "'nodes(\(token.text)'")
            return .nodesOfKind(kind)
        case "tiers": return .tiers
        case "cpus": return .cpus
        case "node":
            let id = try parenthesized(after: "node") { parser, token throws(NUMAError) in try parser.nodeID(token) }
            try expect(".", after: "'node(\(id))'")
            return try parseNodeProperty(id)
        case "hugepages":
            return try parseHugePages(node: nil)
        default:
            throw error("unknown name '\(head.text)'", at: head, hint: "expected nodes, cpus, node(N) or hugepages(SIZE)")
        }
    }

    mutating func parseNodeProperty(_ id: Int) throws(NUMAError) -> Requirement.Quantity {
        let property = current
        guard property.kind == .name else {
            throw error("expected a property of node(\(id)), found \(describe(property))", at: property)
        }
        index += 1
        switch property.text {
        case "size": return .nodeSize(id)
        case "free": return .nodeFree(id)
        case "cpus": return .nodeCPUs(id)
        case "tier": return .nodeTier(id)
        case "distance":
            let to = try parenthesized(after: "distance") { parser, token throws(NUMAError) in try parser.nodeID(token) }
            return .distance(from: id, to: to)
        case "hugepages":
            return try parseHugePages(node: id)
        default:
            throw error(
                "unknown property '\(property.text)'", at: property,
                hint: "expected size, free, cpus, tier, distance(N) or hugepages(SIZE)")
        }
    }

    mutating func parseHugePages(node: Int?) throws(NUMAError) -> Requirement.Quantity {
        let size = try parenthesized(after: "hugepages") { parser, token throws(NUMAError) in
            let size = try parser.number(token, what: "page size")
            guard size > 0 else { throw parser.error("page size '\(token.text)' is zero", at: token) }
            return size
        }
        try expect(".", after: "'hugepages(\(Requirement.sizeName(size)))'")
        let field = current
        guard field.kind == .name, let count = Requirement.HugePageCount(rawValue: field.text) else {
            if field.kind == .name {
                throw error("unknown property '\(field.text)'", at: field, hint: "expected free or total")
            }
            throw error("expected free or total after 'hugepages(...).', found \(describe(field))", at: field)
        }
        index += 1
        return .hugePages(pageSize: size, count, node: node)
    }

    /// `( token )`, the token turned into a value by `read`.
    mutating func parenthesized<T>(
        after name: String, _ read: (Self, Token) throws(NUMAError) -> T
    ) throws(NUMAError) -> T {
        try expect("(", after: "'\(name)'")
        let token = current
        guard token.kind == .number else {
            throw error("expected a number in '\(name)(...)', found \(describe(token))", at: token)
        }
        let value = try read(self, token)
        index += 1
        try expect(")", after: "'\(name)(\(token.text)'")
        return value
    }

    func nodeID(_ token: Token) throws(NUMAError) -> Int {
        guard let id = Int(decimal: token.text) else {
            throw error("invalid node id '\(token.text)'", at: token)
        }
        guard id < NodeSet.limit else { throw error("node id '\(token.text)' is out of range", at: token) }
        return id
    }

    /// Digits with an optional K, M, G or T suffix (powers of 1024); with a
    /// suffix, a decimal fraction too (`1.5G`), exact in integers and rounded
    /// down to a whole number.
    func number(_ token: Token, what: String) throws(NUMAError) -> UInt64 {
        var digits = Substring(token.text)
        var fraction: Substring = ""
        if let dot = digits.firstIndex(of: ".") {
            fraction = digits[digits.index(after: dot)...]
            digits = digits[..<dot]
        }
        if !fraction.isEmpty {
            // `1.5G`: the suffix is on the fraction, not the whole part.
            if let last = fraction.last, !last.isNumber {
                guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw error("invalid \(what) '\(token.text)'", at: token, hint: "expected digits with an optional K, M, G or T")
                }
                guard let whole = UInt64(decimalText: digits) else {
                    throw error("\(what) '\(token.text)' is too large", at: token)
                }
                return try decimal(token, what: what, whole: whole, fraction: fraction.dropLast(), suffix: last)
            }
            throw error(
                "\(what) '\(token.text)' has a fraction without a suffix", at: token,
                hint: "a fraction needs K, M, G or T (1.5G); counts are whole numbers")
        }
        var shift: UInt64 = 0
        if let last = digits.last, !last.isNumber {
            guard let suffixShift = Self.shift(of: last) else {
                throw error("invalid \(what) '\(token.text)'", at: token, hint: "expected digits with an optional K, M, G or T")
            }
            shift = suffixShift
            digits = digits.dropLast()
        }
        guard let value = UInt64(decimalText: digits) else {
            if digits.allSatisfy(\.isNumber) {
                throw error("\(what) '\(token.text)' is too large", at: token)
            }
            throw error("invalid \(what) '\(token.text)'", at: token, hint: "expected digits with an optional K, M, G or T")
        }
        guard value <= UInt64.max >> shift else { throw error("\(what) '\(token.text)' is too large", at: token) }
        return value << shift
    }

    /// The power of two a size suffix stands for: K 10, M 20, G 30, T 40.
    static func shift(of suffix: Character) -> UInt64? {
        switch suffix {
        case "k", "K": 10
        case "m", "M": 20
        case "g", "G": 30
        case "t", "T": 40
        default: nil
        }
    }

    /// `whole.fraction` times the suffix's power of 1024, rounded down, in
    /// integers only: the fraction's binary digits come from doubling its
    /// decimal digits, one per bit of the shift.
    func decimal(_ token: Token, what: String, whole: UInt64, fraction: Substring, suffix: Character) throws(NUMAError)
        -> UInt64
    {
        guard let shift = Self.shift(of: suffix) else {
            throw error("invalid \(what) '\(token.text)'", at: token, hint: "expected digits with an optional K, M, G or T")
        }
        guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw error("invalid \(what) '\(token.text)'", at: token, hint: "expected digits with an optional K, M, G or T")
        }
        guard whole <= UInt64.max >> shift else { throw error("\(what) '\(token.text)' is too large", at: token) }
        var decimalDigits = fraction.map { ($0.asciiValue ?? 0x30) - UInt8(ascii: "0") }
        var bits: UInt64 = 0
        for _ in 0..<shift {
            // Double the fraction; what carries past the point is the next bit.
            var carry: UInt8 = 0
            for index in decimalDigits.indices.reversed() {
                let doubled = decimalDigits[index] * 2 + carry
                decimalDigits[index] = doubled % 10
                carry = doubled / 10
            }
            bits = bits << 1 | UInt64(carry)
        }
        let (value, overflow) = (whole << shift).addingReportingOverflow(bits)
        guard !overflow else { throw error("\(what) '\(token.text)' is too large", at: token) }
        return value
    }
}

// MARK: - Evaluating

extension Requirement {
    /// Checks the requirement against `topology`, which must have been loaded
    /// with ``Topology/LoadOptions/hugePages`` for huge page requirements.
    /// `kinds` (``MemoryKinds/read(from:topology:)``) is needed by the
    /// memory kind quantities only (``Quantity/needsMemoryKinds``).
    public func evaluate(in topology: Topology, kinds: MemoryKinds? = nil) -> Evaluation {
        let found = measure(in: topology, kinds: kinds)
        guard let actual = found.value else {
            return Evaluation(holds: false, actual: nil, message: found.words)
        }
        return Evaluation(holds: comparison.holds(actual, limit), actual: actual, message: found.words)
    }

    private func measure(in topology: Topology, kinds: MemoryKinds?) -> (value: UInt64?, words: String) {
        func missing(_ id: Int) -> (UInt64?, String) { (nil, "node \(id) does not exist") }
        switch quantity {
        case .nodesOfKind, .tiers, .nodeTier:
            guard let kinds else { return (nil, "the nodes' memory kinds were not read") }
            return measure(kinds: kinds, topology: topology)
        case .nodes:
            let count = topology.nodes.count
            return (UInt64(count), "the machine has \(count) node\(count == 1 ? "" : "s")")
        case .cpus:
            let count = topology.cpus.count
            return (UInt64(count), "the machine has \(count) CPU\(count == 1 ? "" : "s")")
        case .nodeSize(let id):
            guard let node = topology.node(id) else { return missing(id) }
            guard let total = node.memoryTotal else { return (nil, "the memory size of node \(id) is unknown") }
            return (total, "node \(id) has \(Requirement.bytesName(total)) of memory")
        case .nodeFree(let id):
            guard let node = topology.node(id) else { return missing(id) }
            guard let free = node.memoryFree else { return (nil, "the free memory of node \(id) is unknown") }
            return (free, "node \(id) has \(Requirement.bytesName(free)) free")
        case .nodeCPUs(let id):
            guard let node = topology.node(id) else { return missing(id) }
            let count = node.cpus.count
            return (UInt64(count), "node \(id) has \(count) CPU\(count == 1 ? "" : "s")")
        case .distance(let from, let to):
            guard topology.node(from) != nil else { return missing(from) }
            guard topology.node(to) != nil else { return missing(to) }
            guard let distance = topology.distance(from: from, to: to), distance >= 0 else {
                return (nil, "the distance from node \(from) to node \(to) is unknown")
            }
            return (UInt64(distance), "the distance from node \(from) to node \(to) is \(distance)")
        case .hugePages(let size, let count, let id):
            let sizeName = Requirement.sizeName(size)
            let nodes: [Topology.Node]
            if let id {
                guard let node = topology.node(id) else { return missing(id) }
                nodes = [node]
            } else {
                nodes = topology.nodes
            }
            // A size no node offers has no count to read (not zero pages).
            guard nodes.contains(where: { $0.hugePages.contains { $0.pageSize == size } }) else {
                var sizes = Set<UInt64>()
                for node in nodes { for pages in node.hugePages { sizes.insert(pages.pageSize) } }
                let offered = sizes.sorted().map(Requirement.sizeName).joined(separator: ", ")
                let whose = id.map { "node \($0)" } ?? "the machine"
                return (
                    nil,
                    "\(whose) has no \(sizeName) huge pages; "
                        + (sizes.isEmpty ? "it has no huge page sizes" : "its huge page sizes are \(offered)")
                )
            }
            var sum: UInt64 = 0
            for node in nodes {
                guard let pages = node.hugePages.first(where: { $0.pageSize == size }) else { continue }
                guard let value = count == .free ? pages.free : pages.total else {
                    return (nil, "the \(sizeName) huge page count of node \(node.id) is unknown")
                }
                sum = sum.addingReportingOverflow(value).overflow ? .max : sum + value
            }
            let what = "\(count == .free ? "free " : "")huge page\(sum == 1 ? "" : "s") of \(sizeName)"
            if let id { return (sum, "node \(id) has \(sum) \(what)") }
            return (sum, "the nodes have \(sum) \(what) in all")
        }
    }

    private func measure(kinds: MemoryKinds, topology: Topology) -> (value: UInt64?, words: String) {
        switch quantity {
        case .nodesOfKind(let kind):
            let count = kinds.nodes.filter { $0.kind == kind }.count
            return (UInt64(count), "the machine has \(count) node\(count == 1 ? "" : "s") of \(kind.words)")
        case .tiers:
            let count = Set(kinds.nodes.compactMap(\.tier)).count
            return (UInt64(count), "the machine has \(count) memory tier\(count == 1 ? "" : "s")")
        case .nodeTier(let id):
            guard topology.node(id) != nil else { return (nil, "node \(id) does not exist") }
            guard let tier = kinds.node(id)?.tier else { return (nil, "node \(id) is in no memory tier the kernel shows") }
            return (UInt64(tier), "node \(id) is in memory tier \(tier)")
        default:
            return measure(in: topology, kinds: nil)
        }
    }

    /// Bytes for a message: `512 B`, `12.0 GiB` (one decimal, rounded down).
    public static func bytesName(_ bytes: UInt64) -> String {
        for (unit, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] as [(String, UInt64)]
        where bytes >= 1 << shift {
            let whole = bytes >> shift
            let tenths = (((bytes & ((1 << shift) - 1)) >> (shift - 10)) * 10) >> 10
            return "\(whole).\(tenths) \(unit)"
        }
        return "\(bytes) B"
    }
}
