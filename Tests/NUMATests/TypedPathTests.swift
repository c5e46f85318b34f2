import Foundation
import SwnumaTestSupport
import Testing

@testable import NUMA

/// A path the user types (`--config ../k.yaml`) is read as any command reads
/// it: from the current folder, `..` above it, links to absolute paths
/// followed. A snapshot's own paths stay confined (ConfinementTests).
@Suite struct TypedPathTests {
    /// `relative` climbed from the current folder up to `/`, then down to `absolute`.
    static func fromCurrentFolder(_ absolute: String) -> String {
        String(repeating: "../", count: 64) + absolute.drop(while: { $0 == "/" })
    }

    @Test func relativePathsClimbAboveTheCurrentFolder() throws {
        let tree = try SnapshotTree(["k.yaml": "kind: KubeletConfiguration\n"], label: "typed")
        defer { tree.remove() }
        let typed = Self.fromCurrentFolder(tree.path + "/k.yaml")
        let read = try SystemRoot.typed.read(typed).get()
        #expect(String(decoding: read, as: UTF8.self) == "kind: KubeletConfiguration\n")
        // The same path confined to the current folder, as before, finds nothing:
        // `..` stops at the folder.
        let confined = try SystemRoot(path: ".")
        #expect(throws: NUMAError.self) { try confined.read(typed).get() }
    }

    @Test func linksToAbsolutePathsAreFollowed() throws {
        let tree = try SnapshotTree(["target/k.yaml": "policy\n"], label: "typed")
        defer { tree.remove() }
        try tree.link("here/k.yaml", to: tree.path + "/target/k.yaml")
        let typed = Self.fromCurrentFolder(tree.path + "/here/k.yaml")
        #expect(try SystemRoot.typed.read(typed).get() == Array("policy\n".utf8))
        // Inside a snapshot the same link resolves against the snapshot's root.
        #expect(throws: NUMAError.self) { try tree.root.read("here/k.yaml").get() }
    }

    @Test func aPathInTheCurrentFolderReads() throws {
        // The tests run from the package's folder.
        let bytes = try SystemRoot.typed.read("Package.swift").get()
        #expect(String(decoding: bytes, as: UTF8.self).contains("swnuma"))
        #expect(SystemRoot.typed.display("Package.swift") == "./Package.swift")
    }
}
