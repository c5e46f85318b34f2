import SwnumaTestSupport
import Testing

@testable import NUMA

/// Node folders under a snapshot: the listing's own word that an entry is a
/// folder spares it a check; a link to a folder is still checked and kept,
/// a file is still refused.
struct NodeFolderListingTests {
    @Test func foldersLinksAndFiles() throws {
        let node = "sys/devices/system/node"
        let tree = try SnapshotTree(
            ["\(node)/node0/cpulist": "0\n", "sys/elsewhere/node1/cpulist": "1\n", "\(node)/node2": "not a folder\n"],
            links: ["\(node)/node1": "../../../elsewhere/node1"])
        defer { tree.remove() }
        let root = try tree.root
        let listing = try root.listingWithFolders(node).get()
        #expect(Set(listing.names) == ["node0", "node1", "node2"])
        #expect(listing.folders == ["node0"])
        let topology = Topology.load(from: root)
        #expect(topology.nodes.map(\.id) == [0, 1])
        #expect(topology.warnings.contains { $0.contains("node2") && $0.contains("not a folder") })
    }
}
