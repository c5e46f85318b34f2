/// migratepages' manual page, `man/swnuma-migratepages.8`, in mdoc: its
/// SYNOPSIS and OPTIONS from its rows (``MigratepagesCommand/program``) by
/// the same writers as swnuma.8.
package enum MigratepagesManPage {
    package static func render() -> String {
        var page = ManPage.opening(ofAlias: MigratepagesCommand.program)
        page.text("""
            It moves the pages of process pid that lie on from-nodes to to-nodes with migrate_pages(2), \
            as migratepages 2.0.19 does. \
            The node lists take the grammar of swnuma --membind (numbers, A-B ranges, comma lists, all, \
            !list to invert, +N relative to the allowed nodes), against the nodes this process may allocate from. \
            pid is decimal, 0x hexadecimal or 0-prefixed octal.
            """)
        ManPage.options(of: MigratepagesCommand.program, &page)
        page.macro("Sh EXIT STATUS")
        page.text("""
            0 when every page was moved; \
            1 for a usage error, a refused node list, pages the kernel could not move, \
            or output that could not be written.
            """)
        page.macro("Sh EXAMPLES")
        page.text("Move the pages of process 4242 from node 0 to node 1:")
        page.macro("Bd -literal -offset indent")
        page.literal("swnuma-migratepages 4242 0 1")
        page.macro("Ed")
        page.macro("Sh DIFFERENCES FROM MIGRATEPAGES")
        page.text("""
            A pid too large for a process id is refused (migratepages 2.0.19 wraps 4294967296 to 0, itself), \
            and pages the kernel could not move are a failure, exit 1 (2.0.19 exits 0). \
            -h and --help print help on standard output with exit 0; -V and --version are swnuma's own.
            """)
        page.macro("Sh SEE ALSO")
        page.macro("Xr migrate_pages 2 ,")
        page.macro("Xr migratepages 8 ,")
        page.macro("Xr swnuma 8 ,")
        page.macro("Xr swnuma-numastat 8")
        return page.output
    }
}
