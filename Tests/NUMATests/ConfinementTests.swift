import Foundation
import Glibc
import SwnumaTestSupport
import Testing

@testable import NUMA

/// Reads under a snapshot root stay inside it, by openat2 and by the
/// component walk alike; the readers bound their work by Linux's limits.
@Suite struct ConfinementTests {
    let base: URL
    let rootURL: URL
    let outside: URL

    init() throws {
        let tree = try SnapshotTree(label: "confine")
        base = tree.url
        rootURL = base.appendingPathComponent("root")
        outside = base.appendingPathComponent("outside")
        try tree.write([
            "root/sys/devices/system/node/node0/meminfo": "inside\n",
            "root/proc/meminfo": "proc inside\n",
            "outside/secret": "SECRET\n",
        ])
        let links = [
            "absolute-in": "/proc/meminfo",
            "relative-in": "sys/devices/system/node/node0/../node0/meminfo",
            "absolute-out": outside.appendingPathComponent("secret").path,
            "relative-out": "../outside/secret",
            "dotdot-out": "../../../../../../../../../../..\(outside.path)/secret",
            "folder-out": "../outside",
            "loop": "loop",
        ]
        for (name, target) in links {
            try tree.link("root/" + name, to: target)
        }
    }

    var root: SystemRoot { get throws { try SystemRoot(path: rootURL.path) } }

    /// The text of `relative` read through openat2 (or the walk where the kernel lacks it).
    func read(_ relative: String) throws -> String? {
        try root.readText(relative)
    }

    /// The text of `relative` read through the component walk.
    func walk(_ relative: String) -> String? {
        let rootFD = open(rootURL.path, O_RDONLY | O_DIRECTORY)
        defer { close(rootFD) }
        guard case .success(let fd) = Syscalls.walkInRoot(rootFD, relative, flags: O_RDONLY) else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = Glibc.read(fd, &buffer, buffer.count)
        return count >= 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    @Test(arguments: ["absolute-in", "relative-in", "proc/meminfo", "sys/devices/system/node/node0/meminfo"])
    func linksInsideTheRootWork(_ path: String) throws {
        let expected = path.contains("node0") || path == "relative-in" ? "inside\n" : "proc inside\n"
        #expect(try read(path) == expected)
        #expect(walk(path) == expected)
    }

    @Test(arguments: ["absolute-out", "relative-out", "dotdot-out", "folder-out/secret", "loop", "../outside/secret"])
    func linksOutOfTheRootDoNot(_ path: String) throws {
        #expect(try read(path) == nil)
        #expect(walk(path) == nil)
        #expect(try root.list("folder-out") == nil)
        #expect(try !root.isDirectory("folder-out"))
    }

    @Test func theLiveRootIsUnchanged() {
        #expect(SystemRoot.live.readText("proc/self/status")?.contains("Pid:") == true)
        #expect(SystemRoot.live.isDirectory("proc/self"))
    }

    @Test func specialFilesAreSkippedByName() throws {
        let fifo = rootURL.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        guard case .failure(let error) = try root.read("fifo") else {
            Issue.record("a FIFO was read")
            return
        }
        #expect(error.description.hasSuffix("/root/fifo is a FIFO, not a regular file: skipped"))
        guard case .failure(let folder) = try root.read("sys") else {
            Issue.record("a folder was read")
            return
        }
        #expect(folder.description.contains("is a folder"))
    }

    @Test func aFileLongerThanTheLimitIsNotRead() throws {
        let file = rootURL.appendingPathComponent("long")
        try Data(repeating: 0x31, count: 100).write(to: file)
        #expect(try root.readBytes("long", limit: 100)?.count == 100)
        guard case .failure(let error) = try root.read("long", limit: 99) else {
            Issue.record("a cut file was read")
            return
        }
        #expect(error.description.hasSuffix("long is longer than 99 bytes: not read"))
    }

    /// Files around the read buffer's first size and its doublings come
    /// back whole and in order, and the limit holds past the first piece.
    @Test func filesAcrossTheReadBufferComeBackWhole() throws {
        for size in [0, 1, 8191, 8192, 8193, 16384, 20000, 70001] {
            let file = rootURL.appendingPathComponent("sized-\(size)")
            let contents = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
            try Data(contents).write(to: file)
            #expect(try root.readBytes("sized-\(size)", limit: 1 << 20) == contents, "\(size) bytes")
        }
        #expect(try root.readBytes("sized-8192", limit: 8192)?.count == 8192)
        #expect(try root.readBytes("sized-8193", limit: 8192) == nil)
        #expect(try root.readBytes("sized-20000", limit: 19999) == nil)
        #expect(try root.readBytes("sized-20000", limit: 20000)?.count == 20000)
    }

    /// Lines read a piece at a time come back whole and in order, whatever
    /// the piece size: lines across pieces, lines longer than a piece, a
    /// last line without a newline, empty lines; stopping early; the limit.
    @Test func streamedLinesComeBackWholeAcrossPieces() throws {
        let root = try self.root
        var lines: [String] = []
        for index in 0..<400 {
            // Lengths from 0 to about 3 pieces of the smallest size below.
            lines.append(String(repeating: Character(UnicodeScalar(UInt8(97 + index % 26))), count: (index * 37) % 200))
        }
        let text = lines.joined(separator: "\n")
        for (name, contents) in [("lines", text + "\n"), ("lines-unterminated", text), ("one-long-line", String(repeating: "x", count: 70_001))] {
            try Data(contents.utf8).write(to: rootURL.appendingPathComponent(name))
            for chunk in [16, 64, 100, 4096, 1 << 13] {
                var seen: [UInt8] = []
                var calls = 0
                let result = root.streamLines(name, limit: 1 << 20, chunk: chunk) { piece in
                    calls += 1
                    // Every piece but the last ends a line.
                    seen += piece
                    return true
                }
                #expect((try? result.get()) != nil, "\(name), \(chunk)")
                #expect(seen == Array(contents.utf8), "\(name), \(chunk)")
                #expect(calls >= 1)
            }
        }
        // Each piece handed over ends with a newline, but perhaps the last.
        var pieces: [[UInt8]] = []
        _ = root.streamLines("lines-unterminated", limit: 1 << 20, chunk: 64) { pieces.append(Array($0)); return true }
        #expect(pieces.dropLast().allSatisfy { $0.last == 0x0A } && pieces.last?.last != 0x0A)
        // Stopping reads no further.
        var first: [UInt8] = []
        _ = root.streamLines("lines", limit: 1 << 20, chunk: 64) { first += $0; return false }
        #expect(!first.isEmpty && first.count < text.utf8.count && first.last == 0x0A)
        // Past the limit: a failure, after the lines before it.
        let cut = root.streamLines("lines", limit: 1000, chunk: 64) { _ in true }
        #expect((try? cut.get()) == nil)
        #expect((try? root.streamLines("lines", limit: text.utf8.count + 1, chunk: 64) { _ in true }.get()) != nil)
        #expect((try? root.streamLines("missing", limit: 100) { _ in true }.get()) == nil)
    }

    /// A folder whose entries fill many reads of the listing buffer comes
    /// back whole: names of 3 to 244 bytes, bytes past ASCII, folders told
    /// from files, and `.` and `..` left out.
    @Test func largeFoldersAreListedWhole() throws {
        let folder = rootURL.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = Set<String>()
        var folders = Set<String>()
        for index in 0..<700 {
            let name = String(repeating: index % 2 == 0 ? "é" : "x", count: 1 + (index * 53) % 120) + "-\(index)"
            if index % 7 == 0 {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
                folders.insert(name)
            } else {
                try Data().write(to: folder.appendingPathComponent(name))
                files.insert(name)
            }
        }
        let root = try self.root
        let names = try #require(root.list("many"))
        #expect(names.count == 700 && Set(names) == files.union(folders))
        let listing = try root.listingWithFolders("many").get()
        #expect(Set(listing.names) == files.union(folders) && listing.folders == folders)
        #expect(SystemRoot.live.list(folder.path.dropFirst().description).map(Set.init) == files.union(folders))
        #expect(root.list("many/" + files.first!) == nil)
    }

    @Test func anEmptyFolderIsNotARoot() throws {
        let empty = base.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(throws: NUMAError.self) { try SystemRoot.snapshot(empty.path) }
        #expect(try SystemRoot.snapshot(rootURL.path).path == rootURL.path)
    }
}

@Suite struct BoundedReaderTests {
    @Test func rangesAreInsertedWhole() {
        let text = Array(repeating: "0-8191", count: 2000).joined(separator: ",")
        let set = CPUSet(listBytes: Array(text.utf8))
        #expect(set?.count == 8192)
        #expect(CPUSet(listBytes: Array("3-5,64-130,8191\n".utf8))?.description == "3-5,64-130,8191")
        #expect(CPUSet(listBytes: Array("0-99".utf8), limit: 64) == nil)
        #expect(CPUSet(listBytes: Array("5-3".utf8)) == nil)
        #expect(CPUSet(listBytes: Array("1,".utf8)) == nil)
        #expect(CPUSet(listBytes: Array("-1".utf8)) == nil)
        #expect(CPUSet(listBytes: Array("\n".utf8)) == CPUSet())
    }

    @Test func kernelLimits() {
        #expect(NodeKind.kernelLimit == 1024)
        #expect(CPUKind.kernelLimit == 8192)
        #expect(CPUSet([8191]).withinKernelLimit == [8191])
        #expect(CPUSet([8192]).withinKernelLimit == nil)
        #expect(NodeSet([1024]).withinKernelLimit == nil)
    }

    @Test func controlBytesAreEscaped() {
        #expect(escapedForDisplay("a\u{1B}[2Jb\u{7}") == "a\\x1b[2Jb\\x07")
        #expect(escapedForDisplay(bytes: [0x6E, 0xFF, 0xC2, 0x85, 0xC3, 0xA9]) == "n\\xff\\xc2\\x85\u{E9}")
        #expect(escapedForDisplay("back\\slash") == "back\\\\slash")
        #expect(escapedForDisplay("plain text") == "plain text")
    }
}
