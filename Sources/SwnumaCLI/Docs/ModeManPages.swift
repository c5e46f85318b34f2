/// The manual pages of swnuma's other modes, `man/swnuma-numastat.8` and
/// `man/swnuma-migratepages.8`, in mdoc. `generate-swnuma-docs` writes them
/// with swnuma.8; a test checks the committed copies match.
package enum NumastatManPage {
    package static func render() -> String {
        var page = MdocWriter()
        page.macro("Dd \(ManPage.date)")
        page.macro("Dt SWNUMA-NUMASTAT 8")
        page.macro("Os Linux")
        page.macro("Sh NAME")
        page.macro("Nm swnuma-numastat")
        page.macro("Nd per-node memory statistics, as numastat prints them")
        page.macro("Sh SYNOPSIS")
        ManPage.synopsis(of: NumastatCommand.program, &page)
        page.macro("Sh DESCRIPTION")
        page.macro("Nm")
        page.text("""
            is swnuma invoked under that name (a link make install adds; invoked as numastat it is the same). \
            It prints numastat 2.0.19's tables byte for byte. \
            With no arguments at all it prints the kernel's per-node allocation counters in pages, \
            numastat's original table.
            """)
        page.macro("Pp")
        page.text("""
            Options and words may be mixed; -- ends the options. \
            Into a pipe or a file tables are never folded, as numastat's are not, so that scripts read one table. \
            On a terminal they fold into sections to fit its width, or NUMASTAT_WIDTH columns when that is set.
            """)
        ManPage.options(of: NumastatCommand.program, &page)
        page.macro("Sh ENVIRONMENT")
        page.macro("Bl -tag -width Ds")
        page.macro("It Ev NUMASTAT_WIDTH")
        page.text("The width in columns tables fold to.")
        page.macro("It Ev SWNUMA_ROOT")
        page.text("Read sys/ and proc/ under this folder, a snapshot of another machine, instead of the running system.")
        page.macro("El")
        page.macro("Sh EXIT STATUS")
        page.text("""
            0 on success, also when a process cannot be read or a pattern matches none; \
            1 for a usage error, an unreadable node file, a pid with no process (said on standard error; \
            the tables of the others are printed), or output that could not be written.
            """)
        page.macro("Sh EXAMPLES")
        page.macro("Bd -literal -offset indent")
        page.literal("swnuma-numastat -m -z")
        page.literal("swnuma-numastat -p mongod")
        page.literal("swnuma-numastat -n | awk '/^numa_miss/ { print $NF }'")
        page.macro("Ed")
        page.macro("Sh DIFFERENCES FROM NUMASTAT")
        page.text("""
            swnuma-numastat works without a node 0 (numastat 2.0.19 needs node0/numastat), and -s with a node id sorts \
            on that node's column when node ids have gaps (numastat picks a column by position). \
            A pid with no process is named on standard error and left out of the tables, exit 1 \
            (numastat prints a table for "(null)", or none, and exits 0). \
            Diagnostics are one line on standard error; --help prints help on standard output with exit 0 \
            (numastat prints its usage on standard error with exit 1); -V and --version print swnuma's version.
            """)
        page.macro("Sh SEE ALSO")
        page.macro("Xr numastat 8 ,")
        page.macro("Xr swnuma 8 ,")
        page.macro("Xr swnuma-migratepages 8")
        return page.output
    }
}

package enum MigratepagesManPage {
    package static func render() -> String {
        var page = MdocWriter()
        page.macro("Dd \(ManPage.date)")
        page.macro("Dt SWNUMA-MIGRATEPAGES 8")
        page.macro("Os Linux")
        page.macro("Sh NAME")
        page.macro("Nm swnuma-migratepages")
        page.macro("Nd move the pages of a process from some NUMA nodes to others")
        page.macro("Sh SYNOPSIS")
        ManPage.synopsis(of: MigratepagesCommand.program, &page)
        page.macro("Sh DESCRIPTION")
        page.macro("Nm")
        page.text("""
            is swnuma invoked under that name (a link make install adds; invoked as migratepages it is the same). \
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
