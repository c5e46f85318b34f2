internal import NUMA

/// `swnuma --devices`: for each node, the devices attached to it.
///
/// ```
/// node 0
///   network  eth0       0000:02:00.0  Ethernet controller: Intel Corporation I350 Gigabit Network Connection
///   block    nvme0n1    0000:00:02.0  Non-Volatile memory controller
/// node unknown
///   block    pmem1      -             -  (no numa_node)
/// ```
///
/// The class is the name `pci.ids` gives it, else the class code (`0x020000`).
enum DevicesText {
    static func render(_ inventory: DeviceInventory, nodes: [Int]) -> String {
        var out = ""
        guard !inventory.devices.isEmpty else { return "no devices\n" }
        let nameWidth = min(16, inventory.devices.map { escapedForDisplay($0.name).count }.max() ?? 0)
        var listed = Set<Int>()
        func section(_ title: String, _ devices: [DeviceInventory.Device]) {
            out += "\(title)\n"
            for device in devices {
                out += "  " + pad(device.kind.rawValue, 11) + " " + pad(escapedForDisplay(device.name), nameWidth) + " "
                out += pad(escapedForDisplay(device.pciAddress ?? "-"), 12) + "  " + describe(device) + "\n"
            }
        }
        for node in nodes {
            let devices = inventory.devices(onNode: node)
            listed.insert(node)
            section("node \(node)", devices)
            if devices.isEmpty { out += "  (none)\n" }
        }
        // A node a device names that has no node folder (a broken snapshot).
        let others = Set(inventory.devices.compactMap(\.node)).subtracting(listed).sorted()
        for node in others { section("node \(node) (not a node of this machine)", inventory.devices(onNode: node)) }
        let unknown = inventory.withoutNode
        if !unknown.isEmpty { section("node unknown", unknown) }
        return out
    }

    /// The class and model, and for a device without a node, why.
    static func describe(_ device: DeviceInventory.Device) -> String {
        var text: String
        if let name = device.className {
            text = escapedForDisplay(name)
        } else if let code = device.pciClass {
            text = "class " + hex(code, 6)
        } else {
            text = "-"
        }
        if let model = device.model { text += ": \(escapedForDisplay(model))" }
        if let why = placementNote(device) { text += "  (\(why))" }
        return text
    }

    /// How a device's node was found when `numa_node` did not say, or why
    /// it is unknown; nil when a `numa_node` file named it.
    static func placementNote(_ device: DeviceInventory.Device) -> String? {
        switch device.placement {
        case .numaNode: return nil
        case .localCPUs(let file, let cpus):
            return "from \(escapedForDisplay(file.split(separator: "/").last ?? "local_cpus")): CPUs \(cpus)"
        case .onlyNode:
            let said = device.nodeFile.map { "\(escapedForDisplay($0)) is -1" } ?? "no numa_node above it"
            return "the only node; \(said)"
        case .unknown(let file, let cpus):
            var why = file.map { "the kernel does not know: \(escapedForDisplay($0)) is -1" } ?? "no numa_node above it"
            if let cpus { why += "; its local CPUs \(cpus) span several nodes" }
            return why
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func hex(_ value: UInt32, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// The `devices` array of `-H --json --devices` (docs/schema/hardware.schema.json).
enum DevicesJSON {
    /// How the node was found: `numa_node`, `local_cpus`, `only_node` or `unknown`.
    static func placementWord(_ source: DevicePlacement.Source) -> String {
        switch source {
        case .numaNode: "numa_node"
        case .localCPUs: "local_cpus"
        case .onlyNode: "only_node"
        case .unknown: "unknown"
        }
    }

    static func array(_ inventory: DeviceInventory) -> JSONValue {
        .array(inventory.devices.map { device in
            .object([
                ("kind", .string(device.kind.rawValue)),
                ("name", .string(device.name)),
                ("node", device.node.map { .number($0) } ?? .null),
                ("pci_address", device.pciAddress.map { .string($0) } ?? .null),
                ("pci_class", device.pciClass.map { .string(DevicesText.hex($0, 6)) } ?? .null),
                ("class_name", device.className.map { .string($0) } ?? .null),
                ("model", device.model.map { .string($0) } ?? .null),
                ("sysfs_path", .string(device.path)),
                ("numa_node_file", device.nodeFile.map { .string($0) } ?? .null),
                ("node_from", .string(placementWord(device.placement))),
            ])
        })
    }
}
