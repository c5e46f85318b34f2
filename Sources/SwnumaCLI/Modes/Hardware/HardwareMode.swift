internal import NUMA

/// `--hardware` (`-H`): the nodes, their CPUs, memory and distances, byte
/// for byte as numactl prints them; with `--devices`, each node's devices
/// after it; with `--json`, one document.
package struct HardwareMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.hardware, short: "H", group: .info, summary: "Show the nodes, their CPUs, memory and distances", details: "Print the inventory of nodes: CPUs, memory size and free memory, and the distance matrix. A command after it is ignored."),
        OptionSpec(.cpuCompress, group: .info, summary: "With --hardware, print CPU lists as ranges", details: "Print the CPU lists of --hardware as ranges with a count: 0-3, 8 (5)."),
    ]

    package static let usage = [
        Usage(.option("--hardware"), .optional([.option("--cpu-compress")]), .optional([.option("--devices")]), .optional([.option("--json")]))
    ]

    package func perform(_ context: inout Context) -> Outcome {
        var (outcome, done) = context.prepare(plan, topology: plan.json ? .hugePages : [], needsLiveSystem: false)
        if done { return outcome }
        Self.render(plan, hardware: true, into: &outcome, context: &context)
        return outcome
    }

    /// `-H`'s text or document, and the devices when asked for; shared with
    /// `--devices` alone (``DevicesMode``), which prints only the latter.
    static func render(_ plan: NumactlPlan, hardware: Bool, into outcome: inout Outcome, context: inout Context) {
        let topology = context.topology
        let root = context.root
        for warning in topology.warnings { outcome.complain("warning: \(warning)") }
        // Devices are read only when asked for: -H pays nothing for them.
        let inventory = plan.devices ? DeviceInventory.read(from: root, topology: topology) : nil
        if plan.json {
            var document = HardwareJSON.document(
                topology,
                onlineCPUs: root.readAttribute("sys/devices/system/cpu/online").flatMap {
                    CPUSet(listBytes: $0, limit: CPUKind.kernelLimit)
                },
                limits: context.limits, cpuset: Cpuset.read(from: root),
                kinds: MemoryKinds.read(from: root, topology: topology))
            if let inventory, case .object(var fields) = document {
                fields.append(("devices", DevicesJSON.array(inventory)))
                document = .object(fields)
            }
            outcome.stdout += document.render()
        } else {
            if hardware {
                outcome.stdout += HardwareText.render(topology, compressCPUs: plan.cpuCompress)
            }
            if let inventory {
                outcome.stdout += DevicesText.render(inventory, nodes: topology.nodes.map(\.id))
            }
        }
    }
}

extension OptionID {
    package static let hardware = OptionID("hardware")
    package static let cpuCompress = OptionID("cpu-compress")
}
