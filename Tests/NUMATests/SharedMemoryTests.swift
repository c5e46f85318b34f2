import Glibc
import NUMA
import Testing

/// SharedRegion against this machine's /dev/shm (tmpfs). Policy checks need
/// a kernel with memory policies and node 0 with memory.
@Suite(.serialized) struct SharedMemoryTests {
    func scratchPath(_ name: String) -> String {
        "/dev/shm/swnuma-unit-\(name)-\(UInt32.random(in: 0...UInt32.max))"
    }

    @Test func fileNeedsALength() throws {
        let path = scratchPath("nolength")
        #expect {
            try SharedRegion.attachFile(path, length: 0, offset: 0)
        } throws: { error in
            (error as? NUMAError)?.code == .invalidArgument && (error as? NUMAError)?.errno == .noSuchFile
        }
    }

    @Test func unalignedRegionsAreRefused() throws {
        let path = scratchPath("unaligned")
        defer { unlink(path) }
        for (length, offset) in [(4097, 0), (4096, 100)] as [(UInt64, UInt64)] {
            #expect {
                try SharedRegion.attachFile(path, length: length, offset: offset)
            } throws: { error in
                "\(error)".contains("not page aligned")
            }
        }
    }

    @Test func directoryCannotBeCreated() throws {
        #expect {
            try SharedRegion.attachFile("/dev/shm", length: 4096, offset: 0)
        } throws: { error in
            "\(error)".contains("/dev/shm") && (error as? NUMAError)?.errno != nil
        }
    }

    @Test func bindTouchAndReadBack() throws {
        guard MemoryPolicy.isSupported else { return }
        let path = scratchPath("bind")
        let region = try SharedRegion.attachFile(path, length: 16384, offset: 4096)
        defer { unlink(path) }
        #expect(region.length == 16384)
        #expect(region.offset == 4096)
        #expect(region.pageSize == 4096)
        let fresh = try region.policyRuns()
        #expect(fresh.count == 1 && fresh[0].policy.mode == .default)
        try region.apply(MemoryPolicy(.bind, nodes: [0]))
        region.touch()
        let runs = try region.policyRuns()
        #expect(runs.count == 1)
        #expect(runs.first?.range == 4096..<20480)
        #expect(runs.first?.policy == MemoryPolicy(.bind, nodes: [0]))
        let nodes = try region.nodeRuns()
        #expect(nodes.map(\.node) == [0])
        #expect(nodes.first?.range == 4096..<20480)
    }
}
