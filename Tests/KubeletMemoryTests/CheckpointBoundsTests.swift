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

    /// Random cuts, byte changes and repeated pieces of a valid checkpoint
    /// (a stand-in for a libFuzzer target, which the fuzz build cannot make
    /// for this module): each is read or refused with a message, never a
    /// trap, and the same bytes always give the same answer.
    @Test func mangledCheckpointsAreReadOrRefused() {
        let valid = Array("""
            {"policyName":"Static","machineState":{"0":{"numberOfAssignments":1,"memoryMap":{"memory":{"total":1024,"systemReserved":0,\
            "allocatable":1024,"reserved":512,"free":512}},"cells":[0]}},"entries":{"pod":{"c":[{"numaAffinity":[0],"type":"memory",\
            "size":512}]}},"podEntries":{"pod":{"memoryBlocks":[{"numaAffinity":[0],"type":"memory","size":1}]}},"checksum":12}
            """.utf8)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\",:0123456789-+.eE\\u\"null true".utf8)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes = Array(bytes[..<at])
                case 1: bytes[at] = alphabet.randomElement(using: &generator)!
                case 2: bytes.insert(contentsOf: bytes[at..<min(at + 16, bytes.count)], at: at)
                default: bytes.remove(at: at)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            let first = Result { try Checkpoint.parse(bytes) }.map(\.format)
            let second = Result { try Checkpoint.parse(bytes) }.map(\.format)
            switch (first, second) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)):
                #expect("\(a)" == "\(b)")
                #expect(!"\(a)".isEmpty)
            default: Issue.record("the same bytes gave two answers: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }
}
