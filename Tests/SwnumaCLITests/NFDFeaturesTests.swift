import Foundation
import NUMA
import Testing

@testable import SwnumaCLI

/// `--nfd-features`: options, refusals, and the labels of the project's
/// captured guest topologies checked against Kubernetes' label rules,
/// written here independently of the library's checks.
@Suite struct NFDFeaturesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/sysfs").standardized

    static var fixtureNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).sorted()
    }

    /// A qualified name: an optional DNS-subdomain prefix and `/`, then a name.
    static let nameRule = try! NSRegularExpression(
        pattern: "^(([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
    static let valueRule = try! NSRegularExpression(pattern: "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

    static func matches(_ rule: NSRegularExpression, _ text: String) -> Bool {
        rule.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Checks every line of a feature file; returns the labels.
    static func checkFile(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: String] {
        var labels: [String: String] = [:]
        for line in text.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else {
                Issue.record("line without '=': \(line)", sourceLocation: sourceLocation)
                continue
            }
            let (name, value) = (parts[0], parts[1])
            let slash = name.lastIndex(of: "/")
            let prefix = slash.map { String(name[..<$0]) } ?? ""
            let bare = slash.map { String(name[name.index(after: $0)...]) } ?? name
            #expect(matches(nameRule, name) && bare.utf8.count <= 63 && prefix.utf8.count <= 253,
                    "invalid name \(name)", sourceLocation: sourceLocation)
            #expect(matches(valueRule, value) && value.utf8.count <= 63, "invalid value \(line)", sourceLocation: sourceLocation)
            #expect(prefix == "" || !(prefix == "kubernetes.io" || prefix.hasSuffix(".kubernetes.io"))
                    || prefix.hasSuffix("feature.node.kubernetes.io"), "namespace NFD refuses: \(name)", sourceLocation: sourceLocation)
            #expect(labels.updateValue(value, forKey: name) == nil, "\(name) twice", sourceLocation: sourceLocation)
        }
        return labels
    }

    func run(_ arguments: [String]) -> Outcome {
        SwnumaCommand.run(arguments, environmentRoot: nil)
    }

    @Test func fixturesExist() {
        #expect(Self.fixtureNames.count >= 4)
    }

    @Test(arguments: fixtureNames)
    func everyGuestLabelIsValid(_ name: String) throws {
        let root = Self.fixtures.appendingPathComponent(name).path
        let outcome = run([
            "--root", root, "--nfd-features", "--label", "four-nodes=nodes==4", "--label", "example.com/big=cpus>=4096",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let labels = Self.checkFile(outcome.stdout)
        let topology = Topology.load(from: try SystemRoot(path: root))
        #expect(labels["\(NodeFeatures.prefix)nodes"] == "\(topology.nodes.count)")
        #expect(labels["four-nodes"] == (topology.nodes.count == 4 ? "true" : "false"))
        #expect(labels["example.com/big"] == "false")
        #expect(labels.count >= 9)
    }

    @Test func labelsTrueAndFalse() throws {
        let root = Self.fixtures.appendingPathComponent("vm-four").path
        let outcome = run([
            "--root", root, "--nfd-features", "--label", "yes=nodes>=2", "--label", "no=node(0).cpus>1000",
            "--label", "missing-node=node(9).free>=1",
        ])
        let labels = Self.checkFile(outcome.stdout)
        #expect(labels["yes"] == "true")
        #expect(labels["no"] == "false")
        #expect(labels["missing-node"] == "false")
        // --label lines follow swnuma's own, in command-line order.
        let names = outcome.stdout.split(separator: "\n").map { $0.prefix { $0 != "=" } }
        #expect(Array(names.suffix(3)) == ["yes", "no", "missing-node"])
    }

    @Test func requireGatesTheFile() throws {
        let root = Self.fixtures.appendingPathComponent("vm-two").path
        let failing = run(["--root", root, "--nfd-features", "--require", "nodes>5"])
        #expect(failing.status == 3)
        #expect(failing.stdout.isEmpty)
        let holding = run(["--root", root, "--nfd-features", "--require", "nodes>=2"])
        #expect(holding.status == 0)
        #expect(holding.stdout.contains("\(NodeFeatures.prefix)nodes=2\n"))
    }

    @Test func expiryDirectiveComesBeforeTheLabels() throws {
        let root = Self.fixtures.appendingPathComponent("vm-two").path
        let before = NodeFeatures.now
        let outcome = run(["--root", root, "--nfd-features", "--expiry", "1h30m"])
        let after = NodeFeatures.now
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let directive = try #require(lines.firstIndex { $0.hasPrefix("# +expiry-time=") })
        #expect(lines[(directive + 1)...].allSatisfy { !$0.hasPrefix("#") })
        #expect(lines[..<directive].allSatisfy { $0.hasPrefix("#") })
        let time = String(lines[directive].dropFirst("# +expiry-time=".count))
        let accepted = Set((before...after).compactMap { NodeFeatures.rfc3339(epochSeconds: $0 + 5400) })
        #expect(accepted.contains(time), "\(time)")
    }

    @Test(arguments: [
        (["--nfd-features", "--label", "bad name=nodes>1"], "'bad name'"),
        (["--nfd-features", "--label", "kubernetes.io/numa=nodes>1"], "kubernetes.io/numa"),
        (["--nfd-features", "--label", String(repeating: "n", count: 64) + "=nodes>1"], "more than 63"),
        (["--nfd-features", "--label", "no-expression"], "'no-expression'"),
        (["--nfd-features", "--label", "x=nodes>"], "nodes>"),
        (["--nfd-features", "--expiry", "soon"], "'soon'"),
        (["--nfd-features", "--output", ""], "--output"),
        (["--label", "x=nodes>1"], "--label needs --nfd-features"),
        (["--output", "/tmp/x", "-H"], "--output needs --nfd-features"),
        (["--nfd-features", "-H"], "--hardware"),
        (["--nfd-features", "--json"], "--json"),
        (["--nfd-features", "-m", "0"], "--membind"),
        (["--nfd-features", "-N", "0"], "--cpunodebind"),
        (["--nfd-features", "true"], "'true'"),
    ])
    func refusals(_ arguments: [String], _ word: String) {
        let outcome = run(arguments)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.split(separator: "\n").first?.contains(word) == true, "\(outcome.stderr)")
    }

    /// `--output -` is standard output, as `--draw -` is; `./-` is a file named `-`.
    @Test func outputDashIsStandardOutput() throws {
        let root = Self.fixtures.appendingPathComponent("vm-two").path
        let plain = run(["--root", root, "--nfd-features"])
        let dash = run(["--root", root, "--nfd-features", "--output", "-"])
        #expect(dash.status == 0 && dash.stderr.isEmpty)
        #expect(!dash.stdout.isEmpty && dash.stdout == plain.stdout)
        let options = try Scanner.scan(["--nfd-features", "--output", "-"]).options
        #expect(try NFDFeatures.request(options).output == nil)
        let file = try Scanner.scan(["--nfd-features", "--output", "./-"]).options
        #expect(try NFDFeatures.request(file).output == "./-")
    }

    @Test func prefixesOfTheNewOptions() throws {
        func id(_ words: String...) throws -> OptionID? { try Scanner.scan(words).options.first?.id }
        // numactl's own prefixes keep their meaning.
        #expect(try id("--o", "0") == .offset)
        #expect(throws: ScanError.self) { try Scanner.scan(["--l", "0"]) }
        #expect(try id("--le", "0") == .length)
        #expect(try id("--lo") == .localalloc)
        // Prefixes numactl does not use reach swnuma's options.
        #expect(try id("--nf") == .nfdFeatures)
        // Among swnuma's own options a prefix may become ambiguous as options are added.
        #expect(throws: ScanError.ambiguous("--n", candidates: ["nfd-features", "node-resource-topology"])) { try Scanner.scan(["--n"]) }
        #expect(try id("--la", "x=nodes>1") == .label)
        #expect(try id("--ou", "f") == .output)
        #expect(try id("--e", "1h") == .expiry)
        #expect(try Scanner.scan(["--o", "0", "--shm", "k"]).options.map(\.id) == [.offset, .shm])
        #expect(try Invocation.plan(Scanner.scan(["--nfd", "--la", "x=nodes>1", "--exp", "1h", "--out", "f"])).mode is NFDFeaturesMode)
    }
}
