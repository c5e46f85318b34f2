internal import KubeletMemory
internal import NUMA

/// The manual page, `man/swnuma.8`, in mdoc, generated from ``OptionTable``.
///
/// `generate-swnuma-docs` writes it; a test checks the committed copy matches.
package enum ManPage {
    /// The date on the page. Fixed so that the output is the same on every run;
    /// bump it when the page's text changes.
    package static let date = "December 6, 2026"

    /// Features the option table lists that this build accepts but does not
    /// carry out yet. Drop a line when its feature lands.
    package static let notYetAvailable: [String] = []

    package static func render() -> String {
        var page = opening(of: .swnuma)
        description(&page)
        options(&page)
        lists(&page)
        outputs(&page)
        environment(&page)
        snapshots(&page)
        files(&page)
        exitStatus(&page)
        examples(&page)
        otherModes(&page)
        // Each mode's own section (NODE FEATURE LABELS, KUBERNETES RESOURCE MANAGERS, ...).
        for mode in ModeList.all { mode.manual(&page) }
        differences(&page)

        page.macro("Sh SEE ALSO")
        page.macro("Xr mbind 2 ,")
        page.macro("Xr sched_setaffinity 2 ,")
        page.macro("Xr set_mempolicy 2 ,")
        page.macro("Xr numa 7 ,")
        page.macro("Xr numactl 8 ,")
        page.macro("Xr swnuma-migratepages 8 ,")
        page.macro("Xr swnuma-numastat 8")

        if !notYetAvailable.isEmpty {
            page.macro("Sh CAVEATS")
            for line in notYetAvailable { page.text(line) }
        }
        return page.output
    }

    /// numastat and migratepages: the modes swnuma takes on under those names.
    static func otherModes(_ page: inout MdocWriter) {
        page.macro("Sh NUMASTAT AND MIGRATEPAGES")
        page.text("""
            Invoked as swnuma-numastat or numastat, swnuma is numastat; invoked as swnuma-migratepages or \
            migratepages, it is migratepages. \
            make install adds the links swnuma-numastat and swnuma-migratepages to swnuma; \
            the bare names are left to the numactl package.
            """)
        page.macro("Ss numastat")
        synopsis(of: NumastatCommand.program, name: NumastatCommand.program.name, &page)
        page.macro("Pp")
        page.text("""
            Prints per-node memory statistics in numastat 2.0.19's tables, byte for byte. \
            With no arguments at all: the kernel's per-node allocation counters in pages. \
            -n: the same counters in MB; -m: each node's meminfo in MB; \
            -p or a plain word: the memory of a process by node (a word of digits is a process id, \
            any other word selects every process whose name or command line contains it); \
            -v: one table per process; -c: narrow columns without decimals; \
            -s: rows sorted on the Total column, -s2 on node 2's; -z: rows and columns of zeros left out. \
            Tables fold into sections to fit NUMASTAT_WIDTH columns if set, else, on a terminal, \
            the terminal's width; into a pipe or a file they are not folded (numastat's width there \
            is 10,000,000), so scripts read one table. SWNUMA_ROOT reads another root's sys/ and proc/. \
            Exit status 0, or 1 for a usage error, an unreadable node file or a pid with no process.
            """)
        page.macro("Ss migratepages")
        synopsis(of: MigratepagesCommand.program, name: MigratepagesCommand.program.name, &page)
        page.macro("Pp")
        page.text("""
            Moves the pages of process pid that are on from-nodes to to-nodes with migrate_pages(2). \
            The node lists take the grammar of --membind, against the nodes this process may allocate from. \
            pid is decimal, 0x hexadecimal or 0-prefixed octal. \
            Exit status 0 when every page moved, 1 otherwise.
            """)
        page.macro("Ss Differences from numastat and migratepages 2.0.19")
        page.macro("Bl -bullet")
        for item in [
            "numastat works without a node 0 (2.0.19 needs node0/numastat), -s with a node id sorts on that node's column when ids have gaps (2.0.19 picks a column by position), and tables fold to the real terminal width on a terminal.",
            "numastat names a pid with no process (null) in its tables and exits 0; swnuma-numastat says there is no such process on stderr, leaves it out of the tables and exits 1.",
            "migratepages refuses a pid too large for a process id (2.0.19 wraps 4294967296 to 0, itself), and reports pages the kernel could not move as a failure, exit 1 (2.0.19 exits 0).",
            "Diagnostics are swnuma's own, one line on standard error prefixed with the name swnuma was invoked as; --help prints help on standard output with exit 0 (2.0.19 prints its usage on standard error with exit 1); numastat -V prints swnuma-numastat and swnuma's version.",
        ] {
            page.macro("It")
            page.text(item)
        }
        page.macro("El")
    }

    // MARK: Sections

    /// The start of a program's page: date, title, NAME with the program's
    /// summary, and SYNOPSIS, one `.Nm` line per usage line (for swnuma,
    /// of every mode in ``ModeList``).
    static func opening(of program: Program) -> MdocWriter {
        var page = MdocWriter()
        page.macro("Dd \(date)")
        page.macro("Dt \(program.name.uppercased()) 8")
        page.macro("Os Linux")
        page.macro("Sh NAME")
        page.macro("Nm \(program.name)")
        page.macro("Nd \(program.summary)")
        page.macro("Sh SYNOPSIS")
        synopsis(of: program, &page)
        return page
    }

    /// The start of the page of a program that is swnuma under another name
    /// (numastat, migratepages): ``opening(of:)``, then DESCRIPTION's first
    /// sentence, which says so.
    static func opening(ofAlias program: Program) -> MdocWriter {
        var page = opening(of: program)
        page.macro("Sh DESCRIPTION")
        page.macro("Nm")
        let alias = program.aliases.first ?? program.name
        page.text("is swnuma invoked under that name (a link make install adds; invoked as \(alias) it is the same).")
        return page
    }

    /// A program's usage lines as mdoc, each after `.Nm`.
    static func synopsis(of program: Program, name: String? = nil, _ page: inout MdocWriter) {
        for usage in program.usage {
            page.macro(name.map { "Nm \($0)" } ?? "Nm")
            for macro in usage.mdoc { page.macro(macro) }
        }
    }

    static func description(_ page: inout MdocWriter) {
        page.macro("Sh DESCRIPTION")
        page.macro("Nm")
        page.text("""
            runs a command with a NUMA memory policy and a CPU binding, prints the machine's nodes, \
            CPUs, memory and distances, and shows the policy a process runs under. \
            It takes numactl's command lines and gives them the same meaning, output and exit status, \
            with the corrections listed under
            """)
        page.macro("Sx DIFFERENCES FROM NUMACTL .")
        page.macro("Pp")
        page.text("""
            Options are read up to the first word that is not an option, or up to --, which is dropped. \
            That word and all after it are the command. \
            Long options may be shortened to any prefix that names one option, and take their value \
            after = or as the next word. \
            Short options may be grouped (-aC0) and take their value attached (-m0) or as the next word. \
            --show, --version and --help act where they appear: nothing after them is read, except swnuma's own --json.
            """)
        page.macro("Pp")
        page.text("""
            Options act in the order given, as numactl's do. \
            --all comes before the <nodes> and <cpus> it widens. \
            One memory policy per command line, after --hardware, --balancing, --version, --shm and --file. \
            --length, --offset, --shmmode and --huge come before --shm or --file, and --touch, --dump, \
            --dump-nodes and --verify after them; a policy after --shm or --file applies to the region. \
            CPU binding cannot follow the shared-memory options. \
            same stands for the <nodes> of the option before it.
            """)
        page.macro("Pp")
        page.text("""
            The command replaces swnuma by execvp: it keeps the process id, and its exit status and \
            signals reach the caller unchanged. \
            Children the command starts inherit the policy and binding.
            """)
    }

    static func options(_ page: inout MdocWriter) {
        options(of: .swnuma, &page)
    }

    /// OPTIONS: a program's rows, grouped (one list without a heading when
    /// the program has one group, as numastat and migratepages do).
    static func options(of program: Program, _ page: inout MdocWriter) {
        page.macro("Sh OPTIONS")
        let groups = OptionGroup.allCases.filter { group in program.options.contains { $0.group == group } }
        for group in groups {
            let specs = program.options.filter { $0.group == group }
            if groups.count > 1 { page.macro("Ss \(group.rawValue)") }
            page.macro("Bl -tag -width Ds")
            for spec in specs {
                page.macro("It " + item(spec))
                page.text(spec.details)
            }
            page.macro("El")
        }
    }

    /// The head of an option's entry: `Fl m , Fl \-membind Ns = Ns Ar nodes`.
    static func item(_ spec: OptionSpec) -> String {
        if spec.shortOnly, let short = spec.short {
            guard spec.takesValue else { return "Fl \(short)" }
            return spec.valueOnlyAttached ? "Fl \(short) Ns Op Ar \(spec.valueName)" : "Fl \(short) Ar \(spec.valueName)"
        }
        var head = ""
        if let short = spec.short { head += "Fl \(short) , " }
        head += "Fl \\-\(spec.long)"
        if spec.takesValue { head += " Ns = Ns Ar \(spec.valueName)" }
        if let rest = spec.rest {
            head += rest.hasSuffix("...") ? " Op Ar \(rest.dropLast(3)) ..." : " Op Ar \(rest)"
        }
        return head
    }

    static func lists(_ page: inout MdocWriter) {
        page.macro("Sh NODES AND CPUS")
        page.text("""
            A <nodes> or <cpus> argument is a comma-separated list of the items below. \
            Plain numbers, ranges and all are checked against the nodes or CPUs this process may use: \
            for memory options the nodes of its cpuset (Mems_allowed), for --physcpubind its CPU \
            affinity at start (Cpus_allowed), for --cpunodebind every node with CPUs, the cpuset being \
            the kernel's to enforce; or against every one that exists after --all. \
            Ids that do not exist, numbers too large for an id, negative numbers and reversed ranges \
            are refused with a message naming them.
            """)
        page.macro("Bl -tag -width Ds")
        page.macro("It Ar N")
        page.text("A number: decimal, hexadecimal after 0x, or octal after a leading 0 (010 is 8).")
        page.macro("It Ar A Ns - Ns Ar B")
        page.text("Every allowed id from A to B, both included.")
        page.macro("It Cm all")
        page.text("Every allowed node or CPU. It may also end a list: 0,all.")
        page.macro("It Cm \\&! Ns Ar list")
        page.text("Everything that exists except the list.")
        page.macro("It Cm + Ns Ar list")
        page.text("Numbers count within the allowed set rather than naming ids: +0 is the first allowed id. After a !, as in !+0, it applies to the list inverted.")
        page.macro("It Cm same")
        page.text("For <nodes> only: the <nodes> of the previous option on the line.")
        page.macro("It Cm netdev : Ns Ar DEV")
        page.text("For <nodes> only: the node of network interface DEV.")
        page.macro("It Cm ip : Ns Ar HOST")
        page.text("For <nodes> only: the node of the interface the route to HOST, a name or an address, leaves by.")
        page.macro("It Cm file : Ns Ar PATH")
        page.text("For <nodes> only: the node of the device that holds PATH, or of the block or character device PATH names.")
        page.macro("It Cm block : Ns Ar DEV")
        page.text("For <nodes> only: the node of block device DEV.")
        page.macro("It Cm pci : Ns Ar BUS : Ns Ar DEV")
        page.text("For <nodes> only: the node of a PCI function, written in hexadecimal as [SEG:]BUS:DEV[.FN].")
        page.macro("El")
        page.macro("Pp")
        page.text("Sizes for --length and --offset are numbers with an optional k, m or g suffix.")
    }

    static func outputs(_ page: inout MdocWriter) {
        page.macro("Sh REQUIREMENTS")
        page.text("""
            --require expr states a requirement on the topology and may be given more than once. \
            Requirements are checked before anything else. \
            Without a command, swnuma exits 0 when every requirement holds and 3 when one does not, \
            with one line on standard error for each that does not; \
            before a command, --hardware or --show, that runs only when all hold. \
            A malformed expression is a usage error (exit 1) naming the bad token and its position.
            """)
        page.macro("Pp")
        page.text("An expression is a value, a comparison and a number, with blanks allowed between them.")
        page.text("The values:")
        page.macro("Bl -tag -width Ds")
        let values: [(String, String)] = [
            ("Cm nodes", "The number of nodes."),
            ("Cm cpus", "The number of CPUs of all nodes."),
            ("Cm node( Ns Ar N Ns Cm ).size", "The memory of node N in bytes (MemTotal of its meminfo)."),
            ("Cm node( Ns Ar N Ns Cm ).free", "The free memory of node N in bytes (MemFree)."),
            ("Cm node( Ns Ar N Ns Cm ).cpus", "The number of CPUs of node N."),
            ("Cm node( Ns Ar N Ns Cm ).distance( Ns Ar M Ns Cm \\&)", "The distance from node N to node M."),
            ("Cm hugepages( Ns Ar SIZE Ns Cm ).free , Cm .total",
             "Free or all huge pages of page size SIZE (2M, 1G, 2048K), a count summed over the nodes."),
            ("Cm node( Ns Ar N Ns Cm ).hugepages( Ns Ar SIZE Ns Cm ).free , Cm .total",
             "The same on node N."),
            ("Cm nodes( Ns Ar KIND Ns Cm \\&)",
             "The number of nodes whose memory is of kind KIND, one of "
                + MemoryKinds.Kind.allCases.map(Requirement.kindName).joined(separator: ", ")
                + " (the memory_kind of --hardware --json, with _ for -): nodes(gpu)==0."),
            ("Cm tiers", "The number of memory tiers (sys/devices/virtual/memory_tiering): tiers>=2."),
            ("Cm node( Ns Ar N Ns Cm ).tier",
             "The memory tier of node N (memory_tierN; smaller is faster, and the kernel puts DRAM in tier 4). A requirement on a node in no tier, or on a kernel without memory tiering, does not hold."),
        ]
        for (head, text) in values {
            page.macro("It " + head)
            page.text(text)
        }
        page.macro("El")
        page.macro("Pp")
        page.text("""
            The comparisons are >=, >, <=, <, == and !=. \
            The number is decimal, with an optional suffix K, M, G or T (either case) for powers of 1024: \
            64G is 68719476736. \
            With a suffix it may have a decimal fraction: 1.5G is 1610612736, exact in bytes and rounded down \
            to a whole number; a number too large for 64 bits is refused. \
            A requirement about a node that does not exist does not hold, nor does one about a value \
            that cannot be read: a node's unreadable meminfo, or a huge page size the machine (or the node) \
            does not have, whose message lists the sizes it has.
            """)
        page.macro("Bd -literal -offset indent")
        page.literal("swnuma --require 'nodes>=2' --require 'node(1).free>=64G'")
        page.literal("swnuma --require 'hugepages(1G).free>=8' -- ./db")
        page.literal("swnuma --require 'node(0).distance(1)<=21' --require 'node(0).free>=1.5G'")
        page.macro("Ed")

        page.macro("Sh JSON OUTPUT")
        page.text("""
            With --json, --hardware, --show, --require (without a command) and --process print one JSON document on \
            standard output instead of text. \
            Every document has "schema_version": 1. \
            Byte counts are exact integers, and null stands for a value that could not be read. \
            Node and CPU sets are arrays of ids in ascending order. \
            JSON Schemas of the three documents are installed in /usr/local/share/swnuma/schema/ \
            (under the prefix swnuma was installed with): hardware.schema.json, show.schema.json, \
            require.schema.json and cpuset.schema.json, which the first two refer to.
            """)
        page.macro("Bl -tag -width Ds")
        page.macro("It Fl \\-hardware Fl \\-json")
        page.text("""
            nodes: one object per node with id, cpus, memory.total_bytes and memory.free_bytes, \
            distances (to every node, in the order of nodes), has_cpus, has_memory, and hugepages \
            (page_size_bytes, total and free pages for each size). \
            distance_info: whether distances are known. \
            online_cpus: the CPUs online. \
            process: cpus_allowed and mems_allowed of this process, and cpuset, its cpuset cgroup \
            (path, version, cpus, mems) or null. \
            source: sysfs, or single_node_fallback on a kernel without NUMA. \
            warnings: values that could not be read.
            """)
        page.macro("Pp")
        page.text("""
            Each node also has memory_kind: kind (one of \(MemoryKinds.Kind.allCases.map(\.rawValue).joined(separator: ", "))), \
            description (the kind in words), tier and abstract_distance (the node's memory tier and the \
            [low, high] abstract distance range of that tier, or null), initiators (the nodes that reach \
            its memory best, from access0/initiators), gpu_pci_address, dax_device and dax_driver (the GPU \
            or DAX device the memory belongs to, or null) and evidence (the file that told, or null).
            """)
        page.macro("Pp")
        page.text("""
            With --devices, devices: one object per device with kind, name, node (null when not known), \
            pci_address, pci_class, class_name, model, sysfs_path, numa_node_file and node_from, how its \
            node was found: numa_node (the kernel's numa_node file), local_cpus (the node of the CPUs its \
            local_cpulist or local_cpus names, when numa_node says -1), only_node (the one node of a \
            one-node machine) or unknown.
            """)
        page.macro("It Fl \\-show Fl \\-json")
        page.text("""
            policy: mode (default, preferred, bind, interleave, local, preferred-many, \
            weighted-interleave), mode_number, flags and nodes. \
            preferred_node, interleave_next and interleave_weights as --show prints them. \
            cpu_affinity: the CPUs this process may run on; cpu_nodes: the nodes of those CPUs. \
            mems_allowed, cpus_allowed and cpuset as for --hardware.
            """)
        page.macro("It Fl \\-process Ar pid|name Fl \\-json")
        page.text("""
            processes: one object per process matched, with pid, name, command (its command line's words), \
            cpus_allowed, mems_allowed, cpuset (as for --hardware), threads (tid, the cpu it last ran on and \
            that CPU's node), running_nodes (the nodes of those CPUs) and memory, or null when its numa_maps \
            could not be read. \
            memory: total_bytes; remote_bytes, on nodes none of its threads last ran on; \
            outside_policy_bytes, the anonymous, shared and huge page bytes outside what their mapping's \
            policy (bind and interleave nodes) or Mems_allowed allow; outside_policy_shared_bytes, the \
            shared memory among them (shared anonymous mappings, System V segments, memfds, /dev/shm files: \
            a database's shared buffers placed against its policy); outside_mems_allowed_bytes; \
            outside_policy_file_bytes, file pages that would count as outside but were placed by whoever \
            first read the file; nodes, per node anonymous_bytes, shared_bytes, file_bytes, huge_bytes and \
            total_bytes; policies, per mapping policy its text, mode, flags, nodes, the count of mappings, \
            outside_bytes and per_node bytes split as in nodes. \
            notes: what could not be read. \
            problems: for each word that matched nothing (no-match) or a process that vanished or could \
            not be read (vanished, unreadable), the word, the pid or null, the problem and a message.
            """)
        page.macro("It Fl \\-require Ar expr Fl \\-json")
        page.text("""
            holds: whether every requirement holds. \
            requirements: for each, in command-line order, expression, holds, actual (the value found, \
            null when it could not be read), unit (bytes or count) and message (what was found, in words).
            """)
        page.macro("El")
        page.macro("Pp")
        page.text("With jq(1): the free bytes of node 1; the nodes with memory; the failed requirements.")
        page.macro("Bd -literal -offset indent")
        page.literal("swnuma -H --json | jq '.nodes[] | select(.id == 1) | .memory.free_bytes'")
        page.literal("swnuma -H --json | jq -c '[.nodes[] | select(.has_memory) | .id]'")
        page.literal("swnuma --json --require 'nodes>=2' | jq -r '.requirements[] | select(.holds | not) | .message'")
        page.macro("Ed")
    }

    static func environment(_ page: inout MdocWriter) {
        page.macro("Sh ENVIRONMENT")
        page.macro("Bl -tag -width Ds")
        page.macro("It Ev SWNUMA_ROOT")
        page.text("""
            The same as --root: read sys/ and proc/ under this folder, a snapshot of another machine \
            such as a sosreport or an hwloc-gather-topology dump. \
            An empty value means the running system. \
            Under a snapshot swnuma prints --hardware but refuses policies, --show and commands.
            """)
        page.macro("El")
    }

    static func snapshots(_ page: inout MdocWriter) {
        page.macro("Sh SNAPSHOTS")
        page.text("""
            A snapshot given by --root or SWNUMA_ROOT comes from another machine and is read as untrusted. \
            Its paths resolve inside it: an absolute symbolic link resolves against the snapshot's folder \
            and a ".." component goes no higher than it (openat2(2) with RESOLVE_IN_ROOT, or the same walk one component at a time \
            where the kernel lacks it), so nothing outside the folder is read; relative links that stay \
            inside keep working. \
            Only regular files are read, opened without blocking: a FIFO, socket, device node or folder \
            in place of a file is skipped with a warning that names it. \
            A folder with neither sys/ nor proc/ is refused. \
            Under the running system's root nothing of this applies beyond the non-blocking open.
            """)
        page.macro("Pp")
        page.text("Limits, each refused or warned about with the file named, never cut or wrapped:")
        page.macro("Bl -bullet -compact")
        page.macro("It")
        page.text("Node ids below 1024: MAX_NUMNODES is 1 << NODES_SHIFT, and no architecture allows NODES_SHIFT above 10. Only the kernel's spelling nodeN counts (node01 is not node 1).")
        page.macro("It")
        page.text("CPU ids below 8192: the top of CONFIG_NR_CPUS's range on every architecture.")
        page.macro("It")
        page.text("1 MiB for one sysfs file and for proc/meminfo (a cpulist of 8192 scattered CPUs is under 40 KiB), 64 MiB for a numa_maps; a longer file is not read at all.")
        page.macro("It")
        page.text("4096 fields in a node's numastat or meminfo file (numastat mode).")
        page.macro("It")
        page.text("Distances up to 2147483647; a row that is short or unreadable leaves the rest unknown, with a warning.")
        page.macro("It")
        page.text("Byte counts below 2^64: a huge page size or a numa_maps sum beyond that is refused.")
        page.macro("It")
        page.text("""
            \(mebibytes(KubeletSettings.configFileLimit)) for a kubelet configuration file (--config), \
            \(mebibytes(Checkpoint.sizeLimit)) for a memory manager checkpoint, \
            \(mebibytes(PCIIDs.sizeLimit)) for pci.ids.
            """)
        page.macro("El")
        page.macro("Pp")
        page.text("""
            The kubelet modes without arguments take the kubelet running under the root: a process whose \
            comm is kubelet or whose program's name ends in /kubelet. \
            Any user can start a program of that name, and swnuma then reads the configuration file its \
            arguments name, so one is trusted only when its status gives real and effective uid 0 and, \
            on the running system, its executable (/proc/PID/exe) is owned by root and writable by neither \
            group nor others; a snapshot holds no executable, and its status decides alone. \
            Among several trusted, the lowest pid is taken and a note names the others; \
            when none is trusted, the message says why for each.
            """)
        page.macro("Pp")
        page.text("Control bytes and invalid UTF-8 from a snapshot appear in messages as \\xHH.")
    }

    /// A size limit as the page writes it: `4 MiB`.
    static func mebibytes(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    static func files(_ page: inout MdocWriter) {
        page.macro("Sh FILES")
        page.macro("Bl -tag -width Ds -compact")
        page.macro("It Pa /sys/devices/system/node/")
        page.text("Nodes, their CPUs, memory and distances.")
        page.macro("It Pa /sys/devices/system/cpu/")
        page.text("The CPUs that exist.")
        page.macro("It Pa /proc/self/status")
        page.text("The nodes and CPUs this process may use.")
        page.macro("It Pa /sys/kernel/mm/mempolicy/weighted_interleave/")
        page.text("Node weights for --weighted-interleave.")
        page.macro("El")
    }

    static func exitStatus(_ page: inout MdocWriter) {
        page.macro("Sh EXIT STATUS")
        page.macro("Bl -tag -width Ds")
        page.macro("It the command's own")
        page.text("When a command is launched it replaces swnuma, so its exit status is what the caller sees.")
        page.macro("It 0")
        page.text("After --hardware, --show, --version or --help.")
        page.macro("It 1")
        page.text("A usage error, a refused policy or binding, a command that cannot be executed (as numactl; not 126 or 127 as a shell), or output that could not be written; for --kubelet-check, --kubelet-suggest and --kubelet-state, a file that cannot be read or no kubelet to check.")
        page.macro("It 3")
        page.text("A --require that does not hold; with --kubelet-check, --kubelet-suggest or --kubelet-state, a configuration or checkpoint the kubelet would refuse, or one that is wrong for this machine.")
        page.macro("El")
    }

    static func examples(_ page: inout MdocWriter) {
        page.macro("Sh EXAMPLES")
        let cases: [(String, [String])] = [
            ("Run a database with its memory and CPUs on node 1:",
             ["swnuma --membind=1 --cpunodebind=1 -- mongod --config /etc/mongod.conf"]),
            ("The same in a systemd unit:",
             ["ExecStart=/usr/local/bin/swnuma --membind=1 --cpunodebind=1 -- \\",
              "    /usr/bin/mongod --config /etc/mongod.conf"]),
            ("Spread a server's memory over every node:",
             ["swnuma --interleave=all -- postgres -D /srv/pg"]),
            ("Run on the CPUs of node 2, which may have no memory of its own:",
             ["swnuma -N 2 -- ./worker"]),
            ("Show the nodes, with CPU lists as ranges:",
             ["swnuma -H --cpu-compress"]),
            ("See the policy a child process gets:",
             ["swnuma -l swnuma --show"]),
            ("In a script, check that node 1 can run work before relying on it:",
             ["if ! swnuma --cpunodebind=1 -- true; then",
              "    echo \"node 1 is not usable here\" >&2",
              "    exit 1",
              "fi"]),
            ("In a script, count the nodes:",
             ["nodes=$(swnuma -H | sed -n 's/^available: \\([0-9]*\\) nodes.*/\\1/p')"]),
            ("Read a snapshot of another machine, such as an unpacked sosreport:",
             ["swnuma --root /tmp/sosreport -H",
              "SWNUMA_ROOT=/tmp/sosreport swnuma -H --cpu-compress"]),
        ]
        for (index, example) in cases.enumerated() {
            if index > 0 { page.macro("Pp") }
            page.text(example.0)
            page.macro("Bd -literal -offset indent")
            for line in example.1 { page.literal(line) }
            page.macro("Ed")
        }
    }

    static func differences(_ page: inout MdocWriter) {
        page.macro("Sh DIFFERENCES FROM NUMACTL")
        page.text("swnuma follows numactl 2.0.19 except where numactl is wrong or unhelpful:")
        let items = [
            "Nodes with CPUs and no memory: numactl's -N and -c refuse them, -N all leaves out their CPUs and --show does not list them. swnuma's -N accepts any node with CPUs, says so when the cpuset excludes its CPUs, and --show lists it.",
            "CPU masks in sysfs: numactl cannot read a cpumap wider than the kernel's mask. swnuma reads masks of any width, with or without trailing NUL bytes or blanks.",
            "The ! inversion: numactl inverts against the range from 0 to the number of nodes, which is wrong when node ids have gaps, and -a lets ids without a node through. swnuma inverts against the nodes or CPUs that exist and refuses ids that do not exist.",
            "Numbers: numactl reads 4294967296 as node 0 and -1 as a huge number, and takes 1-0 for node 1. swnuma refuses numbers out of range, negative numbers and reversed ranges.",
            "Shared-memory sizes: numactl wraps a negative --length or --offset, or one beyond 64 bits, to another size. swnuma refuses it, naming the size.",
            "Refusals: where numactl prints \"set_mempolicy: Invalid argument\" for a node outside the cpuset or an empty mask, swnuma names the allowed set and the ids at fault.",
            "--show: numactl leaves some lines without a newline; swnuma ends every line and names weighted interleave.",
            "--hardware: when a node's free memory cannot be read, numactl prints free: 0 MB and swnuma prints free: <not available>.",
            "file: on a character device: numactl looks in the wrong sysfs class; swnuma resolves it through /sys/dev/char.",
            "Messages: swnuma's usage text and diagnostics are its own; a refusal is one line on standard error naming the offending word, with nothing on standard output.",
            "-h and --help print help on standard output and exit 0; numactl treats -h as an unknown option.",
            "--version prints swnuma and its version rather than numactl's version number.",
            "Output that cannot be written (a full disk) is an error: one line on standard error, exit 1; numactl exits 0. A reader that closed the pipe is not an error.",
            "Bare swnuma prints its usage on standard error and exits 1, as numactl does; a word after a <nodes> or <cpus> option that is not one is named with its option.",
        ]
        page.macro("Bl -bullet")
        for item in items {
            page.macro("It")
            page.text(item)
        }
        page.macro("El")
    }
}

/// Writes mdoc source: macro lines, and text lines escaped so that no text
/// is read as a request, with one sentence per line.
package struct MdocWriter {
    private(set) var output = ""

    mutating func macro(_ line: String) {
        output += "." + line + "\n"
    }

    /// Prose: each sentence on a line of its own.
    mutating func text(_ prose: String) {
        for sentence in Self.sentences(prose) {
            output += Self.escape(sentence) + "\n"
        }
    }

    /// A line of a literal display, kept as it is apart from escaping.
    mutating func literal(_ line: String) {
        output += Self.escape(line) + "\n"
    }

    /// Backslashes written as `\e`; a leading `.` or `'` guarded by `\&`.
    static func escape(_ line: String) -> String {
        var escaped = ""
        for character in line {
            if character == "\\" { escaped += "\\e" } else { escaped.append(character) }
        }
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { return "\\&" + escaped }
        return escaped
    }

    /// Splits prose after each `. ` or `: ` that ends a sentence.
    static func sentences(_ prose: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previous: Character?
        for character in prose {
            if character == " ", previous == "." {
                result.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
