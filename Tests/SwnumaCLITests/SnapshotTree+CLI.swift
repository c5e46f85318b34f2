import NUMA
import SwnumaTestSupport

@testable import SwnumaCLI

/// The CLI tests' name for the shared tree builder (Tests/Support).
typealias FakeRoot = SnapshotTree

/// The folder of the kernel's node entries, relative to a root.
let node = nodeFolder

/// A node's `meminfo` with `MemTotal` and `MemFree` in kB.
func meminfo(_ id: Int, total: UInt64, free: UInt64) -> String {
    nodeMeminfo(id, total: total, free: free)
}

extension SnapshotTree {
    /// `swnuma --root TREE -H` (with `--cpu-compress` when `compress`), rendered in process.
    func hardware(compress: Bool = false) throws -> String {
        HardwareText.render(Topology.load(from: try root), compressCPUs: compress)
    }
}
