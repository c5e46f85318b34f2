import KubeletMemory
import Testing

/// Checkpoints with many keys are read by key, not by search; a repeated key
/// keeps its last value, as Go's decoder does.
@Suite struct CheckpointBoundsTests {
    static func checkpoint(pods: Int, repeatFirst: Bool) -> [UInt8] {
        var entries: [String] = []
        for pod in 0..<pods { entries.append("\"pod\(pod)\":{\"c\":[{\"numaAffinity\":[0],\"type\":\"memory\",\"size\":1}]}") }
        if repeatFirst { entries.append("\"pod0\":{\"d\":null}") }
        let text = "{\"policyName\":\"Static\",\"machineState\":{},\"entries\":{\(entries.joined(separator: ","))},\"checksum\":0}"
        return Array(text.utf8)
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        let checkpoint = try Checkpoint.parse(Self.checkpoint(pods: 3, repeatFirst: true))
        #expect(checkpoint.entries.map { "\($0.pod)/\($0.container)" } == ["pod0/d", "pod1/c", "pod2/c"])
    }

    /// 20,000 keys: the search this replaced made 200 million comparisons.
    @Test func manyKeys() throws {
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try clock.measure {
            count = try Checkpoint.parse(Self.checkpoint(pods: 20_000, repeatFirst: true)).entries.count
        }
        #expect(count == 20_000)
        #expect(elapsed < .seconds(20))
    }

    @Test func theSizeLimitFitsARealCheckpoint() {
        // 1,000 pods of 10 containers with two blocks each: about 3 MB.
        let block = "{\"numaAffinity\":[0,1],\"type\":\"hugepages-1Gi\",\"size\":1073741824}"
        let container = "\"container-name-0\":[\(block),\(block)]"
        let estimate = 1000 * (60 + 10 * container.utf8.count)
        #expect(estimate < Checkpoint.sizeLimit)
        #expect(Checkpoint.sizeLimit == 4 << 20)
    }
}
