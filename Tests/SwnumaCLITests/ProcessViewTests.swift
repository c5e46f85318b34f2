import Foundation
import NUMA
import Testing

@testable import SwnumaCLI

/// A snapshot with nodes 0 (CPUs 0-1), 1 (CPUs 2-3) and 2 (memory only), and
/// process 100 "db" whose two threads last ran on CPUs 2 and 3 (node 1).
func processSnapshot(extra: [String: String] = [:]) throws -> FakeRoot {
    var files: [String: String] = [
        "\(node)/node0/cpulist": "0-1\n", "\(node)/node1/cpulist": "2-3\n", "\(node)/node2/cpulist": "\n",
        "\(node)/node0/meminfo": meminfo(0, total: 1_048_576, free: 524_288),
        "\(node)/node1/meminfo": meminfo(1, total: 1_048_576, free: 1_000_000),
        "\(node)/node2/meminfo": meminfo(2, total: 2_097_152, free: 2_097_152),
        "proc/meminfo": "MemTotal: 4194304 kB\nHugepagesize: 2048 kB\n",
        "proc/100/status": "Name:\tdb\nState:\tS (sleeping)\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0-1\n",
        "proc/100/cmdline": "db\u{0}--config\u{0}/etc/db.conf\u{0}",
        // The command name holds blanks and parentheses: fields count after the last ')'.
        "proc/100/task/100/stat": stat(100, comm: "my (db) x", processor: 2),
        "proc/100/task/101/stat": stat(101, comm: "db worker", processor: 3),
        "proc/100/numa_maps": """
            00400000 default file=/usr/bin/db mapped=10 N0=10 kernelpagesize_kB=4
            7f0000000000 bind:1 anon=100 dirty=100 N1=60 N0=40 kernelpagesize_kB=4
            7f1000000000 interleave:0-1 anon=8 dirty=8 N0=4 N1=4 kernelpagesize_kB=4
            7f2000000000 prefer (many):1-2 anon=5 dirty=5 N2=5 kernelpagesize_kB=4
            7f3000000000 default file=/dev/hugepages/x huge dirty=2 N1=2 kernelpagesize_kB=2048
            7f4000000000 bind=static:0 anon=1 N0=1 kernelpagesize_kB=4
            7ffd00000000 default stack anon=3 dirty=3 N1=3 kernelpagesize_kB=4
            7f5000000000 bind:1 file=/lib/libc.so mapped=3 N0=3 kernelpagesize_kB=4

            """,
    ]
    files.merge(extra) { $1 }
    return try FakeRoot(files)
}

/// A `stat` line with `processor` (field 39) set.
func stat(_ pid: Int, comm: String, processor: Int) -> String {
    // Fields 3..38 after the name, then processor, then a few more.
    let middle = (3...38).map { $0 == 3 ? "S" : "0" }.joined(separator: " ")
    return "\(pid) (\(comm)) \(middle) \(processor) 0 0 0 0 0\n"
}

@Suite struct ProcessViewTests {
    func run(_ fake: FakeRoot, _ arguments: [String]) -> Outcome {
        SwnumaCommand.run(["--root", fake.url.path] + arguments, environmentRoot: nil)
    }

    @Test func figuresFromTheSnapshot() throws {
        let fake = try processSnapshot()
        let topology = Topology.load(from: try fake.root)
        guard case .read(let p) = ProcessPlacement.read(pid: 100, root: try fake.root, topology: topology) else {
            Issue.record("process 100 not read")
            return
        }
        #expect(p.name == "db")
        #expect(p.commandLine == ["db", "--config", "/etc/db.conf"])
        #expect(p.cpusAllowed == CPUSet([0, 1, 2, 3]))
        #expect(p.memsAllowed == NodeSet([0, 1]))
        #expect(p.threads.map(\.cpu) == [2, 3])
        #expect(p.runningNodes == NodeSet([1]))
        let memory = try #require(p.memory)
        let kib: UInt64 = 1024
        #expect(memory.nodes.map(\.node) == [0, 1, 2])
        // Node 0: 10 + 3 file pages; 40 + 4 + 1 anonymous pages.
        #expect(memory.nodes[0].file == 52 * kib)
        #expect(memory.nodes[0].anonymous == 180 * kib)
        // Node 1: 60 + 4 + 3 anonymous pages, two 2 MiB huge pages.
        #expect(memory.nodes[1].anonymous == 268 * kib)
        #expect(memory.nodes[1].huge == 4096 * kib)
        #expect(memory.nodes[2].anonymous == 20 * kib)
        #expect(memory.total == (52 + 180 + 268 + 4096 + 20) * kib)
        // Remote: everything on nodes 0 and 2, where no thread runs.
        #expect(memory.remote == (52 + 180 + 20) * kib)
        // Outside: bind:1's 40 anonymous pages on node 0; node 2 is outside
        // Mems_allowed. bind:1's file pages on node 0 are page cache, apart.
        #expect(memory.outsidePolicy == (160 + 20) * kib)
        #expect(memory.outsideMemsAllowed == 20 * kib)
        #expect(memory.outsidePolicyFile == 12 * kib)
        let policies = Dictionary(uniqueKeysWithValues: memory.policies.map { ($0.text, $0) })
        #expect(policies["bind:1"]?.outside == 160 * kib)
        #expect(policies["bind:1"]?.mappings == 2)
        #expect(policies["bind:1"]?.policy.mode == .bind)
        #expect(policies["prefer (many):1-2"]?.policy.mode == .preferredMany)
        #expect(policies["prefer (many):1-2"]?.policy.nodes == NodeSet([1, 2]))
        #expect(policies["bind=static:0"]?.policy.flags == ["static"])
        #expect(policies["bind=static:0"]?.outside == 0)
        #expect(policies["default"]?.mappings == 3)
    }

    @Test func textBlock() throws {
        let outcome = run(try processSnapshot(), ["--process", "db"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "")
        let text = outcome.stdout
        #expect(text.hasPrefix("100 (db) db --config /etc/db.conf\n"))
        #expect(text.contains("  threads      2 threads, last ran on cpus 2-3 (node 1)\n"))
        #expect(text.contains("  remote       5.5% on nodes its threads do not run on (252.0 KiB)\n"))
        #expect(text.contains("bind:1: 172.0 KiB on node 0, 240.0 KiB on node 1 (412.0 KiB), 2 mappings, 160.0 KiB outside\n"))
        #expect(
            text.contains(
                "  outside      3.9% outside what its policies allow (180.0 KiB), 20.0 KiB outside Mems_allowed; and 12.0 KiB of file pages, page cache its first reader placed\n"
            ))
    }

    @Test func json() throws {
        let outcome = run(try processSnapshot(), ["--process", "100", "--json"])
        #expect(outcome.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(document["schema_version"] as? Int == 1)
        let process = try #require((document["processes"] as? [[String: Any]])?.first)
        #expect(process["pid"] as? Int == 100)
        #expect(process["running_nodes"] as? [Int] == [1])
        let memory = try #require(process["memory"] as? [String: Any])
        #expect(memory["remote_bytes"] as? Int == 252 * 1024)
        #expect(memory["outside_policy_file_bytes"] as? Int == 12 * 1024)
        #expect(memory["outside_policy_bytes"] as? Int == 180 * 1024)
    }

    /// A missing process is said on stderr and in JSON beside the others; alone, it is a failure.
    @Test func vanishedAndUnmatched() throws {
        let fake = try processSnapshot()
        let outcome = run(fake, ["--process", "999", "--process", "db", "--process", "nosuchname"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("swnuma: process 999 does not exist (any more)\n"))
        #expect(outcome.stderr.contains("swnuma: no process matches 'nosuchname'\n"))
        #expect(outcome.stdout.hasPrefix("100 (db)"))
        let mixed = run(fake, ["--process", "999", "--process", "db", "--json"])
        #expect(mixed.status == 0)
        #expect(mixed.stdout.contains("\"problem\": \"vanished\""))
        // Nothing to show is a failure: stderr says why, stdout stays empty.
        let alone = run(fake, ["--process", "999", "--json"])
        #expect(alone.status == 1)
        #expect(alone.stdout.isEmpty)
        #expect(alone.stderr.contains("process 999 does not exist"))
    }

    /// numa_maps missing from a snapshot: the process is shown, with a note.
    @Test func unreadableMaps() throws {
        let fake = try processSnapshot(extra: ["proc/200/status": "Name:\tidle\n"])
        let outcome = run(fake, ["--process", "200"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("  note         cannot read "))
        #expect(outcome.stdout.contains("the CPUs its threads last ran on cannot be read"))
    }

    /// Absurd counts saturate; an unparsable one is a note, not a crash.
    @Test func hostileCounts() throws {
        let fake = try processSnapshot(extra: [
            "proc/300/status": "Name:\tbig\n",
            "proc/300/numa_maps": "1000 default anon=1 N0=18446744073709551615 N1=18446744073709551615 kernelpagesize_kB=18446744073709551615\n",
            "proc/301/status": "Name:\tbad\n",
            "proc/301/numa_maps": "1000 default anon=1 N0=99999999999999999999999\n",
            "proc/302/status": "Name:\tfar\n",
            "proc/302/numa_maps": "1000 bind:0 anon=1 N9223372036854775807=1 N4194304=1 kernelpagesize_kB=4\n",
            "proc/302/task/302/stat": stat(302, comm: "far", processor: 99_999_999_999_999_999),
        ])
        let root = try fake.root
        let topology = Topology.load(from: root)
        guard case .read(let big) = ProcessPlacement.read(pid: 300, root: root, topology: topology) else {
            Issue.record("300 not read")
            return
        }
        #expect(big.memory?.total == UInt64.max)
        guard case .read(let bad) = ProcessPlacement.read(pid: 301, root: root, topology: topology) else {
            Issue.record("301 not read")
            return
        }
        #expect(bad.memory == nil)
        #expect(bad.notes.contains { $0.contains("cannot read the node count 'N0=99999999999999999999999'") })
        guard case .read(let far) = ProcessPlacement.read(pid: 302, root: root, topology: topology) else {
            Issue.record("302 not read")
            return
        }
        #expect(far.threads.isEmpty)
        // Node ids past the kernel's MAX_NUMNODES (1024) are refused, named.
        #expect(far.memory == nil)
        #expect(far.notes.contains { $0.contains("'N9223372036854775807=1': node 9223372036854775807 is beyond the 1024 nodes Linux can have") })
        let outcome = run(fake, ["--process", "300", "--process", "301", "--process", "302", "--json"])
        #expect(outcome.status == 0)
    }

    /// PostgreSQL's shared buffers under bind:1 with pages on node 0: shared
    /// memory follows its mapping's policy, so those pages are outside.
    @Test func sharedBuffersOffTheirBoundNode() throws {
        let fake = try processSnapshot(extra: [
            "proc/400/status": "Name:\tpostgres\nCpus_allowed_list:\t2-3\nMems_allowed_list:\t0-1\n",
            "proc/400/cmdline": "postgres\u{0}-D\u{0}/srv/pg\u{0}",
            "proc/400/task/400/stat": stat(400, comm: "postgres", processor: 2),
            "proc/400/numa_maps": """
                00400000 bind:1 file=/usr/lib/postgresql/bin/postgres mapped=5 N0=5 kernelpagesize_kB=4
                7f0000000000 bind:1 file=/dev/zero\\040(deleted) dirty=300 mapmax=4 N0=200 N1=100 kernelpagesize_kB=4
                7f1000000000 bind:1 file=/SYSV0052e2c1\\040(deleted) dirty=2 N0=2 kernelpagesize_kB=4
                7f2000000000 bind:1 anon=10 dirty=10 N1=10 kernelpagesize_kB=4

                """,
        ])
        guard case .read(let p) = ProcessPlacement.read(pid: 400, root: try fake.root, topology: Topology.load(from: try fake.root))
        else {
            Issue.record("process 400 not read")
            return
        }
        let memory = try #require(p.memory)
        let kib: UInt64 = 1024
        #expect(memory.nodes.map(\.shared) == [808 * kib, 400 * kib])
        #expect(memory.nodes.map(\.anonymous) == [0, 40 * kib])
        #expect(memory.nodes.map(\.file) == [20 * kib, 0])
        // 202 shared pages on node 0 under bind:1; the binary's page cache apart.
        #expect(memory.outsidePolicy == 808 * kib)
        #expect(memory.outsidePolicyShared == 808 * kib)
        #expect(memory.outsidePolicyFile == 20 * kib)
        #expect(memory.policies.first?.outside == 808 * kib)

        let text = run(fake, ["--process", "postgres"]).stdout
        #expect(text.contains("    node   anonymous      shared        file        huge       total\n"))
        #expect(text.contains("       0         0 B   808.0 KiB    20.0 KiB         0 B   828.0 KiB\n"))
        #expect(text.contains("outside what its policies allow (808.0 KiB), 808.0 KiB of it shared memory;"))
        let json = run(fake, ["--process", "400", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let process = try #require((document["processes"] as? [[String: Any]])?.first)
        let jsonMemory = try #require(process["memory"] as? [String: Any])
        #expect(jsonMemory["outside_policy_shared_bytes"] as? Int == 808 * 1024)
        #expect((jsonMemory["nodes"] as? [[String: Any]])?.first?["shared_bytes"] as? Int == 808 * 1024)
    }

    /// Names are all looked for in one pass; each word still gets its own matches.
    @Test func severalNamesInOnePass() throws {
        var files: [String: String] = [:]
        for pid in 1000..<1300 {
            files["proc/\(pid)/status"] = "Name:\t\(pid % 3 == 0 ? "redis" : "worker")\n"
            files["proc/\(pid)/cmdline"] = pid % 5 == 0 ? "worker\u{0}--role=cache\u{0}" : "x\u{0}"
        }
        let root = try FakeRoot(files).root
        let found = NodeStatistics.processIDs(matchingEach: ["redis", "role=cache", "nomatch", "redis"], in: root)
        #expect(found[0] == (1000..<1300).filter { $0 % 3 == 0 })
        #expect(found[1] == (1000..<1300).filter { $0 % 5 == 0 })
        #expect(found[2].isEmpty)
        #expect(found[3] == found[0])
        #expect(NodeStatistics.processIDs(matching: "ker -", in: root) == (1000..<1300).filter { $0 % 5 == 0 })
    }

    @Test func lastCPU() {
        #expect(ProcessPlacement.lastCPU(stat: Array(stat(1, comm: ") (", processor: 7).utf8)) == 7)
        #expect(ProcessPlacement.lastCPU(stat: Array("1 (x) S 0 0\n".utf8)) == nil)
        #expect(ProcessPlacement.lastCPU(stat: Array("garbage".utf8)) == nil)
    }

    @Test func commandLines() throws {
        #expect((try Invocation.plan(Scanner.scan(["--pro", "1"])).mode as? ProcessMode)?.words == (["1"]))
        #expect((try Invocation.plan(Scanner.scan(["--process=db", "--process", "7"])).mode as? ProcessMode)?.words == (["db", "7"]))
        for (arguments, message) in [
            (["--process="], "--process needs a process id or a name"),
            (["--process", "99999999999999999999"], "process id '99999999999999999999' is out of range"),
            (["--process", "1", "-m", "0"], "--process cannot be combined with -m/--membind"),
            (["--process", "1", "-H"], "--process cannot be combined with -H/--hardware"),
            (["--process", "1", "ls"], "unexpected 'ls': --process runs no command"),
            (["--process", "1", "--draw"], "--process cannot be combined with --draw"),
            (["--process", "1", "--show"], "--process cannot be combined with -s/--show"),
            (["--draw", "--show"], "--draw cannot be combined with -s/--show"),
        ] {
            let outcome = SwnumaCommand.run(arguments, environmentRoot: nil)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.stdout == "", "\(arguments)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
    }
}
