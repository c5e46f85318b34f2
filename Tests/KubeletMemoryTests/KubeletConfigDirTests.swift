import Foundation
import KubeletMemory
import NUMA
import Testing

/// `--config-dir`: drop-ins found in the kubelet's walk order, merged as a
/// JSON merge patch over the file, read case-insensitively into settings;
/// refusals named by their file; reads confined to a snapshot.
@Suite struct KubeletConfigDirTests {
    let base: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-dropins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("proc"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: base.appendingPathComponent("etc/kubelet.conf.d"), withIntermediateDirectories: true)
    }

    static let header = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

    func write(_ path: String, _ text: String) throws {
        let url = base.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    var root: SystemRoot { get throws { try SystemRoot(path: base.path) } }

    func load(_ arguments: [String], release: String = "1.36") throws -> KubeletSettings {
        try KubeletSettings.load(arguments: arguments, root: try root, release: try #require(KubeletRelease(release)))
    }

    func refusal(_ settings: KubeletSettings) -> String? { settings.refusals.first { $0.severity == .refusal }?.message }

    @Test func laterDropInsWinAndFlagsWinOverAll() throws {
        try write("etc/k.yaml", Self.header + "memoryManagerPolicy: None\nsystemReserved:\n  memory: 1Gi\n  cpu: \"1\"\n")
        try write("etc/kubelet.conf.d/10-a.conf", Self.header + "memoryManagerPolicy: Static\nsystemReserved:\n  memory: 2Gi\n")
        try write("etc/kubelet.conf.d/20-b.conf", Self.header + "systemReserved:\n  memory: 3Gi\n")
        try write("etc/kubelet.conf.d/30-c.txt", Self.header + "memoryManagerPolicy: Bogus\n")
        let settings = try load(["--config=/etc/k.yaml", "--config-dir=/etc/kubelet.conf.d"])
        #expect(refusal(settings) == nil)
        #expect(settings.memoryManagerPolicy == "Static")
        // Maps are added to: the file's cpu stays, the last drop-in's memory wins.
        #expect(settings.systemReserved.map { "\($0.0)=\($0.1)" } == ["cpu=1", "memory=3Gi"])
        #expect(settings.origins["memoryManagerPolicy"] == "config-dir")
        let flagged = try load(["--config=/etc/k.yaml", "--config-dir=/etc/kubelet.conf.d", "--memory-manager-policy=None"])
        #expect(flagged.memoryManagerPolicy == "None")
    }

    @Test func walkOrderIsGoWalkDirs() throws {
        // Sorted names per folder: "a" (a folder) comes before "a-b.conf" and "a.conf",
        // though "a/z.conf" sorts after both as a whole path.
        try write("etc/kubelet.conf.d/a/z.conf", Self.header + "memoryManagerPolicy: FromFolder\n")
        try write("etc/kubelet.conf.d/a-b.conf", Self.header + "memoryManagerPolicy: Static\n")
        let settings = try load(["--config-dir", "/etc/kubelet.conf.d"])
        #expect(settings.memoryManagerPolicy == "Static")
        let files = try KubeletSettings.dropInFilesForTesting("/etc/kubelet.conf.d", root: try root)
        #expect(files == ["etc/kubelet.conf.d/a/z.conf", "etc/kubelet.conf.d/a-b.conf"])
    }

    @Test func mergePatchNullRestoresTheFilesValue() throws {
        try write("etc/k.yaml", Self.header + "memoryManagerPolicy: Static\n")
        try write("etc/kubelet.conf.d/10.conf", Self.header + "memoryManagerPolicy: None\n")
        try write("etc/kubelet.conf.d/20.conf", Self.header + "memoryManagerPolicy: null\n")
        let settings = try load(["--config=/etc/k.yaml", "--config-dir=/etc/kubelet.conf.d"])
        // The null removes the earlier drop-in's value from the merged document; the file's stays.
        #expect(settings.memoryManagerPolicy == "Static")
    }

    @Test func keysMatchInAnyCaseAndUnknownOnesAreSilent() throws {
        try write("etc/kubelet.conf.d/10.conf", Self.header + "MemoryManagerPolicy: Static\nreservedMemmory: []\n")
        let settings = try load(["--config-dir=/etc/kubelet.conf.d"])
        #expect(settings.memoryManagerPolicy == "Static")
        #expect(settings.refusals.isEmpty)
        // A variant that sorts before the internal name is overwritten by the configuration so far.
        try write("etc/kubelet.conf.d/20.conf", Self.header + "MEMORYMANAGERPOLICY: None\n")
        #expect(try load(["--config-dir=/etc/kubelet.conf.d"]).memoryManagerPolicy == "Static")
    }

    @Test func reservationsFromADropIn() throws {
        try write(
            "etc/kubelet.conf.d/10.conf",
            Self.header + "reservedMemory:\n- NumaNode: 1\n  limits:\n    memory: 1Gi\n")
        let settings = try load(["--config-dir=/etc/kubelet.conf.d"])
        #expect(settings.reservedMemory.map(\.numaNode) == [1])
    }

    @Test(arguments: [
        ("apiVersion: v1\nmemoryManagerPolicy: Static\n", "Object 'Kind' is missing"),
        ("kind: KubeletConfiguration\na: 1\na: 2\n", "strict decoding error"),
        ("kind: KubeletConfiguration\n  bad: [\n", "yaml:"),
        ("- kind\n", "cannot unmarshal array"),
        ("", "Object 'Kind' is missing"),
    ])
    func refusedDropInsAreNamed(text: String, reason: String) throws {
        try write("etc/kubelet.conf.d/50-bad.conf", text)
        let message = try #require(refusal(try load(["--config-dir=/etc/kubelet.conf.d"])))
        #expect(message.hasPrefix("failed to merge kubelet configs: failed to walk through kubelet dropin directory \"/etc/kubelet.conf.d\""))
        #expect(message.contains("path: /etc/kubelet.conf.d/50-bad.conf"))
        #expect(message.contains(reason))
    }

    @Test func anyKindAndNoApiVersionAreAccepted() throws {
        // apimachinery's decoder into an unstructured object checks only that a kind is present.
        try write("etc/kubelet.conf.d/10.conf", "kind: Anything\nmemoryManagerPolicy: Static\n")
        let settings = try load(["--config-dir=/etc/kubelet.conf.d"])
        #expect(refusal(settings) == nil)
        #expect(settings.memoryManagerPolicy == "Static")
    }

    @Test func aTypeErrorInTheMergeIsRefused() throws {
        try write("etc/kubelet.conf.d/10.conf", Self.header + "reservedMemory:\n- numaNode: \"0\"\n  limits: {memory: 1Gi}\n")
        let message = try #require(refusal(try load(["--config-dir=/etc/kubelet.conf.d"])))
        #expect(message.contains("failed to unmarshal merged JSON into kubelet configuration"))
        #expect(message.contains("/etc/kubelet.conf.d/10.conf"))
        // Overridden by a later drop-in, the bad value never reaches the decoder.
        try write("etc/kubelet.conf.d/20.conf", Self.header + "reservedMemory: []\n")
        #expect(refusal(try load(["--config-dir=/etc/kubelet.conf.d"])) == nil)
    }

    @Test func aMissingFolderStopsTheKubelet() throws {
        let message = try #require(refusal(try load(["--config-dir=/etc/nowhere"])))
        #expect(message.contains("lstat /etc/nowhere: no such file or directory"))
        // An empty value names no folder.
        #expect(refusal(try load(["--config-dir="])) == nil)
    }

    @Test func linksStayInsideTheSnapshot() throws {
        // A drop-in linked to an absolute path reads the snapshot's file, not this machine's.
        try write("etc/real.yaml", Self.header + "memoryManagerPolicy: Static\n")
        try FileManager.default.createSymbolicLink(
            atPath: base.appendingPathComponent("etc/kubelet.conf.d/10.conf").path, withDestinationPath: "/etc/real.yaml")
        #expect(try load(["--config-dir=/etc/kubelet.conf.d"]).memoryManagerPolicy == "Static")
        try FileManager.default.createSymbolicLink(
            atPath: base.appendingPathComponent("etc/kubelet.conf.d/20.conf").path, withDestinationPath: "/etc/hostname")
        // /etc/hostname exists on this machine, not in the snapshot: the kubelet of the snapshot would fail to open it.
        let message = try #require(refusal(try load(["--config-dir=/etc/kubelet.conf.d"])))
        #expect(message.contains("20.conf") && message.contains("no such file or directory"))
    }

    @Test func aLinkedFolderIsNotWalked() throws {
        try write("etc/elsewhere/10.conf", Self.header + "memoryManagerPolicy: Static\n")
        try FileManager.default.createSymbolicLink(atPath: base.appendingPathComponent("etc/linked").path, withDestinationPath: "elsewhere")
        let settings = try load(["--config-dir=/etc/linked"])
        #expect(settings.memoryManagerPolicy == "None")
        #expect(settings.refusals.contains { $0.rule == "config-dir-link" })
        try FileManager.default.createSymbolicLink(atPath: base.appendingPathComponent("etc/kubelet.conf.d/sub").path, withDestinationPath: "../elsewhere")
        #expect(try load(["--config-dir=/etc/kubelet.conf.d"]).memoryManagerPolicy == "None")
    }

    @Test func aFileGivenAsTheFolder() throws {
        // WalkDir visits a root that is a file: read when its name ends in .conf, else nothing.
        try write("etc/one.conf", Self.header + "memoryManagerPolicy: Static\n")
        #expect(try load(["--config-dir=/etc/one.conf"]).memoryManagerPolicy == "Static")
        try write("etc/one.yaml", Self.header + "memoryManagerPolicy: Static\n")
        let settings = try load(["--config-dir=/etc/one.yaml"])
        #expect(settings.memoryManagerPolicy == "None")
        #expect(settings.refusals.isEmpty)
    }

    @Test func boundsOnCountAndDepth() throws {
        for index in 0...KubeletSettings.dropInFileLimit {
            try write("etc/many/\(index).conf", Self.header)
        }
        #expect(throws: KubeletInputError.self) { try load(["--config-dir=/etc/many"]) }
        var deep = "etc/deep"
        for _ in 0...KubeletSettings.dropInDepthLimit { deep += "/d" }
        try write(deep + "/x.conf", Self.header)
        #expect(throws: KubeletInputError.self) { try load(["--config-dir=/etc/deep"]) }
        try write("etc/large/x.conf", Self.header + "# " + String(repeating: "x", count: KubeletSettings.configFileLimit))
        #expect(throws: KubeletInputError.self) { try load(["--config-dir=/etc/large"]) }
    }

    @Test func aLargeDropInMergesInLinearSteps() throws {
        // Counted, not timed: a drop-in of many gates merged over another of as many.
        func steps(_ count: Int) throws -> Int {
            var text = Self.header + "featureGates:\n"
            for index in 0..<count { text += "  Gate\(index): true\n" }
            try write("etc/big.d/10.conf", text)
            try write("etc/big.d/20.conf", text)
            let meter = DecodeSteps()
            _ = try DecodeSteps.$meter.withValue(meter) { try load(["--config-dir=/etc/big.d"]) }
            return meter.count
        }
        let small = try steps(5_000)
        let large = try steps(20_000)
        #expect(small > 5_000)
        #expect(large >= small * 3 && large <= small * 5, "\(small) steps, then \(large) for four times the gates")
    }

    @Test func mergePatchSemantics() throws {
        // The patch rules on their own (RFC 7386): objects merge, a null removes, anything else replaces.
        let merged = try KubeletSettings.mergePatchForTesting([
            #"{"a": {"x": 1, "y": {"p": 1}}, "c": [1]}"#,
            #"{"a": {"y": {"q": 2, "p": null}, "x": null}, "b": [1, null], "c": {"n": null}}"#,
        ])
        #expect(merged == #"{"a":{"y":{"q":2}},"b":[1,null],"c":{}}"#)
    }
}

/// Feature gates refused as component-base's feature gate refuses them.
@Suite struct KubeletFeatureGateTests {
    static func load(_ arguments: [String], _ release: String) throws -> KubeletSettings {
        try KubeletSettings.load(arguments: arguments, root: .live, release: try #require(KubeletRelease(release)))
    }

    static func refusal(_ settings: KubeletSettings) -> String? { settings.refusals.first { $0.severity == .refusal }?.message }

    @Test func unknownGatesAreRefused() throws {
        for release in KubeletRelease.all {
            let settings = try Self.load(["--feature-gates=MemoryManager=true,NoSuchGate=true"], release.description)
            #expect(Self.refusal(settings) == "failed to set feature gates from initial flags-based config: unrecognized feature gate: NoSuchGate")
            // Names are case-sensitive.
            #expect(Self.refusal(try Self.load(["--feature-gates=memorymanager=true"], release.description))?.hasSuffix("unrecognized feature gate: memorymanager") == true)
            // TopologyManager was removed in 1.29.
            #expect(Self.refusal(try Self.load(["--feature-gates=TopologyManager=true"], release.description))?.hasSuffix("unrecognized feature gate: TopologyManager") == true)
        }
    }

    @Test func gatesKnownFromTheirRelease() throws {
        #expect(Self.refusal(try Self.load(["--feature-gates=PodLevelResourceManagers=true"], "1.35"))?.hasSuffix("unrecognized feature gate: PodLevelResourceManagers") == true)
        #expect(Self.refusal(try Self.load(["--feature-gates=PodLevelResourceManagers=true"], "1.36")) == nil)
        #expect(Self.refusal(try Self.load(["--feature-gates=ComponentFlagz=true"], "1.31")) != nil)
        #expect(Self.refusal(try Self.load(["--feature-gates=ComponentFlagz=true"], "1.32")) == nil)
    }

    @Test func lockedGatesAreRefusedAgainstTheirDefault() throws {
        #expect(Self.refusal(try Self.load(["--feature-gates=CPUManagerPolicyOptions=false"], "1.32")) == nil)
        #expect(
            Self.refusal(try Self.load(["--feature-gates=CPUManagerPolicyOptions=false"], "1.33"))
                == "failed to set feature gates from initial flags-based config: cannot set feature gate CPUManagerPolicyOptions to false, feature is locked to true")
        let ga = try Self.load(["--feature-gates=CPUManagerPolicyOptions=true"], "1.33")
        #expect(Self.refusal(ga) == nil)
        #expect(ga.refusals.contains { $0.rule == "ga-feature-gate" && $0.severity == .note })
    }

    @Test func gatesFromTheFileAreCheckedToo() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-gates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("proc"), withIntermediateDirectories: true)
        try Data((KubeletConfigDirTests.header + "featureGates:\n  MemoryManager: true\n  Typo: true\n").utf8).write(to: base.appendingPathComponent("k.yaml"))
        let settings = try KubeletSettings.load(arguments: ["--config=/k.yaml"], root: try SystemRoot(path: base.path))
        #expect(Self.refusal(settings)?.hasSuffix("unrecognized feature gate: Typo") == true)
    }
}
