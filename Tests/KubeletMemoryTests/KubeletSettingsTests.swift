@testable import KubeletMemory
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

/// Kubelet command lines read as its pflag flag set reads them.
@Suite struct KubeletFlagTests {
    func load(_ arguments: [String]) throws -> KubeletSettings {
        try KubeletSettings.load(arguments: arguments, root: .live)
    }

    func refusal(_ arguments: [String]) throws -> String? {
        try load(arguments).refusals.first { $0.severity == .refusal }?.message
    }

    @Test func underscoresAreNormalised() throws {
        let settings = try load(["--reserved_memory=0:memory=1Gi", "--memory_manager_policy", "Static"])
        #expect(settings.reservedMemory.map(\.numaNode) == [0])
        #expect(settings.memoryManagerPolicy == "Static")
        #expect(settings.refusals.isEmpty)
    }

    @Test(arguments: [
        (["-reserved-memory=0:memory=1Gi"], "failed to parse kubelet flag: unknown shorthand flag: 'r' in -reserved-memory=0:memory=1Gi"),
        (["--kubelet-check", "--json"], "failed to parse kubelet flag: unknown flag: --kubelet-check"),
        (["--memory-manager-policy=Static", "--json"], "failed to parse kubelet flag: unknown flag: --json"),
        (["--reserved-memory"], "failed to parse kubelet flag: flag needs an argument: --reserved-memory"),
        (["---v=2"], "failed to parse kubelet flag: bad flag syntax: ---v=2"),
        (["--=x"], "failed to parse kubelet flag: bad flag syntax: --=x"),
        (["-v"], "failed to parse kubelet flag: flag needs an argument: 'v' in -v"),
        (["--fail-swap-on=maybe"], "failed to parse kubelet flag: invalid argument \"maybe\" for \"--fail-swap-on\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"),
        (["--system-reserved=memory"], "failed to parse kubelet flag: invalid argument \"memory\" for \"--system-reserved\" flag: malformed pair, expect string=string"),
        (["--eviction-hard=memory.available=1Gi"], "failed to parse kubelet flag: invalid argument \"memory.available=1Gi\" for \"--eviction-hard\" flag: malformed pair, expect string<string"),
        (["--fail-swap-on", "false"], "unknown command false"),
    ])
    func refusedAsTheKubeletRefuses(arguments: [String], message: String) throws {
        #expect(try refusal(arguments) == message)
    }

    @Test func shorthandsAndValuesThatLookLikeFlags() throws {
        #expect(try load(["-v", "2", "-v=3", "-v4", "-h"]).refusals.isEmpty)
        #expect(try load(["--root-dir", "-odd"]).rootDirectory == "-odd")
        #expect(try load(["--root-dir", "/a", "--", "--x"]).refusals.first?.message == "unknown command --x")
        #expect(try load(["--root-dir", "/a", "--"]).refusals.isEmpty)
    }

    @Test func mapFlagsSkipEmptyItemsTrimAndMerge() throws {
        #expect(try load(["--system-reserved=memory=1Gi,"]).systemReserved.map { "\($0.0)=\($0.1)" } == ["memory=1Gi"])
        #expect(try load(["--system-reserved= memory = 1Gi , cpu=1"]).systemReserved.map { "\($0.0)=\($0.1)" } == ["memory=1Gi", "cpu=1"])
        #expect(try load(["--system-reserved=,,"]).systemReserved.isEmpty)
        let merged = try load(["--kube-reserved=memory=1Gi,cpu=1", "--kube-reserved=memory=2Gi"])
        #expect(merged.kubeReserved.map { "\($0.0)=\($0.1)" } == ["memory=2Gi", "cpu=1"])
        #expect(try load(["--eviction-hard=memory.available<1Gi,", "--eviction-hard=nodefs.available<5%"]).evictionHard?.count == 2)
    }

    @Test func reservedMemoryItemsAreNotSkipped() throws {
        #expect(try refusal(["--reserved-memory=0:memory=1Gi,"])?.contains("expected type=quantatity, got ") == true)
    }

    @Test func emptyConfigLoadsNoFile() throws {
        let settings = try load(["--config=", "--memory-manager-policy=Static"])
        #expect(settings.configFile == nil)
        #expect(settings.refusals.isEmpty)
        #expect(throws: KubeletInputError.self) { try load(["--config=/nonexistent/kubelet.yaml"]) }
        #expect(try load(["--config=/nonexistent/kubelet.yaml", "--config="]).configFile == nil)
    }

    @Test func trailingPercentSignsAreAllTrimmed() throws {
        var findings: [Finding] = []
        let settings = try load(["--eviction-hard=memory.available<1%%"])
        let allocatable = NodeAllocatableMemory.compute(settings, capacity: 100 << 30, findings: &findings)
        #expect(findings.isEmpty)
        #expect(allocatable.evictionThreshold?.int64Value == Int64(Double(100 << 30) * Double(Float(1) / 100)))
    }

    @Test func ignoreEvictionTakesAGoBoolean() throws {
        #expect(try load(["--experimental-allocatable-ignore-eviction=false"]).ignoreEvictionThreshold == false)
        #expect(try load(["--experimental-allocatable-ignore-eviction=T"]).ignoreEvictionThreshold)
        #expect(try load(["--experimental-allocatable-ignore-eviction"]).ignoreEvictionThreshold)
    }

    /// Dictionaries, not searches: 115,000 pairs and 150,000 limit types.
    @Test func largeFlagsAreLinear() throws {
        let pairs = (0..<115_000).map { "r\($0)=\($0)" }.joined(separator: ",")
        #expect(try load(["--system-reserved=" + pairs]).systemReserved.count == 115_000)
        #expect(try growsLinearly({ n in _ = try load(["--system-reserved=" + (0..<n).map { "r\($0)=\($0)" }.joined(separator: ",")]) }, size: 115_000))
        let types = (0..<150_000).map { "hugepages-\($0)=1" }.joined(separator: ",")
        let settings = try load(["--memory-manager-policy=Static", "--reserved-memory=0:" + types])
        #expect(settings.reservedMemory.first?.limits.count == 150_000)
        let machine = MachineMemory(nodes: [.init(id: 0, memory: 4 << 30)], capacity: 4 << 30)
        #expect(
            try growsLinearly(
                { n in
                    let settings = try load(["--memory-manager-policy=Static", "--reserved-memory=0:" + (0..<n).map { "hugepages-\($0)=1" }.joined(separator: ",")])
                    _ = MemoryManagerRules.check(settings, machine: machine)
                }, size: 150_000))
    }

    /// A fraction the kubelet cannot convert is never compared with the node as if it were huge.
    @Test func aFractionIsNotMoreThanTheNode() throws {
        let machine = MachineMemory(nodes: [.init(id: 0, memory: 16 << 30)], capacity: 16 << 30)
        let settings = try load(["--memory-manager-policy=Static", "--reserved-memory=0:memory=500m", "--system-reserved=memory=500m", "--eviction-hard=memory.available<0%"])
        let report = MemoryManagerRules.check(settings, machine: machine)
        #expect(!report.findings.contains { $0.message.contains("more than its") })
        #expect(report.findings.contains { $0.severity == .refusal && $0.message.contains("int64") })
    }
}
