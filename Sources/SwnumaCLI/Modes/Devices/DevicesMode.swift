internal import NUMA

/// `--devices` alone: which node each NIC, disk, GPU and DAX device hangs
/// off. With `--hardware` it is part of ``HardwareMode``.
package struct DevicesMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.devices, group: .swnuma, summary: "List each node's network, block, GPU, DAX and PCI devices", details: "For each node, list the devices attached to it: network interfaces, disks, GPUs, DAX devices and other PCI functions, with their PCI address and class (named from pci.ids when the hwdata package is installed), found as netdev: and block: find them. Devices whose node the kernel does not know are listed last. With --hardware, after its output; with --json, a devices array in the --hardware document.", fromNumactl: false),
    ]

    package static let usage = [Usage(.option("--devices"), .optional([.option("--json")]))]

    package func perform(_ context: inout Context) -> Outcome {
        var (outcome, done) = context.prepare(plan, topology: plan.json ? .hugePages : [], needsLiveSystem: false)
        if done { return outcome }
        HardwareMode.render(plan, hardware: false, into: &outcome, context: &context)
        return outcome
    }
}

extension OptionID {
    package static let devices = OptionID("devices")
}
