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

    /// Policy texts cut as bytes: flags between `=` and `:` (empty ones
    /// dropped), nodes after the first `:`, the two-word modes, and words
    /// no kernel writes.
    @Test func policyTextsCut() {
        let many = NumaMaps.MappingPolicy(parsing: "prefer (many)=static||relative:0-1")
        #expect(many.mode == .preferredMany && many.flags == ["static", "relative"] && many.nodes == NodeSet([0, 1]))
        let preferred = NumaMaps.MappingPolicy(parsing: "preferred:3")
        #expect(preferred.mode == .preferred && preferred.flags.isEmpty && preferred.nodes == NodeSet([3]))
        let odd = NumaMaps.MappingPolicy(parsing: "bindx=a:b=c:1")
        #expect(odd.mode == .unknown && odd.flags == ["a"] && odd.nodes == nil)
        let bare = NumaMaps.MappingPolicy(parsing: "interleave=")
        #expect(bare.mode == .interleave && bare.flags.isEmpty && bare.nodes == nil)
        #expect(NumaMaps.MappingPolicy(parsing: "").mode == .unknown)
        #expect(NumaMaps.MappingPolicy(parsing: "défault").mode == .unknown)
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

    /// Shared memory as numa_maps names it (blanks escaped as \040), apart
    /// from ordinary files and from private anonymous memory.
    @Test func sharedMemoryIsItsOwnKind() throws {
        let found = try mappings("""
            1000 bind:1 file=/dev/zero\\040(deleted) dirty=8 mapmax=3 N0=8 kernelpagesize_kB=4
            2000 default file=/SYSV0052e2c1\\040(deleted) dirty=2 N1=2 kernelpagesize_kB=4
            3000 default file=/memfd:wayland-shm\\040(deleted) dirty=1 N0=1 kernelpagesize_kB=4
            4000 interleave:0-1 file=/dev/shm/PostgreSQL.1804289383 dirty=4 N0=2 N1=2 kernelpagesize_kB=4
            5000 default file=/usr/lib/libc.so.6 mapped=10 N0=10 kernelpagesize_kB=4
            6000 default file=/dev/zero2 mapped=1 N0=1 kernelpagesize_kB=4
            7000 default file=/srv/SYSV/data mapped=1 N0=1 kernelpagesize_kB=4
            8000 default anon=3 dirty=3 N0=3 kernelpagesize_kB=4
            9000 default file=/SYSV00000000\\040(deleted) huge dirty=1 N0=1 kernelpagesize_kB=2048

            """)
        #expect(found.map(\.backing) == [.shared, .shared, .shared, .shared, .file, .file, .file, .anonymous, .huge])
        #expect(NumaMaps.isSharedMemory(path: Array("/dev/zero".utf8)))
        #expect(!NumaMaps.isSharedMemory(path: Array("/dev/zero (deleted)x".utf8)))
        #expect(!NumaMaps.isSharedMemory(path: Array("/dev/shmx/a".utf8)))
    }

    /// Several patterns found in one pass, as a naive search finds them.
    /// Words end at a blank, a tab or a newline and nowhere else, whatever
    /// bytes they hold (control bytes, bytes past ASCII) and however long:
    /// the counts and policies of generated lines with words of arbitrary
    /// bytes between them come back as written.
    @Test func wordsEndOnlyAtBlanksWhateverTheyHold() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // A word of any bytes but the separators, not starting with a letter
        // that names something (N, h, s, f, k) or with a digit.
        func junk() -> [UInt8] {
            var word: [UInt8] = []
            for position in 0..<(1 + next(40)) {
                var byte = UInt8(1 + next(255))
                while byte == 0x20 || byte == 0x09 || byte == 0x0A
                    || (position == 0 && (Array("Nhsfk0123456789".utf8).contains(byte))) {
                    byte = UInt8(1 + next(255))
                }
                word.append(byte)
            }
            return word
        }
        func separator() -> [UInt8] { [[0x20], [0x09], [0x20, 0x20], [0x20, 0x09, 0x20]][next(4)] }
        let policies = ["default", "bind:1", "interleave:0-3", "weighted interleave:0-1", "local"]
        var file: [UInt8] = []
        var expected: [(policy: String, pages: [NumaMaps.NodePages])] = []
        for line in 0..<300 {
            let policy = policies[next(policies.count)]
            file += Array(String(0x7f00_0000 + line * 0x1000, radix: 16).utf8) + separator() + Array(policy.utf8)
            var pages: [NumaMaps.NodePages] = []
            for _ in 0..<(1 + next(4)) {
                file += separator() + junk()
                let page = NumaMaps.NodePages(node: next(8), pages: UInt64(next(100_000)))
                file += separator() + Array("N\(page.node)=\(page.pages)".utf8)
                pages.append(page)
            }
            file += separator() + junk() + separator() + Array("kernelpagesize_kB=4".utf8) + [0x0A]
            expected.append((policy, pages))
        }
        var found: [NumaMaps.Mapping] = []
        try NumaMaps.forEachMapping(in: file, hugePageSize: { () throws(NUMAError) in 2 << 20 }) { found.append($0) }
        #expect(found.count == expected.count)
        for (mapping, want) in zip(found, expected) {
            #expect(mapping.policyText == want.policy)
            #expect(mapping.pages == want.pages)
            #expect(mapping.pageBytes == 4096 && mapping.backing == .anonymous && mapping.category == .private)
        }
    }

    @Test func patternSetAgreesWithNaiveSearch() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc ".utf8)
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let patterns = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            let expected = patterns.indices.filter { index in
                let needle = patterns[index]
                if needle.isEmpty { return true }
                guard text.count >= needle.count else { return false }
                return (0...(text.count - needle.count)).contains { Array(text[$0..<$0 + needle.count]) == needle }
            }
            #expect(PatternSet(patterns).matches(in: text) == expected, "\(patterns) in \(text)")
        }
        #expect(PatternSet([Array("he".utf8), Array("she".utf8), Array("his".utf8), Array("hers".utf8)])
            .matches(in: Array("ushers".utf8)) == [0, 1, 3])
    }

    /// The worst case of a naive substring search (a long run of one letter
    /// and a pattern that almost matches everywhere: text × pattern steps,
    /// ten billion here) takes the automaton one step per byte.
    @Test func patternSetIsLinear() {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let pattern = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000) + [UInt8(ascii: "b")]
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(PatternSet([pattern, Array("aa".utf8)]).matches(in: text) == [1])
        }
        #expect(elapsed < .seconds(10))
    }
}
