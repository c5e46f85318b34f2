import Testing

@testable import NUMA

/// The kernel's answer for Mems_allowed, which launches use, against the
/// Mems_allowed line of /proc/self/status that every other mode reads.
struct ProcessLimitsTests {
    @Test(.enabled(if: MemoryPolicy.isSupported))
    func kernelAnswerIsTheStatusLine() throws {
        let status = try #require(ProcessLimits.read(from: .live).memsAllowed)
        let kernel = try #require(ProcessLimits.currentMemsAllowed())
        #expect(kernel == status)
        #expect(!kernel.isEmpty)
    }

    /// Lines are cut at every newline and nowhere else, whatever bytes they
    /// hold: bytes that differ from a newline in one bit, bytes past ASCII,
    /// empty lines, a last line with or without its newline.
    @Test func linesEndOnlyAtNewlines() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet: [UInt8] = [0x0A, 0x0A, 0x0B, 0x08, 0x0E, 0x8A, 0x4A, 0x00, 0xFF, 0x20, 0x61]
        for _ in 0..<500 {
            let bytes = (0..<next(70)).map { _ in alphabet[next(alphabet.count)] }
            var lines: [[UInt8]] = []
            ProcessLimits.forEachLine(of: bytes) { lines.append(Array($0)) }
            var expected = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            if bytes.isEmpty || bytes.last == 0x0A { expected.removeLast() }
            #expect(lines == expected, "\(bytes)")
        }
    }
}
