/// The help text, generated from the modes and the option table.
package enum HelpText {
    /// `Usage:` and one line per mode's usage, from ``ModeList``.
    package static var usage: String {
        let lines = Program.swnuma.usage.map { "\(Program.swnuma.name) \($0.text)" }
        return "Usage: " + lines.joined(separator: "\n       ") + "\n"
    }

    package static func render() -> String {
        var out = "swnuma: run a command under a NUMA memory policy and CPU binding, and show the topology.\n\n"
        out += usage
        for group in OptionGroup.allCases {
            out += "\n\(group.rawValue):\n"
            for spec in OptionTable.all where spec.group == group && !spec.hidden {
                let left = "  " + spec.synopsis
                let pad = left.count < 32 ? String(repeating: " ", count: 32 - left.count) : "\n" + String(repeating: " ", count: 32)
                out += left + pad + spec.summary + "\n"
            }
        }
        out += """

            <nodes> and <cpus>: comma-separated numbers and A-B ranges, or all.
              !list inverts against the nodes or CPUs that exist; +list counts within
              the allowed set (+0 is the first allowed). <nodes> also takes same (the
              previous <nodes>), netdev:DEV, ip:HOST, file:PATH, block:DEV, pci:BUS:DEV.
            Sizes take k, m or g suffixes.

            Order: options act left to right and stop at the first word that is not an
              option (or --): that word is the command. --all comes before the <nodes>
              and <cpus> it widens; --hardware, --balancing, --version, --shm and --file
              come before the memory policy; --length, --offset, --shmmode and --huge
              come before --shm/--file, and --touch, --dump and --verify after them.

            --require EXPR: VALUE OP NUMBER, e.g. 'node(1).free>=64G'. VALUE is nodes,
              cpus, node(N).size, node(N).free (bytes), node(N).cpus, node(N).distance(M),
              [node(N).]hugepages(SIZE).free|.total (pages of SIZE: 2M, 1G). OP is >=, >,
              <=, <, == or !=. NUMBER is decimal, with K, M, G or T (powers of 1024, 1.5G
              too). A node or page size the machine lacks makes it fail (exit 3).

            --json: one JSON document on stdout (byte counts exact, null when unknown);
              schemas in share/swnuma/schema/ of the install prefix (see swnuma(8)):
              swnuma -H --json | jq '.nodes[] | {id, free: .memory.free_bytes}'

            Exit status: the command's own; 0 for --hardware, --show, --version and
            --help; 1 for a usage error, a refused policy, a command that cannot be
            executed or output that cannot be written; 3 when a --require fails
            or a kubelet configuration or checkpoint would be refused.

            """
        return out
    }
}
