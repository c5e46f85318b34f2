import KubeletMemory
import NUMA
import Testing

/// The CPU and Topology Managers' rules: the kubelet's checkpoint test
/// vectors, the reservation, policy options by release, the restart verdict.
@Suite struct CPUManagerTests {
    /// Two NUMA nodes of two cores with two threads each: node 0 has cores
    /// 0,4 and 1,5; node 1 has cores 2,6 and 3,7.
    static let smt = MachineCPUs(
        online: [0, 1, 2, 3, 4, 5, 6, 7],
        siblings: [0: [0, 4], 4: [0, 4], 1: [1, 5], 5: [1, 5], 2: [2, 6], 6: [2, 6], 3: [3, 7], 7: [3, 7]],
        node: [0: 0, 4: 0, 1: 0, 5: 0, 2: 1, 6: 1, 3: 1, 7: 1], socket: [:], nodeIDs: [0, 1])

    static func settings(_ arguments: [String]) throws -> KubeletSettings {
        try KubeletSettings.load(arguments: arguments, root: .live)
    }

    // MARK: Checkpoints (the kubelet's own vectors)

    @Test(arguments: [
        (#"{"policyName":"none","defaultCPUSet":"4-6","entries":{},"checksum":354655845}"#, true),
        (#"{"policyName":"none","defaultCPUSet":"4-6","entries":{},"checksum":2912033808}"#, true),
        (#"{"policyName":"static","defaultCPUSet":"7-9","entries":{"containerID1":"4-6","containerID2":"1-3"},"checksum":2026311253}"#, true),
        (#"{"policyName":"static","defaultCPUSet":"7-9","entries":{"containerID1":"4-6","containerID2":"1-3"},"checksum":2026311254}"#, false),
        (#"{"policyName":"static","defaultCpuSet":"7-9","entries":{"containerID1":"4-6"},"checksum":0}"#, true),
    ])
    func checksum(text: String, valid: Bool) throws {
        #expect(try CPUCheckpoint.parse(Array(text.utf8)).checksumValid == valid)
    }

    @Test func checkpointRefusesNonsense() {
        #expect(throws: CheckpointError.self) { try CPUCheckpoint.parse(Array(#"{"entries":[1]}"#.utf8)) }
        #expect(throws: CheckpointError.self) { try CPUCheckpoint.parse(Array("[]".utf8)) }
    }

    @Test func cpuLists() throws {
        #expect(try CPUList.parse("0-2,5,7-8") == [0, 1, 2, 5, 7, 8])
        #expect(CPUList.format([8, 0, 1, 2, 5, 7]) == "0-2,5,7-8")
        #expect(throws: CPUList.ParseError.self) { try CPUList.parse("3-1") }
        #expect(throws: CPUList.ParseError.self) { try CPUList.parse("a") }
    }

    // MARK: Start-up

    @Test func staticNeedsAReservation() throws {
        let none = CPUManagerRules.check(try Self.settings(["--cpu-manager-policy=static"]), machine: Self.smt)
        #expect(none.findings.map(\.message) == ["[cpumanager] unable to determine reserved CPU resources for static policy"])
        let zero = CPUManagerRules.check(try Self.settings(["--cpu-manager-policy=static", "--system-reserved=cpu=0"]), machine: Self.smt)
        #expect(zero.findings.first?.rule == "no-reserved-cpus")
        let half = CPUManagerRules.check(try Self.settings(["--cpu-manager-policy=static", "--system-reserved=cpu=500m", "--kube-reserved=cpu=1"]), machine: Self.smt)
        #expect(half.plan.reservedCount == 2)
        // Whole cores first: CPU 0 and its sibling 4.
        #expect(half.plan.reserved == [0, 4])
    }

    @Test func reservedCPUsAgainstOnline() throws {
        let outside = CPUManagerRules.check(try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=6-9"]), machine: Self.smt)
        #expect(outside.findings.first?.message == "reserved-cpus: 6-9 is not a subset of online-cpus: 0-7")
        let bad = CPUManagerRules.check(try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=1-x"]), machine: Self.smt)
        #expect(bad.findings.first?.rule == "reserved-cpus-syntax")
        let good = CPUManagerRules.check(
            try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=0,4", "--system-reserved=cpu=3"]), machine: Self.smt)
        #expect(good.plan.reserved == [0, 4])
        #expect(good.findings.map(\.rule) == ["reserved-cpus-override"])
    }

    @Test func policyOptionsByRelease() throws {
        let settings = try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=0", "--cpu-manager-policy-options=full-pcpus-only=true"])
        let split = CPUManagerRules.check(settings, machine: Self.smt)
        #expect(split.findings.map(\.rule) == ["full-pcpus-split-core"])
        #expect(split.findings.first?.advice.contains("--reserved-cpus=0,4") == true)
        let strict = try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=0,4", "--cpu-manager-policy-options=strict-cpu-reservation=true"])
        #expect(CPUManagerRules.check(strict, machine: Self.smt, release: KubeletRelease(minor: 31)).findings.first?.message
            == "unknown CPU Manager Policy option: \"strict-cpu-reservation\"")
        #expect(CPUManagerRules.check(strict, machine: Self.smt, release: KubeletRelease(minor: 32)).findings.first?.rule == "cpu-policy-option-alpha")
        #expect(CPUManagerRules.check(strict, machine: Self.smt, release: KubeletRelease(minor: 33)).findings.isEmpty)
        let both = try Self.settings([
            "--cpu-manager-policy=static", "--reserved-cpus=0,4", "--cpu-manager-policy-options=full-pcpus-only=true",
            "--cpu-manager-policy-options=distribute-cpus-across-cores=true",
        ])
        // Alpha in every release: refused before the combination is judged.
        #expect(CPUManagerRules.check(both, machine: Self.smt).findings.map(\.rule) == ["cpu-policy-option-alpha"])
        let gated = try Self.settings([
            "--cpu-manager-policy=static", "--reserved-cpus=0,4", "--cpu-manager-policy-options=full-pcpus-only=true",
            "--cpu-manager-policy-options=distribute-cpus-across-cores=true", "--feature-gates=CPUManagerPolicyAlphaOptions=true",
        ])
        #expect(CPUManagerRules.check(gated, machine: Self.smt).findings.map(\.message)
            == ["static policy options full-pcpus-only and distribute-cpus-across-cores can not be used at the same time"])
        let uncore = try Self.settings([
            "--cpu-manager-policy=static", "--reserved-cpus=0,4",
            "--cpu-manager-policy-options=prefer-align-cpus-by-uncorecache=true,distribute-cpus-across-numa=true",
        ])
        #expect(CPUManagerRules.check(uncore, machine: Self.smt, release: KubeletRelease(minor: 34)).findings.map(\.message)
            == ["static policy options prefer-align-cpus-by-uncorecache and distribute-cpus-across-numa can not be used at the same time"])
        let beta = try Self.settings([
            "--cpu-manager-policy=static", "--reserved-cpus=0,4", "--cpu-manager-policy-options=distribute-cpus-across-numa=true",
            "--feature-gates=CPUManagerPolicyBetaOptions=false",
        ])
        #expect(CPUManagerRules.check(beta, machine: Self.smt).findings.map(\.rule) == ["cpu-policy-option-beta"])
        let value = try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=0,4", "--cpu-manager-policy-options=full-pcpus-only=yes"])
        #expect(CPUManagerRules.check(value, machine: Self.smt).findings.map(\.rule) == ["cpu-policy-option-value"])
    }

    @Test func alignBySocket() throws {
        func rules(_ extra: [String], machine: MachineCPUs = Self.smt) throws -> [String] {
            let settings = try Self.settings(
                ["--cpu-manager-policy=static", "--reserved-cpus=0,4", "--cpu-manager-policy-options=align-by-socket=true",
                 "--feature-gates=CPUManagerPolicyAlphaOptions=true"] + extra)
            return CPUManagerRules.check(settings, machine: machine).findings.map(\.message)
        }
        #expect(try rules(["--topology-manager-policy=single-numa-node"])
            == ["Topolgy manager single-numa-node policy is incompatible with CPUManager align-by-socket policy option"])
        #expect(try rules(["--topology-manager-policy=restricted"]).isEmpty)
        // Two sockets on one NUMA node.
        var twoSockets = Self.smt
        twoSockets.socket = [0: 0, 4: 0, 1: 0, 5: 0, 2: 1, 6: 1, 3: 1, 7: 1]
        twoSockets.node = Dictionary(uniqueKeysWithValues: twoSockets.online.map { ($0, 0) })
        twoSockets.nodeIDs = [0]
        #expect(try rules([], machine: twoSockets)
            == ["Align by socket is not compatible with hardware where number of sockets are more than number of NUMA"])
    }

    @Test func reservationTooLarge() throws {
        let settings = try Self.settings(["--cpu-manager-policy=static", "--kube-reserved=cpu=9"])
        #expect(CPUManagerRules.check(settings, machine: Self.smt).findings.map(\.message)
            == ["[cpumanager] unable to reserve the required amount of CPUs (size of  did not equal 9)"])
    }

    // MARK: The restart verdict

    static func state(_ text: String) throws -> CPUCheckpoint { try CPUCheckpoint.parse(Array(text.utf8)) }

    @Test func restart() throws {
        let settings = try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=0,4"])
        func verdict(_ text: String, reserved: [Int] = [0, 4]) throws -> [String] {
            CPUManagerRules.checkState(try Self.state(text), path: "/var/lib/kubelet/cpu_manager_state", settings: settings, machine: Self.smt, reserved: reserved)
                .map(\.rule)
        }
        #expect(try verdict(#"{"policyName":"static","defaultCpuSet":"0-3,5-7","entries":{"pod":{"c":"4"}},"checksum":0}"#) == ["cpu-state-reserved"])
        #expect(try verdict(#"{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod":{"c":"3,7"}},"checksum":0}"#).isEmpty)
        #expect(try verdict(#"{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod":{"c":"3"}},"checksum":0}"#) == ["cpu-state-online"])
        #expect(try verdict(#"{"policyName":"static","defaultCpuSet":"0-4,6-7","entries":{"pod":{"c":"3,5"}},"checksum":0}"#) == ["cpu-state-overlap"])
        #expect(try verdict(#"{"policyName":"none","defaultCpuSet":"","checksum":0}"#) == ["cpu-policy-changed"])
        #expect(try verdict(#"{"policyName":"static","defaultCpuSet":"","entries":{"pod":{"c":"3"}},"checksum":0}"#) == ["cpu-state-default"])
        #expect(try verdict(#"{"policyName":"static","defaultCpuSet":"0-7","checksum":12}"#) == ["cpu-checksum"])
    }

    /// validateState's words, as the kubelet writes them (no prefix, sets re-printed).
    @Test func restartMessages() throws {
        let settings = try Self.settings(["--cpu-manager-policy=static", "--reserved-cpus=0,4"])
        func messages(_ text: String, strict: Bool = false) throws -> [String] {
            CPUManagerRules.checkState(
                try Self.state(text), path: "/var/lib/kubelet/cpu_manager_state", settings: settings, machine: Self.smt, reserved: [0, 4], strict: strict
            ).map(\.message)
        }
        #expect(try messages(#"{"policyName":"static","defaultCpuSet":"0,1,2,3,5,6,7","entries":{"pod":{"c":"4"}},"checksum":0}"#)
            == ["not all reserved cpus: \"0,4\" are present in defaultCpuSet: \"0-3,5-7\""])
        #expect(try messages(#"{"policyName":"static","defaultCpuSet":"0-4,6-7","entries":{"pod":{"c":"5,3"}},"checksum":0}"#)
            == ["pod: pod, container: c cpuset: \"3,5\" overlaps with default cpuset \"0-4,6-7\""])
        #expect(try messages(#"{"policyName":"static","defaultCpuSet":"","entries":{"pod":{"c":"3"}},"checksum":0}"#)
            == ["default cpuset cannot be empty"])
        // strict-cpu-reservation: the reserved CPUs stay out of the shared pool and out of the state.
        #expect(try messages(#"{"policyName":"static","defaultCpuSet":"1-2,5-6","entries":{"pod":{"c":"3,7"}},"checksum":0}"#, strict: true).isEmpty)
        // The kubelet stops at its first error; swnuma goes on to the CPUs the state misses.
        #expect(try messages(#"{"policyName":"static","defaultCpuSet":"0-2,4-6","entries":{"pod":{"c":"3,7"}},"checksum":0}"#, strict: true)
            == ["some of strictly reserved cpus: \"0,4\" are present in defaultCpuSet: \"0-2,4-6\"",
                "current set of available CPUs \"1-3,5-7\" doesn't match with CPUs in state \"0-7\""])
        #expect(try messages(#"{"policyName":"static","defaultCpuSet":"1-2,5-6","entries":{"pod":{"c":"3,7"}},"checksum":0}"#)
            == ["not all reserved cpus: \"0,4\" are present in defaultCpuSet: \"1-2,5-6\"",
                "current set of available CPUs \"0-7\" doesn't match with CPUs in state \"1-3,5-7\""])
    }

    /// The third format (1.36, PodLevelResourceManagers): its checksum is
    /// taken with the pod-level sets; older readers and 1.36 with the gate
    /// off find it corrupted. Checksums from the Go oracle (go-spew).
    @Test func thirdFormat() throws {
        let v3 = #"{"policyName":"static","defaultCpuSet":"0,5-7","entries":{"pod-a":{"c":"1-2"}},"podEntries":{"pod-a":{"cpuSet":"1-2"}},"checksum":3687825275}"#
        let read = try CPUCheckpoint.parse(Array(v3.utf8), release: KubeletRelease(minor: 36), podLevel: true)
        #expect(read.checksumValid)
        #expect(read.format == .v3)
        #expect(read.podEntries.map(\.cpus) == ["1-2"])
        #expect(try CPUCheckpoint.parse(Array(v3.utf8), release: KubeletRelease(minor: 36), podLevel: false).checksumValid == false)
        #expect(try CPUCheckpoint.parse(Array(v3.utf8), release: KubeletRelease(minor: 35), podLevel: true).checksumValid == false)
        let tampered = v3.replacing(#""cpuSet":"1-2""#, with: #""cpuSet":"1-3""#)
        #expect(try CPUCheckpoint.parse(Array(tampered.utf8), release: KubeletRelease(minor: 36), podLevel: true).checksumValid == false)
        // v2 as 1.36 writes it with the gate off: hashed under the name CPUManagerCheckpointV2.
        let v2 = Array(#"{"policyName":"static","defaultCpuSet":"0-7","checksum":1506833380}"#.utf8)
        #expect(try CPUCheckpoint.parse(v2, release: KubeletRelease(minor: 36), podLevel: false).checksumValid)
        #expect(try CPUCheckpoint.parse(v2, release: KubeletRelease(minor: 36), podLevel: true).checksumValid == false)
        #expect(try CPUCheckpoint.parse(v2, release: KubeletRelease(minor: 35)).checksumValid == false)
    }

    // MARK: Topology Manager

    @Test func topologyNames() throws {
        let bad = TopologyManagerRules.check(try Self.settings(["--topology-manager-policy=strict", "--topology-manager-scope=node"]), numaNodes: 2)
        #expect(bad.findings.map(\.message) == ["unknown policy: \"strict\"", "unknown scope: \"node\""])
        let good = TopologyManagerRules.check(try Self.settings(["--topology-manager-policy=restricted", "--topology-manager-scope=pod"]), numaNodes: 2)
        #expect(good.findings.isEmpty)
    }

    @Test func manyNodes() throws {
        let plain = try Self.settings(["--topology-manager-policy=single-numa-node"])
        #expect(TopologyManagerRules.check(plain, numaNodes: 8).findings.isEmpty)
        #expect(TopologyManagerRules.check(plain, numaNodes: 17).findings.first?.message
            == "unsupported on machines with more than 8 NUMA Nodes")
        #expect(TopologyManagerRules.check(plain, numaNodes: 17).findings.first?.advice.contains("this machine has 17 NUMA nodes") == true)
        let raised = try Self.settings(["--topology-manager-policy=single-numa-node", "--topology-manager-policy-options=max-allowable-numa-nodes=64"])
        #expect(TopologyManagerRules.check(raised, numaNodes: 64).findings.isEmpty)
        #expect(TopologyManagerRules.check(raised, numaNodes: 65).findings.map(\.rule) == ["topology-numa-nodes"])
        #expect(TopologyManagerRules.check(raised, numaNodes: 17, release: KubeletRelease(minor: 30)).findings.map(\.rule)
            == ["topology-policy-option", "topology-numa-nodes"])
        let none = try Self.settings(["--topology-manager-policy=none"])
        #expect(TopologyManagerRules.check(none, numaNodes: 64).findings.isEmpty)
        let small = try Self.settings(["--topology-manager-policy-options=max-allowable-numa-nodes=4"])
        #expect(TopologyManagerRules.check(small, numaNodes: 2).findings.map(\.message)
            == ["the minimum value of \"max-allowable-numa-nodes\" should not be less than 8"])
        let eight = try Self.settings(["--topology-manager-policy=restricted", "--topology-manager-policy-options=max-allowable-numa-nodes=+8"])
        #expect(TopologyManagerRules.check(eight, numaNodes: 8).findings.isEmpty)
        let word = try Self.settings(["--topology-manager-policy-options=max-allowable-numa-nodes=many"])
        #expect(TopologyManagerRules.check(word, numaNodes: 2).findings.map(\.message)
            == ["unable to convert policy option to integer \"max-allowable-numa-nodes\": strconv.Atoi: parsing \"many\": invalid syntax"])
        let huge = try Self.settings(["--topology-manager-policy-options=max-allowable-numa-nodes=99999999999999999999"])
        #expect(TopologyManagerRules.check(huge, numaNodes: 2).findings.first?.message.hasSuffix("value out of range") == true)
    }

    @Test func topologyOptionGates() throws {
        let off = try Self.settings([
            "--topology-manager-policy=restricted", "--topology-manager-policy-options=max-allowable-numa-nodes=17",
            "--feature-gates=TopologyManagerPolicyBetaOptions=false",
        ])
        #expect(TopologyManagerRules.check(off, numaNodes: 17, release: KubeletRelease(minor: 32)).findings.map(\.message).first
            == "Topology Manager Policy Beta-level Options not enabled, but option \"max-allowable-numa-nodes\" provided")
        let alpha = try Self.settings(["--topology-manager-policy-options=prefer-closest-numa-nodes=true"])
        #expect(TopologyManagerRules.check(alpha, numaNodes: 2, release: KubeletRelease(minor: 27)).findings.map(\.rule) == ["topology-policy-option-alpha"])
        let gated = try Self.settings([
            "--topology-manager-policy-options=prefer-closest-numa-nodes=true", "--feature-gates=TopologyManagerPolicyAlphaOptions=true",
        ])
        #expect(TopologyManagerRules.check(gated, numaNodes: 2, release: KubeletRelease(minor: 27)).findings.isEmpty)
    }

    @Test func configurationFile() throws {
        let yaml = """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            cpuManagerPolicy: static
            reservedSystemCPUs: "0,4"
            cpuManagerPolicyOptions:
              full-pcpus-only: "true"
            topologyManagerPolicy: restricted
            topologyManagerScope: pod
            """
        let decoding = try KubeletSettings.decodeConfigFile(Array(yaml.utf8), path: "k.yaml").settings
        #expect(decoding.cpuManagerPolicy == "static")
        #expect(decoding.reservedSystemCPUs == "0,4")
        #expect(decoding.cpuManagerPolicyOptions.map { "\($0.0)=\($0.1)" } == ["full-pcpus-only=true"])
        #expect(decoding.topologyManagerPolicy == "restricted")
        #expect(decoding.topologyManagerScope == "pod")
    }
}
