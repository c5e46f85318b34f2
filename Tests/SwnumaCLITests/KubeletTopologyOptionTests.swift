import Testing

@testable import SwnumaCLI

/// `--kubelet-fit` and `--node-resource-topology` take every word after
/// them; `--kubelet-fit`'s first word is the resources unless it is a flag.
@Suite struct KubeletTopologyOptionTests {
    func plan(_ words: String...) throws -> Invocation {
        try Invocation.plan(try Scanner.scan(words))
    }

    @Test func fitResourcesThenKubeletArguments() throws {
        let fit = try plan("--kubelet-fit", "cpu=2;cpu=2", "--cpu-manager-policy=static").mode as? KubeletFitMode
        #expect(fit?.resources == "cpu=2;cpu=2")
        #expect(fit?.arguments == ["--cpu-manager-policy=static"])
        let table = try plan("--kubelet-fit", "--cpu-manager-policy=static").mode as? KubeletFitMode
        #expect(table?.resources == nil)
        #expect(table?.arguments == ["--cpu-manager-policy=static"])
        let attached = try plan("--kubelet-fit=cpu=1").mode as? KubeletFitMode
        #expect(attached?.resources == "cpu=1")
    }

    @Test func fitRefusesBadResources() {
        #expect(throws: UsageError.self) { try plan("--kubelet-fit", "gpu=1") }
        #expect(throws: UsageError.self) { try plan("--kubelet-fit", "cpu=1;") }
        #expect(throws: UsageError.self) { try plan("--kubelet-fit", "memory=-1Gi") }
    }

    @Test func nodeResourceTopology() throws {
        let mode = try plan("--json", "--node-resource-topology", "--cpu-manager-policy=static").mode as? NodeResourceTopologyMode
        #expect(mode?.json == true)
        #expect(mode?.arguments == ["--cpu-manager-policy=static"])
        #expect(throws: UsageError.self) { try plan("--node-resource-topology=x") }
    }
}
