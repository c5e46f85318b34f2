import Foundation
import NUMA
import Testing

// The examples of the NUMA.docc articles, compiled and run here against the
// fixtures of the project's QEMU guests. `articlesQuoteThisFile` checks that
// every code block of the articles is a run of lines of this file, so an
// example that no longer compiles or no longer gives what its article says
// fails a test.

// MARK: - ReadingATopology.md

/// One line per node of the machine whose `sys/` is under `path`.
func describeNodes(under path: String) throws(NUMAError) -> [String] {
    let root = try SystemRoot(path: path)
    let topology = Topology.load(from: root)
    return topology.nodes.map { node in
        let cpus = node.hasCPUs ? "cpus \(node.cpus)" : "no cpus"
        let memory = node.memoryTotal.map(Requirement.bytesName) ?? "unknown"
        return "node \(node.id): \(cpus), memory \(memory)"
    }
}

/// The other nodes, nearest to `node` first.
func nodesByDistance(from node: Int, in topology: Topology) -> [Int] {
    topology.nodes
        .filter { $0.id != node }
        .compactMap { other in topology.distance(from: node, to: other.id).map { (id: other.id, distance: $0) } }
        .sorted { $0.distance < $1.distance }
        .map(\.id)
}

// MARK: - ParsingNodes.md

/// The nodes of a `--membind`-style argument: nodes with memory.
func memoryNodes(_ argument: String, topology: Topology) throws(NUMAError) -> NodeSet {
    let withMemory = topology.nodesWithMemory
    let rules = SpecRules(
        existing: topology.nodeIDs, allowed: withMemory,
        refusal: { id in "node \(id) has no memory; nodes with memory are \(withMemory)" })
    return try NodeSet.parse(argument, rules: rules)
}

/// The CPUs of a `--physcpubind`-style argument, within the CPUs this process may use.
func processorSet(_ argument: String, topology: Topology, limits: ProcessLimits) throws(NUMAError) -> CPUSet {
    let rules = SpecRules(existing: topology.cpus, allowed: limits.cpusAllowed ?? topology.cpus)
    return try CPUSet.parse(argument, rules: rules)
}

/// Rules for `<nodes>` that also accept devices, resolved under `root`.
func deviceAwareRules(topology: Topology, root: SystemRoot) -> SpecRules<NodeKind> {
    SpecRules(
        existing: topology.nodeIDs, allowed: topology.nodesWithMemory,
        resolveDevice: { spec throws(NUMAError) in try DeviceAffinity.nodes(for: spec, root: root) })
}

// MARK: - SettingAPolicy.md

/// Binds the calling thread's memory and CPUs to the nodes of `argument`.
func bindToNodes(_ argument: String) throws(NUMAError) -> NodeSet {
    let topology = Topology.load(from: .live, options: .skipDistances)
    let rules = SpecRules(existing: topology.nodeIDs, allowed: topology.nodesWithMemory)
    let nodes = try NodeSet.parse(argument, rules: rules)
    try MemoryPolicy(.bind, nodes: nodes).apply()
    let cpus = topology.nodes.filter { nodes.contains($0.id) }.reduce(CPUSet()) { $0.union($1.cpus) }
    try CPUAffinity.set(cpus)
    return nodes
}

/// The article's launch, compiled but never called: it would replace the test process.
func launchRedisOnNodeOne() throws(NUMAError) -> (NodeSet, MemoryPolicy, Errno) {
    let nodes = try bindToNodes("1")
    let policy = try MemoryPolicy.current()  // .bind over nodes
    let failure = Launcher.execute(["redis-server", "--port", "6380"])
    // Reached only when the command could not be executed: failure says why.
    return (nodes, policy, failure)
}

// MARK: - CheckingRequirements.md

/// The requirements among `expressions` that do not hold under `root`, each with what was found.
func unmetRequirements(_ expressions: [String], root: SystemRoot) throws(NUMAError) -> [String] {
    var requirements: [Requirement] = []
    for expression in expressions {
        requirements.append(try Requirement.parse(expression))
    }
    let needsHugePages = requirements.contains { $0.quantity.needsHugePages }
    let topology = Topology.load(from: root, options: needsHugePages ? .hugePages : [])
    return requirements.compactMap { requirement in
        let evaluation = requirement.evaluate(in: topology)
        return evaluation.holds ? nil : "\(requirement): \(evaluation.message)"
    }
}

@Suite struct DocumentationExamplesTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = packageRoot.appendingPathComponent("Sources/NUMA/NUMA.docc")
    static let articles = ["ReadingATopology", "ParsingNodes", "SettingAPolicy", "CheckingRequirements"]

    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/sysfs/\(name)").path
    }

    static func article(_ name: String) throws -> String {
        try String(contentsOf: catalog.appendingPathComponent("\(name).md"), encoding: .utf8)
    }

    /// The fenced code blocks of a Markdown text, each as its lines.
    static func codeBlocks(_ text: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let block = current {
                    blocks.append(block)
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }

    /// Lines without their indentation, blank lines dropped.
    static func stripped(_ lines: [String]) -> [String] {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test(arguments: articles)
    func articlesQuoteThisFile(name: String) throws {
        let source = Self.stripped(
            try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
                .split(separator: "\n").map(String.init))
        let blocks = Self.codeBlocks(try Self.article(name))
        #expect(!blocks.isEmpty, "\(name).md has no example")
        for block in blocks {
            let lines = Self.stripped(block)
            let found = source.indices.contains { start in
                start + lines.count <= source.count && Array(source[start..<start + lines.count]) == lines
            }
            #expect(found, "an example of \(name).md is not in DocumentationExamplesTests.swift:\n\(block.joined(separator: "\n"))")
        }
    }

    @Test func landingPageListsEveryArticle() throws {
        let landing = try String(contentsOf: Self.catalog.appendingPathComponent("NUMA.md"), encoding: .utf8)
        for name in Self.articles {
            #expect(landing.contains("<doc:\(name)>"), "NUMA.md does not list \(name)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.catalog.path).filter { $0.hasSuffix(".md") }
        #expect(Set(files) == Set((Self.articles + ["NUMA"]).map { "\($0).md" }), "articles without a test here")
    }

    // MARK: ReadingATopology.md

    @Test func describesNodes() throws {
        let expected = """
            node 0: cpus 0, memory 154.9 MiB
            node 1: cpus 1, memory 125.5 MiB
            node 2: cpus 2, memory 0 B
            node 3: no cpus, memory 124.2 MiB
            """
        #expect(try describeNodes(under: Self.fixture("vm-four")) == expected.split(separator: "\n").map(String.init))
        #expect(throws: NUMAError.self) { try describeNodes(under: Self.fixture("no-such-guest")) }
    }

    @Test func ordersNodesByDistance() throws {
        let topology = Topology.load(from: try SystemRoot(path: Self.fixture("vm-four")))
        #expect(nodesByDistance(from: 0, in: topology) == [1, 2, 3])
        #expect(nodesByDistance(from: 3, in: topology) == [1, 0, 2])
        #expect(nodesByDistance(from: 9, in: topology) == [])
    }

    // MARK: ParsingNodes.md

    /// Every row of the article's table, parsed on the four-node guest whose node 2 has no memory.
    @Test func parsesAsTheTableSays() throws {
        let topology = Topology.load(from: try SystemRoot(path: Self.fixture("vm-four")))
        var rows = 0
        for line in try Self.article("ParsingNodes").split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let argument = String(cells[0].dropFirst().dropLast())
            let quoted = cells[1].split(separator: "`", omittingEmptySubsequences: false)
            rows += 1
            if cells[1].hasPrefix("``NUMAError``") {
                let message = String(quoted[quoted.count - 2])
                #expect(throws: NUMAError.self, "\(argument)") { _ = try memoryNodes(argument, topology: topology) }
                do {
                    _ = try memoryNodes(argument, topology: topology)
                } catch {
                    #expect(error.message == message, "\(argument)")
                }
            } else {
                #expect(try memoryNodes(argument, topology: topology).description == String(quoted[1]), "\(argument)")
            }
        }
        #expect(rows == 8)
    }

    @Test func parsesCPUsWithinTheAllowedOnes() throws {
        let topology = Topology.load(from: try SystemRoot(path: Self.fixture("vm-four")))
        let limits = ProcessLimits(cpusAllowed: [0, 1])
        #expect(try processorSet("+1", topology: topology, limits: limits) == [1])
        #expect(try processorSet("all", topology: topology, limits: limits) == [0, 1])
        #expect(try processorSet("2", topology: topology, limits: ProcessLimits()) == [2])
        for (argument, message) in [("2", "cpu 2 is not allowed"), ("3", "cpu 3 does not exist; cpus are 0-2")] {
            do {
                _ = try processorSet(argument, topology: topology, limits: limits)
                Issue.record("'\(argument)' parsed within cpus 0-1")
            } catch {
                #expect(error.message == message)
            }
        }
    }

    @Test func resolvesDevicesThroughTheRules() throws {
        let root = try SystemRoot(path: Self.fixture("vm-four"))
        let rules = deviceAwareRules(topology: Topology.load(from: root), root: root)
        #expect(try NodeSet.parse("0,1", rules: rules) == [0, 1])
        do {
            _ = try NodeSet.parse("netdev:eth0", rules: rules)
            Issue.record("a guest snapshot without sys/class/net has no eth0")
        } catch {
            #expect(error.code == .notAllowed)
            #expect(error.message.contains("eth0"))
        }
        // Without a resolver, a device is not a number.
        let plain = SpecRules(existing: rules.existing, allowed: rules.allowed)
        #expect(throws: NUMAError.self) { try NodeSet.parse("netdev:eth0", rules: plain) }
    }

    // MARK: SettingAPolicy.md

    /// Binds this test's thread to node 0 of the machine running the tests,
    /// reads the policy back, and restores the thread.
    @Test(.enabled(if: MemoryPolicy.isSupported && Topology.load(from: .live).nodesWithMemory.contains(0)))
    func bindsTheCallingThread() throws {
        let affinity = try CPUAffinity.current()
        defer {
            try? MemoryPolicy(.default).apply()
            try? CPUAffinity.set(affinity)
        }
        let nodes = try bindToNodes("0")
        #expect(nodes == [0])
        #expect(try MemoryPolicy.current() == MemoryPolicy(.bind, nodes: [0]))
        let nodeCPUs = Topology.load(from: .live).node(0)?.cpus ?? []
        let bound = try CPUAffinity.current()
        #expect(!bound.isEmpty && bound.isSubset(of: nodeCPUs), "\(bound) is not within node 0's CPUs \(nodeCPUs)")
    }

    // MARK: CheckingRequirements.md

    @Test func reportsUnmetRequirements() throws {
        let root = try SystemRoot(path: Self.fixture("vm-two"))
        let expected = """
            node(1).free>=64G: node 1 has 173.0 MiB free
            hugepages(2M).total>=1: the nodes have 0 huge pages of 2M in all
            node(5).cpus>0: node 5 does not exist
            """
        let found = try unmetRequirements(
            ["nodes>=2", "node(1).free>=64G", "hugepages(2M).total>=1", "node(5).cpus>0"], root: root)
        #expect(found == expected.split(separator: "\n").map(String.init))
        #expect(try unmetRequirements(["nodes==2", "node(0).distance(1)<=20"], root: root) == [])
        do {
            _ = try unmetRequirements(["node(1).fre>=64G"], root: root)
            Issue.record("a misspelt property parses")
        } catch {
            #expect(
                error.message
                    == "invalid requirement 'node(1).fre>=64G': unknown property 'fre' at position 9; expected size, free, cpus, tier, distance(N) or hugepages(SIZE)"
            )
        }
    }
}
