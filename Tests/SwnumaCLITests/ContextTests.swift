import NUMA
import Testing

@testable import SwnumaCLI

/// Resolving `<nodes>`/`<cpus>` against a machine with a CPU-only node and a
/// memory-only node, as the kernel shows them: node 0 has CPU 0 and memory,
/// node 1 has CPU 1 and no memory, node 2 has memory and no CPUs.
@Suite struct ContextTests {
    static func machine(memsAllowed: String = "00000005") throws -> FakeRoot {
        try FakeRoot([
            "\(node)/node0/cpumap": "1\n", "\(node)/node1/cpumap": "2\n", "\(node)/node2/cpumap": "0\n",
            "\(node)/node0/meminfo": meminfo(0, total: 1_048_576, free: 524_288),
            "\(node)/node1/meminfo": meminfo(1, total: 0, free: 0),
            "\(node)/node2/meminfo": meminfo(2, total: 2_097_152, free: 1_048_576),
            "sys/devices/system/cpu/present": "0-1\n",
            "proc/self/status": "Name:\tswnuma\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t00000000,\(memsAllowed)\n",
        ])
    }

    func resolve(_ step: Step, memsAllowed: String = "00000005") throws -> ResolvedStep {
        var context = Context(root: try Self.machine(memsAllowed: memsAllowed).root)
        return try context.resolve(step)
    }

    func refusal(_ step: Step, memsAllowed: String = "00000005") throws -> String {
        do {
            _ = try resolve(step, memsAllowed: memsAllowed)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func membind(_ spec: String, all: Bool = false) -> Step {
        .policy(.membind, nodes: spec, all: all, balancing: false, option: "-m")
    }

    @Test func memoryOptionsExplainRefusals() throws {
        #expect(try refusal(membind("1")) == "node 1 has no memory; nodes with memory are 0,2")
        #expect(try refusal(membind("3")) == "node 3 does not exist; nodes are 0-2")
        #expect(try refusal(membind("2"), memsAllowed: "00000001")
            == "node 2 is outside this process's cpuset: it may allocate from nodes 0 (Mems_allowed)")
        #expect(try refusal(membind("")) == "-m: the node set is empty")
        // ! inverts against the nodes that exist: here the CPU-only node 1,
        // which the kernel then refuses (see Context.explainPolicyFailure).
        #expect(try refusal(membind("!all")) == "accepted")
        #expect(try refusal(.policy(.preferred, nodes: "0,2", all: false, balancing: false, option: "-p"))
            == "-p takes exactly one node; '0,2' names 2")
        #expect(try refusal(.policy(.weightedInterleave, nodes: "0", all: false, balancing: false, option: "-w"))
            .contains("weighted interleave needs Linux 6.9"))
    }

    @Test func memoryOptionsResolve() throws {
        guard case .policy(let policy, _, _, _) = try resolve(membind("all")) else { Issue.record("not a policy"); return }
        #expect(policy == MemoryPolicy(.bind, nodes: [0, 2]))
        guard case .policy(let all, _, _, _) = try resolve(membind("1", all: true)) else { return }
        #expect(all.nodes == [1])
        guard case .policy(let empty, _, _, _) = try resolve(.policy(.interleave, nodes: "", all: false, balancing: false, option: "-i"))
        else { return }
        #expect(empty == MemoryPolicy(.default))
        guard case .policy(let balanced, _, _, _) = try resolve(.policy(.membind, nodes: "0", all: false, balancing: true, option: "-m"))
        else { return }
        #expect(balanced.flags == .numaBalancing)
    }

    /// numactl refuses -N on a CPU-only node and drops its CPUs from -N all.
    @Test func cpuNodeBindingTakesCPUOnlyNodes() throws {
        guard case .affinity(let one, _, _) = try resolve(.cpuNodes("1", all: false, option: "-N")) else { return }
        #expect(one == [1])
        guard case .affinity(let all, _, _) = try resolve(.cpuNodes("all", all: false, option: "-N")) else { return }
        #expect(all == [0, 1])
        #expect(try refusal(.cpuNodes("2", all: false, option: "-N")) == "node 2 has no CPUs; nodes with CPUs are 0-1")
    }

    /// -N is not limited by the affinity at start (taskset), as numactl's own
    /// bind_range test expects; a cpuset that excludes the node is explained.
    @Test func cpuNodeBindingFollowsTheCpuset() throws {
        let narrowAffinity = try FakeRoot([
            "\(node)/node0/cpumap": "1\n", "\(node)/node1/cpumap": "2\n",
            "proc/self/status": "Cpus_allowed:\t1\nMems_allowed:\t00000003\n",
        ])
        var context = Context(root: try narrowAffinity.root)
        guard case .affinity(let cpus, _, _) = try context.resolve(.cpuNodes("1", all: false, option: "-N")) else { return }
        #expect(cpus == [1])

        let fenced = try FakeRoot([
            "\(node)/node0/cpumap": "1\n", "\(node)/node1/cpumap": "2\n",
            "proc/self/cgroup": "0::/job\n", "proc/self/mounts": "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n",
            "sys/fs/cgroup/job/cpuset.cpus.effective": "0\n", "sys/fs/cgroup/job/cpuset.mems.effective": "0-1\n",
        ])
        let refused = NUMAError(.systemCall, "sched_setaffinity", errno: .invalidArgument)
        let fencedContext = Context(root: try fenced.root)
        #expect(fencedContext.explainAffinityFailure(refused, cpus: [1], option: "-N", nodes: [1])
            == "-N: the CPUs of node(s) 1 (1) are outside this process's cpuset: it may run on CPUs 0 (cpuset /job)")
        #expect(fencedContext.explainAffinityFailure(refused, cpus: [], option: "-N", nodes: [2]) == "-N: no CPUs to run on")
        #expect(fencedContext.explainAffinityFailure(refused, cpus: [0], option: "-C", nodes: nil)
            == "-C: the kernel refused to run on CPUs 0: Invalid argument")
    }

    @Test func cpuBinding() throws {
        guard case .affinity(let cpus, _, _) = try resolve(.cpus("!0", all: false, option: "-C")) else { return }
        #expect(cpus == [1])
        #expect(try refusal(.cpus("2", all: false, option: "-C")) == "cpu 2 does not exist; cpus are 0-1")
        #expect(try refusal(.cpus("1-0", all: false, option: "-C")).contains("reversed"))
    }
}

@Suite struct ShowTextTests {
    func report(_ policy: MemoryPolicy, next: Int? = nil) -> PolicyReport {
        PolicyReport(
            policy: policy, nextInterleaveNode: next, weights: [0: 3, 1: 1], affinity: [0, 1, 2, 3],
            cpuNodes: [0, 1], memsAllowed: [0, 1])
    }

    @Test func everyLineEndsWithANewline() {
        #expect(ShowText.render(report(MemoryPolicy(.local))) == """
            policy: local
            preferred node: 
            physcpubind: 0 1 2 3 
            cpubind: 0 1 
            nodebind: 0 1 
            membind: 0 1 
            preferred: 

            """)
        #expect(ShowText.render(report(MemoryPolicy(.bind, flags: .numaBalancing, nodes: [1]))).hasPrefix(
            "policy: [8194]\npreferred node: \nphyscpubind: 0 1 2 3 \n"))
    }

    @Test func bindAndPreferred() {
        let bind = ShowText.render(report(MemoryPolicy(.bind, nodes: [1])))
        #expect(bind.hasPrefix("policy: bind\npreferred node: 1\n"))
        #expect(bind.hasSuffix("membind: 1 \npreferred: 1 \n"))
        #expect(ShowText.render(report(MemoryPolicy(.preferred, nodes: [1]))).hasPrefix("policy: preferred\npreferred node: 1\n"))
        #expect(ShowText.render(report(MemoryPolicy(.preferredMany, nodes: [0, 1]))).hasPrefix(
            "policy: preferred-many\npreferred node: 0 (preferred-many)\n"))
    }

    @Test func weightedInterleaveHasItsNameAndWeights() {
        #expect(ShowText.render(report(MemoryPolicy(.weightedInterleave, nodes: [0, 1]), next: 1)).hasPrefix("""
            policy: weighted-interleave
            preferred node: 1 (interleave next)
            interleavemask: 0 1 
            interleaveweights: 3 1
            interleavenode: 1
            physcpubind: 
            """))
    }
}
