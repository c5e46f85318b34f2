import Testing

@testable import SwnumaCLI

/// `--kubelet-check`, `--kubelet-suggest` and `--kubelet-state` take every
/// word after them, like a command after the options.
@Suite struct KubeletOptionTests {
    func plan(_ words: String...) throws -> Invocation {
        try Invocation.plan(try Scanner.scan(words))
    }

    @Test func takesTheRestOfTheLine() throws {
        let line = try Scanner.scan(["--root", "/x", "--json", "--kubelet-check", "--config", "/etc/k.yaml", "--", "-m", "0", "echo"])
        #expect(line.options.map(\.id) == [.root, .json, .kubeletCheck])
        #expect(line.options[2].rest == ["--config", "/etc/k.yaml", "--", "-m", "0", "echo"])
        #expect(line.command == [])
    }

    @Test func plansEachMode() throws {
        #expect((try plan("--kubelet-check").mode as? KubeletCheckMode)?.arguments == [])
        #expect((try plan("--kubelet-suggest", "--system-reserved=memory=1Gi").mode as? KubeletSuggestMode)?.arguments == ["--system-reserved=memory=1Gi"])
        #expect((try plan("--json", "--kubelet-state", "/tmp/state").mode as? KubeletStateMode)?.arguments == ["/tmp/state"])
        #expect((try plan("--kubelet-state=/tmp/state").mode as? KubeletStateMode)?.arguments == ["/tmp/state"])
        #expect((try plan("--json", "--kubelet-st", "x").mode as? KubeletStateMode)?.arguments == ["x"])
        #expect((try plan("--kubelet-c").mode as? KubeletCheckMode)?.arguments == [])
    }

    @Test func versionChoosesTheRules() throws {
        #expect((try plan("--kubelet-check").mode as? KubeletCheckMode)?.release.description == "1.36")
        #expect((try plan("--kubelet-version", "1.33", "--kubelet-check", "--v=2").mode as? KubeletCheckMode)?.release.description == "1.33")
        #expect((try plan("--kubelet-version=1.30", "--kubelet-suggest").mode as? KubeletSuggestMode)?.release.description == "1.30")
        let state = try plan("--kubelet-version", "1.34", "--kubelet-state", "/tmp/state", "--memory-manager-policy=Static").mode as? KubeletStateMode
        #expect(state?.release.description == "1.34")
        #expect(state?.arguments == ["/tmp/state", "--memory-manager-policy=Static"])
        // After the kubelet option, --kubelet-version is the kubelet's word (which it refuses).
        #expect((try plan("--kubelet-check", "--kubelet-version", "1.33").mode as? KubeletCheckMode)?.arguments == ["--kubelet-version", "1.33"])
    }

    @Test func versionReachesFitAndNodeResourceTopology() throws {
        #expect((try plan("--kubelet-version", "1.31", "--kubelet-fit", "cpu=1").mode as? KubeletFitMode)?.release.description == "1.31")
        #expect((try plan("--kubelet-fit", "cpu=1").mode as? KubeletFitMode)?.release.description == "1.36")
        #expect((try plan("--kubelet-version=1.30", "--node-resource-topology").mode as? NodeResourceTopologyMode)?.release.description == "1.30")
        #expect(throws: UsageError.self) { try plan("--kubelet-version", "1.29", "--node-resource-topology") }
    }

    @Test func prefixesShared() {
        #expect(throws: ScanError.ambiguous("--kubelet", candidates: ["kubelet-check", "kubelet-version", "kubelet-suggest", "kubelet-state", "kubelet-fit"])) {
            try Scanner.scan(["--kubelet"])
        }
        #expect(throws: ScanError.ambiguous("--kubelet-s", candidates: ["kubelet-suggest", "kubelet-state"])) {
            try Scanner.scan(["--kubelet-s"])
        }
    }

    @Test func refusesMixing() {
        #expect(throws: UsageError.self) { try plan("-m", "0", "--kubelet-check") }
        #expect(throws: UsageError.self) { try plan("--kubelet-check=D") }
        #expect(throws: UsageError.self) { try plan("--kubelet-suggest=--v=2") }
        #expect(throws: UsageError.self) { try plan("--require", "nodes>=1", "--kubelet-suggest") }
        #expect(throws: UsageError.self) { try plan("--kubelet-version", "1.33") }
        #expect(throws: UsageError.self) { try plan("--kubelet-version", "1.29", "--kubelet-check") }
        #expect(throws: UsageError.self) { try plan("--kubelet-version", "1.37", "--kubelet-state") }
        #expect(throws: UsageError.self) { try plan("--kubelet-version", "1.33", "-H") }
        #expect(throws: UsageError.self) { try plan("-H", "--kubelet-check") }
    }
}
