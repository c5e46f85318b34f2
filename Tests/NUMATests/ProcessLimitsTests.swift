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
}
