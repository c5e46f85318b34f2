import NUMA
import Testing

@Suite struct IDSetTests {
    @Test func listFormAndRanges() {
        let set: CPUSet = [0, 2, 3, 4, 5, 7, 64, 65]
        #expect(set.description == "0,2-5,7,64-65")
        #expect(set.count == 8)
        #expect(set.first == 0)
        #expect(set.last == 65)
        #expect(set.ranges == [0...0, 2...5, 7...7, 64...65])
        #expect(CPUSet().description == "")
    }

    @Test func memberAtCountsFromZero() {
        let nodes: NodeSet = [0, 8, 250, 255]
        #expect(nodes.member(at: 0) == 0)
        #expect(nodes.member(at: 2) == 250)
        #expect(nodes.member(at: 4) == nil)
        #expect(nodes.member(at: -1) == nil)
    }

    @Test func setAlgebra() {
        let a: NodeSet = [0, 1, 2, 100]
        let b: NodeSet = [2, 3, 100]
        #expect(a.union(b) == [0, 1, 2, 3, 100])
        #expect(a.intersection(b) == [2, 100])
        #expect(a.subtracting(b) == [0, 1])
        #expect(a.symmetricDifference(b) == [0, 1, 3])
        var c = a
        #expect(c.remove(100) == 100)
        #expect(c.last == 2)
        #expect(c.remove(100) == nil)
        #expect(c.insert(5).inserted)
        #expect(!c.insert(5).inserted)
        #expect(!a.contains(-1) && !a.contains(1 << 40))
    }

    @Test(arguments: [
        ("0000000f", "0-3"),
        ("00000000,000000f0", "4-7"),
        ("ffffffff,00000000", "32-63"),
        ("00000000,00000000,00000000,00000000,00000000,000aaaa0", "5,7,9,11,13,15,17,19"),
        ("00000000,00000000,0000ffff\n\0", "0-15"),
        ("  3  \n", "0-1"),
        ("0", ""),
        ("1,1,1,1", "0,32,64,96"),
        ("f,0,0,0,0", "128-131"),
    ])
    func masks(text: String, expected: String) throws {
        let set = try #require(CPUSet(mask: text))
        #expect(set.description == expected)
    }

    @Test func wideMasksOfAnyWidth() throws {
        // 128 words, as on wide ia64 machines: numactl cannot parse it.
        let text = Array(repeating: "00000000", count: 127).joined(separator: ",") + ",00000003"
        let set = try #require(CPUSet(mask: text))
        #expect(set == [0, 1])
        let top = "80000000," + Array(repeating: "00000000", count: 127).joined(separator: ",")
        #expect(CPUSet(mask: top)?.description == "4095")
    }

    @Test(arguments: ["", "\n", "xyz", "0000000g", "123456789", ",1", "1,", "1,,2", "0x3"])
    func malformedMasks(text: String) {
        #expect(CPUSet(mask: text) == nil)
    }

    @Test func maskRoundTrip() {
        let set: CPUSet = [0, 33, 70]
        #expect(set.mask() == "00000040,00000002,00000001")
        #expect(CPUSet(mask: set.mask()) == set)
        #expect(CPUSet().mask(minimumWords: 2) == "00000000,00000000")
    }

    @Test(arguments: [("0-3,8", "0-3,8"), ("5\n", "5"), ("", ""), ("0,0-1", "0-1")])
    func lists(text: String, expected: String) {
        #expect(CPUSet(list: text)?.description == expected)
    }

    @Test(arguments: ["3-1", "a", "1-", "-1", "1,,2", "99999999999999999999", "4194304"])
    func malformedLists(text: String) {
        #expect(CPUSet(list: text) == nil)
    }
}
