/// The help text, generated from ``OptionTable``.
package enum HelpText {
    package static let usageLines = [
        "swnuma [options] [--] command [args...]",
        "swnuma --hardware [--cpu-compress] [--json]",
        "swnuma --show [--json]",
        "swnuma --require expr... [--json]",
        "swnuma --nfd-features [--label name=expr]... [--expiry duration] [--output file]",
        "swnuma [shm options] --shm keyfile | --file path [policy] [--touch] [--dump]",
    ]

    package static func render() -> String {
        var out = "swnuma: run a command under a NUMA memory policy and CPU binding, and show the topology.\n\n"
        out += "Usage: " + usageLines.joined(separator: "\n       ") + "\n"
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

            Exit status: the command's own; 0 for --hardware, --show, --version and
            --help; 1 for a usage error or a refused policy; 3 when a --require fails.

            """
        return out
    }
}
