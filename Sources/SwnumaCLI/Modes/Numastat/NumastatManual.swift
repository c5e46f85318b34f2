/// numastat's manual page, `man/swnuma-numastat.8`, in mdoc: its SYNOPSIS
/// and OPTIONS from its rows (``NumastatCommand/program``) by the same
/// writers as swnuma.8. `generate-swnuma-docs` writes it; a test checks the
/// committed copy matches.
package enum NumastatManPage {
    package static func render() -> String {
        var page = ManPage.opening(ofAlias: NumastatCommand.program)
        page.text("""
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
