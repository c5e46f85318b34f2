/// Moving a process's pages between nodes.
public enum PageMigration {
    /// Moves the pages of process `pid` that are on the nodes of `from` to the
    /// nodes of `to`, and returns how many pages could not be moved (0 when
    /// all were).
    ///
    /// The kernel keeps the position of a node within `from` for its target
    /// within `to` where it can (see `migrate_pages(2)`).
    ///
    /// The corresponding system call is `migrate_pages(2)`.
    ///
    /// - Parameters:
    ///   - pid: the process whose pages move.
    ///   - from: the nodes the pages are on.
    ///   - to: the nodes they move to.
    ///   - maskBits: the width of the kernel's node masks, from
    ///     ``ProcessLimits/nodeMaskBits``; nil to use a width large enough for
    ///     the highest node.
    /// - Throws: ``NUMAError`` with the system call's ``Errno`` (no such
    ///   process, not permitted, an empty or disallowed target set).
    public static func migrate(pid: Int32, from: NodeSet, to: NodeSet, maskBits: Int? = nil) throws(NUMAError) -> Int {
        let highest = Swift.max(from.last ?? 0, to.last ?? 0)
        let words = MemoryPolicy.maskWords(bits: maskBits, highest: highest)
        let result = Syscalls.migratePages(
            pid: pid, from: from.machineWords(count: words), to: to.machineWords(count: words),
            maxNode: UInt(words * UInt.bitWidth + 1))
        switch result {
        case .success(let notMoved):
            return notMoved
        case .failure(let errno):
            throw NUMAError(.systemCall, "migrate_pages of process \(pid) from nodes \(from) to nodes \(to)", errno: errno)
        }
    }
}
