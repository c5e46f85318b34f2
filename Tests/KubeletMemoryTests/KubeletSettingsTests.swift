import KubeletMemory
import NUMA
import Testing

/// A kubelet command line and configuration file read into settings, and the
/// Node Allocatable reservation they give.
@Suite struct KubeletSettingsTests {
    static let machine = MachineMemory(nodes: [.init(id: 0, memory: 4 << 30), .init(id: 1, memory: 4 << 30)], capacity: 8 << 30)

    func load(_ arguments: [String]) throws -> KubeletSettings {
        try KubeletSettings.load(arguments: arguments, root: .live)
    }

    @Test func flagsInBothForms() throws {
        let settings = try load([
            "--v", "2", "--memory-manager-policy", "Static", "--reserved-memory=0:memory=1Gi", "--reserved-memory", "1:memory=1Gi",
            "--fail-swap-on", "--root-dir", "/srv/kubelet", "--system-reserved=cpu=1,memory=1Gi",
        ])
        #expect(settings.memoryManagerPolicy == "Static")
        #expect(settings.reservedMemory.map(\.numaNode) == [0, 1])
        #expect(settings.rootDirectory == "/srv/kubelet")
        #expect(settings.checkpointPath == "/srv/kubelet/memory_manager_state")
        #expect(settings.refusals.isEmpty)
    }

    @Test func repeatedMapFlagsMerge() throws {
        let settings = try load(["--system-reserved=memory=1Gi", "--system-reserved=cpu=1,memory=2Gi", "--eviction-hard=memory.available<1Gi"])
        #expect(settings.systemReserved.map(\.0) == ["memory", "cpu"])
        #expect(settings.systemReserved.first?.1 == "2Gi")
        #expect(settings.evictionHard?.first?.1 == "1Gi")
    }

    @Test func emptyReservedMemoryThenMoreIsRefused() throws {
        let settings = try load(["--reserved-memory=", "--reserved-memory=0:memory=1Gi"])
        #expect(settings.refusals.map(\.rule) == ["reserved-memory-flag"])
    }

    @Test func strayWordsAreRefused() throws {
        #expect(try load(["--fail-swap-on", "false"]).refusals.map(\.message) == ["unknown command false"])
    }

    @Test func nodeAllocatableSumsInTheFirstFormat() throws {
        var settings = try load(["--system-reserved=memory=1Gi", "--kube-reserved=memory=500M"])
        var findings: [Finding] = []
        var allocatable = NodeAllocatableMemory.compute(settings, capacity: Self.machine.capacity, findings: &findings)
        #expect(allocatable.total.description == "1678599424")
        #expect(allocatable.total.format == .binarySI)
        #expect(allocatable.evictionThreshold?.description == "100Mi")
        settings = try load(["--eviction-hard=memory.available<5%"])
        allocatable = NodeAllocatableMemory.compute(settings, capacity: 8 << 30, findings: &findings)
        // float32(5) / 100 is 0.0500000007: the kubelet's threshold is a little over 5%.
        #expect(allocatable.total.int64Value == Int64(Double(8 << 30) * Double(Float(5) / 100)))
        #expect(allocatable.total.int64Value == 429_496_736)
        settings = try load(["--eviction-hard=memory.available<1Gi", "--experimental-allocatable-ignore-eviction=true"])
        allocatable = NodeAllocatableMemory.compute(settings, capacity: 8 << 30, findings: &findings)
        #expect(allocatable.total.isZero)
        #expect(findings.isEmpty)
    }

    @Test func checkAcceptsABalancedStaticReservation() throws {
        let report = MemoryManagerRules.check(
            try load(["--memory-manager-policy=Static", "--reserved-memory=0:memory=50Mi;1:memory=50Mi"]), machine: Self.machine)
        #expect(!report.hasProblems)
        #expect(report.machineState?.nodes[1]?.memoryMap["memory"]?.allocatable == (4 << 30) - (50 << 20))
    }
}
