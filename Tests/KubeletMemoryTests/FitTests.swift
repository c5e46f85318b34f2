@testable import KubeletMemory
import NUMA
import Testing

/// `--kubelet-fit`'s reading of resources, and its verdicts worked by hand
/// on a two-node machine of 4 CPUs a node with CPUs 0 and 4 reserved.
@Suite struct FitTests {
    @Test func parsesContainers() throws {
        let pod = try KubeletFit.parse("cpu=8,memory=32Gi,hugepages-1Gi=4Gi;cpu=500m")
        #expect(pod.count == 2)
        #expect(pod[0].cpus == 8)
        #expect(pod[0].memory == ["memory": 32 << 30, "hugepages-1Gi": 4 << 30])
        #expect(pod[1].cpus == 0)
        #expect(throws: KubeletFit.ParseError.self) { try KubeletFit.parse("cpu") }
        #expect(throws: KubeletFit.ParseError.self) { try KubeletFit.parse("cpu=1;;cpu=1") }
    }

    static let machine = MachineCPUs(
        online: Array(0...7),
        siblings: [:],
        node: [0: 0, 1: 0, 4: 0, 5: 0, 2: 1, 3: 1, 6: 1, 7: 1], socket: [:], nodeIDs: [0, 1])

    static func usage(memoryFree: [UInt64]) -> NodeResourceTopology.Usage {
        var nodes: [Int: NodeState] = [:]
        for (id, free) in memoryFree.enumerated() {
            nodes[id] = NodeState(memoryMap: ["memory": MemoryTable(total: 4 << 30, systemReserved: 0, allocatable: free, reserved: 0, free: free)], cells: [id])
        }
        return NodeResourceTopology.Usage(cpus: machine, reservedCPUs: [0, 4], assignedCPUs: [], memory: MachineState(nodes: nodes), notes: [])
    }

    static func settings(_ policy: String, scope: String = "container") -> KubeletSettings {
        var settings = KubeletSettings()
        settings.cpuManagerPolicy = "static"
        settings.memoryManagerPolicy = "Static"
        settings.topologyManagerPolicy = policy
        settings.topologyManagerScope = scope
        return settings
    }

    @Test func memoryFitsButCPUsDoNot() throws {
        // 512Mi fits either node; 5 CPUs fit no node (2 and 4 free).
        let pod = try KubeletFit.parse("cpu=5,memory=512Mi")
        let usage = Self.usage(memoryFree: [1 << 30, 2 << 30])
        #expect(KubeletFit.fit(pod, usage: usage, settings: Self.settings("single-numa-node")).map(\.admitted) == [false])
        // restricted: CPU {0,1} (preferred) AND memory {0} (preferred) is {0}, preferred.
        let restricted = KubeletFit.fit(pod, usage: usage, settings: Self.settings("restricted"))
        #expect(restricted.map(\.admitted) == [true])
        #expect(restricted.first?.nodes == [0])
        #expect(KubeletFit.fit(pod, usage: usage, settings: Self.settings("best-effort")).map(\.admitted) == [true])
    }

    @Test func scopes() throws {
        let pod = try KubeletFit.parse("cpu=2;cpu=2")
        let usage = Self.usage(memoryFree: [1 << 30, 2 << 30])
        let container = KubeletFit.fit(pod, usage: usage, settings: Self.settings("single-numa-node"))
        #expect(container.map(\.nodes) == [[0], [1]])
        let whole = KubeletFit.fit(pod, usage: usage, settings: Self.settings("single-numa-node", scope: "pod"))
        #expect(whole.map(\.nodes) == [[1]])
        let big = KubeletFit.fit(try KubeletFit.parse("cpu=3;cpu=3"), usage: usage, settings: Self.settings("single-numa-node", scope: "pod"))
        #expect(big.map(\.admitted) == [false])
    }

    // MARK: The Topology Manager's merge, as HintMerger does it

    static func hint(_ nodes: [Int]?, _ preferred: Bool) -> KubeletFit.Hint { KubeletFit.Hint(nodes: nodes, preferred: preferred) }

    /// Two preferred sets of one size: the smaller bitmask ({1,2} is 6, {0,3} is 9).
    @Test func equalSizesByMask() {
        let best = KubeletFit.merge([[Self.hint([0, 3], true), Self.hint([1, 2], true)]], nodes: [0, 1, 2, 3], policy: "restricted")
        #expect(best == Self.hint([1, 2], true))
    }

    /// Non-preferred merges creep to the widest of the providers' narrowest
    /// hints (here 2, the CPU provider's), not to the narrowest merge.
    @Test func nonPreferredCount() {
        let cpu = [Self.hint([0, 1], false)]
        let memory = [Self.hint([0], false), Self.hint([0, 1], false)]
        let best = KubeletFit.merge([cpu, memory], nodes: [0, 1], policy: "best-effort")
        #expect(best == Self.hint([0, 1], false))
    }

    /// prefer-closest-numa-nodes: among preferred sets of one size, the
    /// least mean distance; single-numa-node ignores it.
    @Test func closest() {
        let distances = [0: [0: 10, 1: 20, 2: 30], 1: [0: 20, 1: 10, 2: 20], 2: [0: 30, 1: 20, 2: 10]]
        let hints = [[Self.hint([0, 2], true), Self.hint([1, 2], true)]]
        #expect(KubeletFit.merge(hints, nodes: [0, 1, 2], policy: "best-effort") == Self.hint([0, 2], true))
        #expect(KubeletFit.merge(hints, nodes: [0, 1, 2], policy: "best-effort", preferClosest: true, distances: distances) == Self.hint([1, 2], true))
    }

    /// Node ids of 64 and more (beyond the kubelet's 64-bit masks) and more
    /// than 64 nodes: the same rules, by rank or by sets.
    @Test func manyNodes() {
        let high = [Self.hint([100, 103], true), Self.hint([101, 102], true)]
        #expect(KubeletFit.merge([high], nodes: [100, 101, 102, 103], policy: "restricted") == Self.hint([101, 102], true))
        let nodes = Array(0..<70)
        let singles = [Self.hint([5], true), Self.hint([3], true), Self.hint(nodes, false)]
        #expect(KubeletFit.merge([singles, nil], nodes: nodes, policy: "best-effort") == Self.hint([3], true))
        #expect(KubeletFit.merge([[Self.hint(nodes, false)], [Self.hint([69], false)]], nodes: nodes, policy: "best-effort") == Self.hint([69], false))
    }

    /// Lists whose product passes the budget keep their best hints: the
    /// preferred narrowest merge is still found.
    @Test func budget() {
        let nodes = Array(0..<40)
        var many: [KubeletFit.Hint] = []
        for i in nodes { for j in nodes where j > i { many.append(Self.hint([i, j], false)) } }
        many.append(Self.hint([7], true))
        let other = many.reversed().map { $0 }
        #expect(many.count * other.count * many.count > KubeletFit.mergeBudget)
        #expect(KubeletFit.merge([many, other, many], nodes: nodes, policy: "restricted") == Self.hint([7], true))
    }
}
