public import Foundation
public import NUMA

/// A `sys/` and `proc/` tree that a test writes into a fresh temporary
/// folder, read back through `--root` or ``SystemRoot``: the one builder the
/// Swift test targets share (`NUMATests`, `SwnumaCLITests`,
/// `KubeletMemoryTests`).
///
/// Paths are relative to the tree's folder (`sys/devices/system/node/node0/cpulist`);
/// folders on the way are made as needed. The folder is left in place when
/// the value goes away (a ``SystemRoot`` made from it may outlive the value):
/// call ``remove()`` when a test makes many.
public struct SnapshotTree: Sendable {
    /// The tree's folder.
    public let url: URL

    /// The tree's folder as a path.
    public var path: String { url.path }

    /// Writes `files` (path → text) and `links` (path → link target) into a new
    /// temporary folder named `swnuma-<label>-<UUID>`.
    public init(_ files: [String: String] = [:], links: [String: String] = [:], label: String = "tree") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("swnuma-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try write(files)
        for (path, target) in links.sorted(by: { $0.key < $1.key }) {
            try link(path, to: target)
        }
    }

    /// Writes `text` to `relative`, replacing what was there.
    public func write(_ relative: String, _ text: String) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    /// Writes each path → text of `files`.
    public func write(_ files: [String: String]) throws {
        for (relative, text) in files {
            try write(relative, text)
        }
    }

    /// Makes a symbolic link at `relative` holding `target`, as written (relative or absolute).
    public func link(_ relative: String, to target: String) throws {
        let link = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
    }

    /// Makes the folder `relative` (and those above it).
    public func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(relative), withIntermediateDirectories: true)
    }

    /// The tree as a root to read from (``SystemRoot/init(path:)``).
    public var root: SystemRoot {
        get throws { try SystemRoot(path: path) }
    }

    /// Deletes the tree's folder.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// The folder of the kernel's node entries, relative to a root.
public let nodeFolder = "sys/devices/system/node"

/// A node's `meminfo` with `MemTotal` and `MemFree` in kB (and `MemUsed` 1 kB).
public func nodeMeminfo(_ id: Int, total: UInt64, free: UInt64) -> String {
    "Node \(id) MemTotal:  \(total) kB\nNode \(id) MemFree:   \(free) kB\nNode \(id) MemUsed: 1 kB\n"
}
