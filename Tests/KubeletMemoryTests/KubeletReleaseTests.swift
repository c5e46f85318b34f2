@testable import KubeletMemory
import Testing

/// The rules that differ between Kubernetes releases, accepted and refused
/// on each side of the release that changed them.
@Suite struct KubeletReleaseTests {
    static let machine = MachineMemory(nodes: [.init(id: 0, memory: 4 << 30), .init(id: 1, memory: 4 << 30)], capacity: 8 << 30)

    static func release(_ text: String) throws -> KubeletRelease { try #require(KubeletRelease(text)) }

    static func check(_ arguments: [String], _ release: String) throws -> MemoryManagerReport {
        let settings = try KubeletSettings.load(arguments: arguments, root: .live, release: try Self.release(release))
        return MemoryManagerRules.check(settings, machine: machine)
    }

    static func refusal(_ report: MemoryManagerReport) -> String? {
        report.findings.first { $0.severity == .refusal }?.message
    }

    @Test(arguments: ["1.30", "1.36", "v1.34", "1.34.2"])
    func releasesModelled(text: String) {
        #expect(KubeletRelease(text) != nil)
    }

    @Test(arguments: ["1.29", "1.37", "1.3", "2.30", "1.30.", "1.x", "", "1.30.1.2", "1.+3"])
    func releasesRefused(text: String) {
        #expect(KubeletRelease(text) == nil)
    }

    @Test func newestIsTheDefault() throws {
        #expect(KubeletSettings().release == KubeletRelease.newest)
        #expect(KubeletRelease.all.first == KubeletRelease.oldest)
        #expect(KubeletRelease.all.count == 7)
    }

    @Test func memoryManagerGateSwitchableBefore132() throws {
        let arguments = ["--feature-gates", "MemoryManager=false", "--memory-manager-policy=Static"]
        let old = try Self.check(arguments, "1.31")
        #expect(Self.refusal(old) == nil)
        #expect(old.findings.contains { $0.rule == "feature-gate" && $0.severity == .note })
        #expect(!old.settings.memoryManagerEnabled)
        // Without the gate the Static policy with no reservation is not checked; with it, it is refused.
        let on = try Self.check(["--memory-manager-policy=Static"], "1.31")
        #expect(Self.refusal(on) != nil)
    }

    @Test func memoryManagerGateLockedFrom132() throws {
        for release in ["1.32", "1.34", "1.36"] {
            let report = try Self.check(["--feature-gates", "MemoryManager=false"], release)
            #expect(Self.refusal(report) == "failed to set feature gates from initial flags-based config: cannot set feature gate MemoryManager to false, feature is locked to true")
            #expect(Self.refusal(try Self.check(["--feature-gates", "MemoryManager=true"], release)) == nil)
        }
    }

    @Test func featureGateSyntax() throws {
        let report = try Self.check(["--feature-gates", "MemoryManager=maybe"], "1.34")
        #expect(Self.refusal(report)?.contains("invalid value of MemoryManager=maybe") == true)
        #expect(Self.refusal(try Self.check(["--feature-gates", "MemoryManager"], "1.34"))?.contains("missing bool value for MemoryManager") == true)
    }

    @Test func bestEffortByRelease() throws {
        #expect(Self.refusal(try Self.check(["--memory-manager-policy=BestEffort"], "1.34")) == "policy \"BestEffort\" is not available for platform \"linux\"")
        #expect(Self.refusal(try Self.check(["--memory-manager-policy=BestEffort"], "1.31")) == "unknown policy: \"BestEffort\"")
        #expect(Self.refusal(try Self.check(["--memory-manager-policy=Best"], "1.34")) == "unknown policy: \"Best\"")
    }

    @Test func mergeDefaultEvictionSettingsIsAFieldFrom133() throws {
        let file = Array("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmergeDefaultEvictionSettings: true\nevictionHard:\n  nodefs.available: 10%\n".utf8)
        let old = try KubeletSettings.decodeConfigFile(file, path: "k.yaml", release: try Self.release("1.32"))
        #expect(!old.settings.mergeDefaultEvictionSettings)
        #expect(old.findings.first?.message.contains("unknown field \\\"mergeDefaultEvictionSettings\\\"") == true)
        let new = try KubeletSettings.decodeConfigFile(file, path: "k.yaml", release: try Self.release("1.33"))
        #expect(new.settings.mergeDefaultEvictionSettings)
        #expect(new.findings.isEmpty)
        // 1.33: the file's list gets memory.available<100Mi back.
        var settings = new.settings
        #expect(NodeAllocatableMemory.compute(settings, capacity: 8 << 30, findings: &settings.refusals).total.description == "100Mi")
        // A list given by --eviction-hard is not merged with the defaults.
        settings.origins["evictionHard"] = "flag"
        var findings: [Finding] = []
        #expect(NodeAllocatableMemory.compute(settings, capacity: 8 << 30, findings: &findings).total.isZero)
    }

    @Test func fieldsByRelease() throws {
        let file = Array("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfailCgroupV1: false\n".utf8)
        #expect(try KubeletSettings.decodeConfigFile(file, path: "k", release: try Self.release("1.30")).findings.count == 1)
        #expect(try KubeletSettings.decodeConfigFile(file, path: "k", release: try Self.release("1.31")).findings.isEmpty)
    }

    @Test func reservationLargerThanCapacityRefuses() throws {
        let report = try Self.check(["--system-reserved=memory=9Gi"], "1.34")
        #expect(Self.refusal(report) == "invalid Node Allocatable configuration. Resource \"memory\" has an allocatable of 9316Mi, capacity of -1124Mi")
        #expect(Self.refusal(try Self.check(["--system-reserved=memory=7Gi"], "1.34")) == nil)
    }

    @Test func evictionValidatedWhenIgnored() throws {
        let report = try Self.check(["--experimental-allocatable-ignore-eviction", "--eviction-hard=memory.available<101%"], "1.34")
        #expect(Self.refusal(report) == "--eviction-hard: eviction percentage threshold memory.available must be <= 100%: 101%")
        #expect(report.nodeAllocatable.evictionThreshold == nil)
        #expect(Self.refusal(try Self.check(["--eviction-hard=memory.available<-1%"], "1.34"))?.hasSuffix("must be >= 0%: -1%") == true)
    }
}

/// Checkpoints as each release reads them.
@Suite struct CheckpointByReleaseTests {
    static func parse(_ text: String) throws -> Checkpoint { try Checkpoint.parse(Array(text.utf8)) }
    static let r134 = KubeletRelease("1.34")!
    static let r136 = KubeletRelease("1.36")!

    @Test func zeroChecksumRefusedBefore136() throws {
        let zero = try Self.parse(CheckpointTests.v1(checksum: 0))
        for release in KubeletRelease.all {
            #expect(zero.reading(release: release, podLevelGate: false).checksumHolds == (release >= Self.r136))
        }
        #expect(!zero.reading(release: Self.r136, podLevelGate: true).checksumHolds)
        let good = try Self.parse(CheckpointTests.v1(checksum: 4_215_593_881))
        for release in KubeletRelease.all {
            #expect(good.reading(release: release, podLevelGate: false).checksumHolds)
        }
    }

    @Test func versionTwoNeedsThePodLevelGate() throws {
        func text(_ checksum: UInt64) -> String {
            "{\"policyName\":\"static\",\(CheckpointTests.machineState),\(CheckpointTests.entries),\(CheckpointTests.podEntries),\"checksum\": \(checksum)}"
        }
        let checkpoint = try Self.parse(text(1_278_640_530))
        #expect(!checkpoint.reading(release: Self.r134, podLevelGate: false).checksumHolds)
        #expect(!checkpoint.reading(release: Self.r136, podLevelGate: false).checksumHolds)
        let gated = checkpoint.reading(release: Self.r136, podLevelGate: true)
        #expect(gated.checksumHolds && gated.readAs == .v2)
        // A v1 checksum over a v2 file: a kubelet reading v1 accepts it.
        #expect(try Self.parse(text(4_215_593_881)).reading(release: Self.r134, podLevelGate: false).checksumHolds)
    }

    @Test func versionThreeReadByItsTopLevelFields() throws {
        let data = "{\"policyName\":\"static\",\(CheckpointTests.machineState),\(CheckpointTests.entries)}"
        let escaped = data.replacingAll("\"", with: "\\\"")
        func text(_ checksum: UInt64) -> String {
            "{\"policyName\":\"static\",\(CheckpointTests.machineState),\(CheckpointTests.entries),\"checksum\":\(checksum),\"data\":\"\(escaped)\",\"dataChecksum\":1849615440}"
        }
        let checkpoint = try Self.parse(text(4_215_593_881))
        #expect(checkpoint.reading(release: Self.r134, podLevelGate: false).checksumHolds)
        let refused = try Self.parse(text(1234))
        #expect(refused.checksumValid)  // the data checksum alone holds
        #expect(!refused.reading(release: Self.r134, podLevelGate: false).checksumHolds)
        #expect(refused.v1View?.policyName == "static")
    }
}
