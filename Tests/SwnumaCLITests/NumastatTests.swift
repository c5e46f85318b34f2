import Foundation
import NUMA
import Testing

@testable import SwnumaCLI

/// FAKE-A of the numactl checklist: nodes 0, 2, 3 and 5, numa_hit 1000*N+7,
/// every other counter 0, no meminfo for node 3.
func fakeA() throws -> FakeRoot {
    var files: [String: String] = [:]
    for id in [0, 2, 3, 5] {
        files["\(node)/node\(id)/numastat"] =
            "numa_hit \(1000 * id + 7)\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node 0\nother_node 0\n"
    }
    files["\(node)/node0/meminfo"] = meminfo(0, total: 4_194_304, free: 2_097_152)
    files["\(node)/node2/meminfo"] = meminfo(2, total: 4_194_304, free: 1_048_576)
    files["\(node)/node5/meminfo"] = meminfo(5, total: 1_048_576, free: 1_048_000)
    return try FakeRoot(files)
}

/// Runs numastat over a fake root; `width` is NUMASTAT_WIDTH, `terminal` the terminal's columns.
func numastat(_ fake: FakeRoot, _ arguments: [String], width: String? = "1000", terminal: Int? = nil) -> Outcome {
    NumastatCommand.run(
        arguments, program: "numastat",
        environment: { name in
            switch name {
            case "SWNUMA_ROOT": fake.url.path
            case "NUMASTAT_WIDTH": width
            default: nil
            }
        }, terminalColumns: terminal)
}

@Suite struct NumastatTests {
    /// Golden 101: the legacy table of raw counters, no Total column.
    @Test func legacyOnFakeA() throws {
        let outcome = numastat(try fakeA(), [])
        #expect(outcome.status == 0)
        #expect(outcome.stdout == """
                                       node0           node2           node3           node5
            numa_hit                       7            2007            3007            5007
            numa_miss                      0               0               0               0
            numa_foreign                   0               0               0               0
            interleave_hit                 0               0               0               0
            local_node                     0               0               0               0
            other_node                     0               0               0               0

            """)
    }

    /// Golden 102: -c gives the -n table with fitted columns.
    @Test func compressOnFakeA() throws {
        #expect(numastat(try fakeA(), ["-c"]).stdout == """

            Per-node numastat info (in MBs):
                            Node 0 Node 2 Node 3 Node 5 Total
                            ------ ------ ------ ------ -----
            Numa_Hit             0      8     12     20    39
            Numa_Miss            0      0      0      0     0
            Numa_Foreign         0      0      0      0     0
            Interleave_Hit       0      0      0      0     0
            Local_Node           0      0      0      0     0
            Other_Node           0      0      0      0     0

            """)
    }

    /// Golden 103: -z leaves only the row with values.
    @Test func zerosOnFakeA() throws {
        let header = "                          Node 0          Node 2          Node 3          Node 5           Total\n"
        let rule = "                 --------------- --------------- --------------- --------------- ---------------\n"
        #expect(numastat(try fakeA(), ["-z"]).stdout == "\nPer-node numastat info (in MBs):\n" + header + rule
            + "Numa_Hit                    0.03            7.84           11.75           19.56           39.17\n")
    }

    /// Golden 104: at 40 columns every data column is a section of its own.
    @Test func foldingOnFakeA() throws {
        let output = numastat(try fakeA(), ["-n"], width: "40").stdout
        let sections = output.split(separator: "\n\n", omittingEmptySubsequences: false)
        #expect(sections.count == 5)
        #expect(sections[1].hasPrefix("                          Node 2\n                 ---------------\nNuma_Hit                    7.84\n"))
        #expect(sections[4].hasPrefix("                           Total\n"))
    }

    /// Fix 9: terminal width on a terminal, 80 otherwise; NUMASTAT_WIDTH wins.
    @Test func screenWidth() throws {
        // Into a pipe or a file: no folding, as numastat.
        #expect(NumastatCommand.screenWidth(nil, terminalColumns: nil) == 10_000_000)
        // A terminal that does not tell its width.
        #expect(NumastatCommand.screenWidth(nil, terminalColumns: 0) == 80)
        #expect(NumastatCommand.screenWidth(nil, terminalColumns: 200) == 200)
        #expect(NumastatCommand.screenWidth(nil, terminalColumns: 20) == 32)
        #expect(NumastatCommand.screenWidth("120", terminalColumns: 200) == 120)
        #expect(NumastatCommand.screenWidth("0", terminalColumns: 200) == 80)
        #expect(NumastatCommand.screenWidth("10000001", terminalColumns: nil) == 80)
        #expect(NumastatCommand.screenWidth("x", terminalColumns: nil) == 80)
        let fake = try fakeA()
        // 16 + 5 * 16 = 96 columns: whole into a pipe or a file and on a wide
        // terminal, folded on an 80-column one or one that does not tell its width.
        #expect(!numastat(fake, ["-n"], width: nil).stdout.dropFirst().contains("\n\n"))
        #expect(!numastat(fake, ["-n"], width: nil, terminal: 132).stdout.dropFirst().contains("\n\n"))
        #expect(numastat(fake, ["-n"], width: nil, terminal: 80).stdout.contains("\n\n                           Total"))
        #expect(numastat(fake, ["-n"], width: nil, terminal: 0).stdout.contains("\n\n                           Total"))
    }

    /// Fix 9: no node0 is fine.
    @Test func withoutNodeZero() throws {
        let fake = try FakeRoot([
            "\(node)/node1/numastat": "numa_hit 5\nnuma_miss 1\n", "\(node)/node3/numastat": "numa_hit 6\nnuma_miss 2\n",
        ])
        #expect(numastat(fake, []).stdout == """
                                       node1           node3
            numa_hit                       5               6
            numa_miss                      1               2

            """)
    }

    /// numastat's selection sort: equal rows may swap (Numa_Foreign before Numa_Miss).
    @Test func sortOrder() throws {
        let fake = try FakeRoot([
            "\(node)/node0/numastat":
                "numa_hit 900\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 17\nlocal_node 900\nother_node 0\n"
        ])
        let labels = numastat(fake, ["-s"]).stdout.split(separator: "\n").dropFirst(3).map { String($0.prefix(14)) }
        #expect(labels == ["Numa_Hit      ", "Local_Node    ", "Interleave_Hit", "Numa_Foreign  ", "Numa_Miss     ", "Other_Node    "])
    }

    /// Fix 9: -s<node> sorts on that node's column even with sparse ids;
    /// a node that does not exist sorts on Total.
    @Test func sortOnSparseNode() throws {
        let fake = try FakeRoot([
            "\(node)/node0/numastat": "a 1\nb 2\nc 3\n", "\(node)/node2/numastat": "a 30\nb 20\nc 10\n",
            "\(node)/node5/numastat": "a 0\nb 0\nc 100\n",
        ])
        func order(_ option: String) -> [String] {
            numastat(fake, [option, "-c"]).stdout.split(separator: "\n").dropFirst(3).map { String($0.prefix(1)) }
        }
        #expect(order("-s0") == ["C", "B", "A"])
        #expect(order("-s2") == ["A", "B", "C"])
        #expect(order("-s5") == ["C", "B", "A"])
        #expect(order("-s9") == order("-s"))
        #expect(order("-s") == ["C", "A", "B"])
    }

    @Test func allZeroTables() throws {
        let fake = try FakeRoot(["\(node)/node0/numastat": "numa_hit 0\n"])
        #expect(numastat(fake, ["-z"]).stdout.hasSuffix("(in MBs):\nTable has no non-zero data.\n"))
    }

    @Test func meminfoTable() throws {
        let fake = try FakeRoot([
            "\(node)/node0/meminfo": "Node 0 MemTotal: 2048 kB\nNode 0 HugePages_Total: 3\nNode 0 HugePages_Free: 0\n",
            "\(node)/node1/meminfo": "Node 1 MemTotal: 1024 kB\nNode 1 HugePages_Total: 0\nNode 1 HugePages_Free: 0\nNode 1 Extra: 1 kB\n",
            "\(node)/node0/hugepages/hugepages-2048kB/nr_hugepages": "3\n",
            "\(node)/node1/hugepages/hugepages-2048kB/nr_hugepages": "0\n",
            "proc/meminfo": "Hugepagesize:       2048 kB\n",
        ])
        let outcome = numastat(fake, ["-m", "-c"])
        #expect(outcome.stdout == """

            Per-node system memory usage (in MBs):
                             Node 0 Node 1 Total
                             ------ ------ -----
            MemTotal              2      1     3
            HugePages_Total       6      0     6
            HugePages_Free        0      0     0

            """)
        #expect(outcome.stderr.contains("Extra is not in node 0's meminfo"))
        let missing = numastat(try fakeA(), ["-m"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("numastat: cannot read ") && missing.stderr.contains("node3/meminfo"))
    }

    @Test func processTables() throws {
        let fake = try FakeRoot([
            "\(node)/node0/numastat": "numa_hit 1\n", "\(node)/node1/numastat": "numa_hit 1\n",
            "proc/meminfo": "Hugepagesize: 2048 kB\n",
            "proc/42/status": "Name:\tworker\n", "proc/42/cmdline": "worker\u{0}--fast\u{0}",
            "proc/42/numa_maps": """
                00400000 default file=/bin/worker mapped=10 N0=256 kernelpagesize_kB=4
                01000000 default heap anon=512 dirty=512 N1=512 kernelpagesize_kB=4
                7ff00000 default stack anon=3 N0=3 kernelpagesize_kB=4
                7f000000 default file=/huge/x huge dirty=2 N1=2

                """,
            "proc/7/status": "Name:\tother\n", "proc/7/cmdline": "other\u{0}", "proc/7/numa_maps": "00400000 default N0=256\n",
            "proc/98/status": "Name:\tsecret\n",
        ])
        #expect(numastat(fake, ["-p", "work"]).stdout == """

            Per-node process memory usage (in MBs) for PID 42 (worker)
                                       Node 0          Node 1           Total
                              --------------- --------------- ---------------
            Huge                         0.00            4.00            4.00
            Heap                         0.00            2.00            2.00
            Stack                        0.01            0.00            0.01
            Private                      1.00            0.00            1.00
            ----------------  --------------- --------------- ---------------
            Total                        1.01            6.00            7.01

            """)
        #expect(numastat(fake, ["-c", "42", "--", "7"]).stdout == """

            Per-node process memory usage (in MBs)
            PID          Node 0 Node 1 Total
            -----------  ------ ------ -----
            7 (other)         1      0     1
            42 (worker)       1      6     7
            -----------  ------ ------ -----
            Total             2      6     8

            """)
        let none = numastat(fake, ["-p", "nosuch"])
        #expect(none.stdout.hasPrefix("Found no processes containing pattern: \"nosuch\"\n\nPer-node numastat info (in MBs):\n"))
        // A process whose numa_maps cannot be read: as numastat, a note, and no
        // table when it is the last one.
        let unreadable = numastat(fake, ["7", "98"])
        #expect(unreadable.status == 0)
        #expect(unreadable.stdout == "\nPer-node process memory usage (in MBs)\n")
        #expect(unreadable.stderr.contains("proc/98/numa_maps: No such file or directory"))
        // A PID with no process: named on stderr, no "(null)" table, exit 1;
        // the other process's table is printed as if it were alone.
        let missing = numastat(fake, ["7", "99"])
        #expect(missing.status == 1)
        #expect(missing.stdout == numastat(fake, ["7"]).stdout)
        #expect(missing.stderr == "numastat: no process with PID 99 (\(fake.url.path)/proc/99)\n")
        let alone = numastat(fake, ["-p", "99"])
        #expect(alone.status == 1 && alone.stdout.isEmpty && !alone.stderr.contains("null"))
    }

    @Test func commandLine() {
        #expect(NumastatCommand.parse(["-s3n"]) == .run(.init(sort: .node(3))))
        #expect(NumastatCommand.parse(["-sz"]) == .run(.init(sort: .total)))
        #expect(NumastatCommand.parse(["12", "-cp", "x"]) == .run(.init(compress: true, processes: ["12", "x"])))
        #expect(NumastatCommand.parse(["-V", "-x"]) == .version)
        #expect(NumastatCommand.parse(["--hel"]) == .help)
        #expect(NumastatCommand.parse(["-x", "-V"]) == .usage("unknown option '-x'"))
        #expect(NumastatCommand.parse(["-p"]) == .usage("option '-p' needs a PID or a pattern"))
        #expect(NumastatCommand.parse(["--width"]) == .usage("unknown option '--width'"))
        #expect(NumastatCommand.parse(["--version"]) == .version)
        #expect(NumastatCommand.parse(["-m", "--v"]) == .version)
        #expect(NumastatCommand.parse(["--version=1"]) == .usage("option '--version' takes no value"))
    }

    @Test func fixedPoint() {
        #expect(FixedPoint.format(0.125, decimals: 2) == "0.12")
        #expect(FixedPoint.format(0.375, decimals: 2) == "0.38")
        #expect(FixedPoint.format(0.285, decimals: 2) == "0.28")
        #expect(FixedPoint.format(2.5, decimals: 0) == "2")
        #expect(FixedPoint.format(3.5, decimals: 0) == "4")
        #expect(FixedPoint.format(9.999, decimals: 2) == "10.00")
        #expect(FixedPoint.format(1e17, decimals: 0) == "100000000000000000")
        #expect(FixedPoint.format(390625000000000.0, decimals: 2) == "390625000000000.00")
        #expect(FixedPoint.format(0, decimals: 2) == "0.00")
        #expect(FixedPoint.format(1e-30, decimals: 2) == "0.00")
    }

    /// Exact binary fractions (ties at two and three places among them) on
    /// whole parts up to 2^53, at 0 to 3 places, against the C library's `%.*f`.
    @Test func fixedPointTiesMatchPrintf() {
        for whole in [0.0, 1, 2, 7, 1_000_000, 0x1p40 + 1, 0x1p52 - 1] {
            for eighth in 0..<64 {
                let value = whole + Double(eighth) / 64
                for decimals in 0...3 {
                    let expected = withVaList([Int32(decimals), value]) { arguments in
                        var buffer = [CChar](repeating: 0, count: 512)
                        _ = vsnprintf(&buffer, buffer.count, "%.*f", arguments)
                        return String(cString: buffer)
                    }
                    #expect(FixedPoint.format(value, decimals: decimals) == expected, "\(value) at \(decimals) places")
                }
            }
        }
    }

    /// FixedPoint against the C library's own `%.*f`, over seeded random
    /// values of every magnitude numastat can meet and beyond 2^64.
    @Test func fixedPointMatchesPrintf() {
        var generator = SeededGenerator(seed: 0x5EED_F1ED)
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -12...80, using: &generator)
            var value = Double.random(in: 1..<10, using: &generator) * pow(10, magnitude)
            if Bool.random(using: &generator) { value = value.rounded() }
            if Int.random(in: 0..<10, using: &generator) == 0 { value = -value }
            let decimals = Int.random(in: 0...4, using: &generator)
            let expected = withVaList([Int32(decimals), value]) { arguments in
                var buffer = [CChar](repeating: 0, count: 512)
                _ = vsnprintf(&buffer, buffer.count, "%.*f", arguments)
                return String(cString: buffer)
            }
            #expect(FixedPoint.format(value, decimals: decimals) == expected, "\(value) at \(decimals) places")
        }
    }

    /// Cells are cut and padded as bytes for ASCII text and as characters
    /// beyond it; either way the line is the cells' padded texts side by side.
    @Test func cellsCutAndPadded() {
        var table = StatTable(columns: 3, leftWidth: 6, dataWidth: 7, decimals: 2)
        table.add(.header, [.empty, .text("Node 0"), .text("Total")])
        table.add(.separator, [.rule("-"), .rule("-"), .rule("-")])
        table.add(.data, [.text("MemTotalLong"), .number(1234.5), .number(123456.789)])
        table.add(.data, [.text("Café"), .number(-0.004), .empty])
        table.add(.data, [.text("résumé-long"), .number(7), .text("ünïcødé")])
        let expected = table.rows.map { row in (0..<3).map { table.pad(row.cells[$0], column: $0) }.joined() + "\n" }
        #expect(table.render(screenWidth: 80, hideZeros: false) == expected.joined())
        #expect(expected[2] == "MemTot1234.50123456.\n")
        #expect(expected[3] == "Café    -0.00       \n")
        #expect(expected[4] == "résumé   7.00ünïcødé\n")
    }
}
