import Testing

@testable import NUMA

@Suite struct NumaMapsTests {
    func mappings(_ text: String, hugePageSize: UInt64 = 2 << 20) throws -> [NumaMaps.Mapping] {
        var out: [NumaMaps.Mapping] = []
        try NumaMaps.forEachMapping(in: Array(text.utf8), hugePageSize: { () throws(NUMAError) in hugePageSize }) {
            out.append($0)
        }
        return out
    }

    @Test func policiesAsTheKernelWritesThem() throws {
        let found = try mappings("""
            1000 weighted interleave:0-3 anon=4 N0=1 N1=1 N2=1 N3=1 kernelpagesize_kB=4
            2000 local anon=1 N2=1 kernelpagesize_kB=4
            3000 prefer:1 heap anon=2 N0=2 kernelpagesize_kB=4
            4000 interleave=relative:0-1 anon=1 N5=1
            5000 bind=static|balancing:2 file=/x mapped=1 N2=1
            6000 default file=/dev/hugepages/y huge dirty=1 N0=1

            """)
        #expect(found.map(\.policy.mode) == [.weightedInterleave, .local, .preferred, .interleave, .bind, .default])
        #expect(found[0].policyText == "weighted interleave:0-3")
        #expect(found[0].pages.map(\.node) == [0, 1, 2, 3])
        #expect(found[0].policy.confinedTo == NodeSet([0, 1, 2, 3]))
        #expect(found[1].policy.nodes == nil)
        #expect(found[2].category == .heap)
        #expect(found[2].policy.confinedTo == nil)
        // Relative nodes cannot be checked against real ones.
        #expect(found[3].policy.flags == ["relative"])
        #expect(found[3].policy.confinedTo == nil)
        #expect(found[4].policy.flags == ["static", "balancing"])
        #expect(found[4].backing == .file)
        #expect(found[5].backing == .huge)
        #expect(found[5].category == .huge)
        // A huge mapping without kernelpagesize_kB counts in default huge pages.
        #expect(found[5].pageBytes == 2 << 20)
        #expect(found[4].pageBytes == UInt64(NodeStatistics.pageSize))
    }

    @Test func badCountNamesTheToken() throws {
        #expect(throws: NUMAError.self) { try mappings("1000 default N0=x\n") }
        #expect(throws: NUMAError.self) { try mappings("1000 default N=1\n") }
        let saturated = try mappings("1000 default N0=18446744073709551615 kernelpagesize_kB=8\n")
        #expect(saturated[0].bytes(saturated[0].pages[0]) == UInt64.max)
    }

    @Test func aCountAfterTheAddressIsACountNotAPolicy() throws {
        let found = try mappings("1000 N0=3 N1=4 kernelpagesize_kB=4\n2000 bind=static:1 N1=1 kernelpagesize_kB=4\n")
        #expect(found[0].policyText == "default")
        #expect(found[0].pages == [NumaMaps.NodePages(node: 0, pages: 3), NumaMaps.NodePages(node: 1, pages: 4)])
        #expect(found[1].policyText == "bind=static:1")
        #expect(found[1].pages == [NumaMaps.NodePages(node: 1, pages: 1)])
    }
}
