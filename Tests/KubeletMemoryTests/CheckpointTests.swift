@testable import KubeletMemory
import Testing

/// Checkpoints in every format the kubelet writes, with the checksums of the
/// kubelet's own checkpoint tests.
@Suite struct CheckpointTests {
    static let machineState =
        #""machineState":{"0":{"numberOfAssignments":0,"memoryMap":{"memory":{"total":2048,"systemReserved":512,"allocatable":1536,"reserved":512,"free":1024}},"cells":[]}}"#
    static let entries = #""entries":{"pod":{"container1":[{"numaAffinity":[0],"type":"memory","size":512}]}}"#
    static let podEntries = #""podEntries":{"pod":{"memoryBlocks":[{"numaAffinity":[0],"type":"memory","size":512}]}}"#

    static func v1(checksum: UInt64) -> String {
        "{\n\"policyName\":\"static\",\n\(machineState),\n\(entries),\n\"checksum\": \(checksum)\n}"
    }

    @Test func versionOneChecksum() throws {
        let checkpoint = try Checkpoint.parse(Array(Self.v1(checksum: 4_215_593_881).utf8))
        #expect(checkpoint.format == .v1)
        #expect(checkpoint.computedChecksum == 4_215_593_881)
        #expect(checkpoint.checksumValid)
        #expect(checkpoint.policyName == "static")
        #expect(checkpoint.machineState.nodes[0]?.memoryMap["memory"] == MemoryTable(total: 2048, systemReserved: 512, allocatable: 1536, reserved: 512, free: 1024))
        #expect(checkpoint.entries == [ContainerBlocks(pod: "pod", container: "container1", blocks: [MemoryBlock(numaAffinity: [0], type: "memory", size: 512)])])
    }

    @Test func versionOneZeroChecksumIsAccepted() throws {
        #expect(try Checkpoint.parse(Array(Self.v1(checksum: 0).utf8)).checksumValid)
    }

    @Test func versionOneWrongChecksumIsRefused() throws {
        let checkpoint = try Checkpoint.parse(Array(Self.v1(checksum: 101_010).utf8))
        #expect(!checkpoint.checksumValid)
        #expect(checkpoint.computedChecksum == 4_215_593_881)
    }

    @Test func versionTwoChecksum() throws {
        let text = "{\"policyName\":\"static\",\(Self.machineState),\(Self.entries),\(Self.podEntries),\"checksum\": 1278640530}"
        let checkpoint = try Checkpoint.parse(Array(text.utf8))
        #expect(checkpoint.format == .v2)
        #expect(checkpoint.checksumValid)
        #expect(checkpoint.podEntries.map(\.pod) == ["pod"])
        #expect(checkpoint.podEntries.first?.blocks == [MemoryBlock(numaAffinity: [0], type: "memory", size: 512)])
    }

    @Test func versionThreeDataChecksum() throws {
        // The legacy part is corrupted on purpose: a v3 kubelet reads only the data.
        let data = "{\"policyName\":\"static\",\(Self.machineState),\(Self.entries)}"
        let escaped = data.replacingAll("\"", with: "\\\"")
        let text = """
            {"policyName":"other","machineState":{"0":{"numberOfAssignments":5,"memoryMap":{"memory":{"total":1024,"systemReserved":256,"allocatable":768,"reserved":256,"free":512}},"cells":[]}},"entries":{"pod":{"containerX":[{"numaAffinity":[0],"type":"memory","size":128}]}},"checksum": 1234,"data": "\(escaped)","dataChecksum": 1849615440}
            """
        let checkpoint = try Checkpoint.parse(Array(text.utf8))
        #expect(checkpoint.format == .v3)
        #expect(checkpoint.checksumValid)
        #expect(checkpoint.legacyChecksumValid == false)
        #expect(checkpoint.policyName == "static")
        #expect(checkpoint.entries.first?.container == "container1")

        let withPods = "{\"policyName\":\"static\",\(Self.machineState),\(Self.entries),\(Self.podEntries)}"
        let text2 = "{\"checksum\":0,\"data\":\"\(withPods.replacingAll("\"", with: "\\\""))\",\"dataChecksum\":637296054}"
        #expect(try Checkpoint.parse(Array(text2.utf8)).checksumValid)
        let text3 = "{\"checksum\":0,\"data\":\"\(withPods.replacingAll("\"", with: "\\\""))\",\"dataChecksum\":1234}"
        #expect(try !Checkpoint.parse(Array(text3.utf8)).checksumValid)
    }

    @Test func unknownFieldsInDataAreIgnored() throws {
        let data = "{\"unknownField\":\"value\",\"policyName\":\"static\",\(Self.machineState),\(Self.entries)}"
        let text = "{\"data\":\"\(data.replacingAll("\"", with: "\\\""))\",\"dataChecksum\":2100279793}"
        #expect(try Checkpoint.parse(Array(text.utf8)).checksumValid)
    }

    static let malformed: [String] = ["{", "", "[]", "{\"machineState\":{\"x\":{}}}", "{\"data\":\"{\",\"dataChecksum\":1}", "{\"checksum\":-1}"]

    @Test(arguments: malformed)
    func refusesMalformed(text: String) {
        #expect(throws: CheckpointError.self) { try Checkpoint.parse(Array(text.utf8)) }
    }

    @Test func goRenderingOfNilsAndOrder() throws {
        let json = try JSONDocument.parse(Array(#"{"policyName":"Static","machineState":{"10":{"memoryMap":null},"2":{"cells":null,"memoryMap":{"memory":null}}},"entries":{"b":{"c":null},"a":{}}}"#.utf8))
        #expect(
            try Checkpoint.goRendering(json, withPodEntries: false)
                == "(*state.MemoryManagerCheckpoint){PolicyName:(string)Static MachineState:(state.NUMANodeMap)map[2:<*>{NumberOfAssignments:(int)0 MemoryMap:(map[v1.ResourceName]*state.MemoryTable)map[memory:<nil>] Cells:([]int)<nil>} 10:<*>{NumberOfAssignments:(int)0 MemoryMap:(map[v1.ResourceName]*state.MemoryTable)<nil> Cells:([]int)<nil>}] Entries:(state.ContainerMemoryAssignments)map[a:map[] b:map[c:<nil>]] Checksum:(checksum.Checksum)0}"
        )
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
