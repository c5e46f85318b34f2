/// The devices of a machine and the node each one is attached to: network
/// interfaces, block devices, GPUs, DAX devices and other PCI functions.
///
/// A device's node is found as ``DevicePlacement`` says: the first
/// `numa_node` from the device's folder up (for a virtio NIC, its PCI
/// function), else the node holding its local CPUs, else the only node of a
/// one-node machine. Devices placed by none of these have a nil ``Device/node``.
///
/// ```swift
/// let inventory = DeviceInventory.read(from: root)
/// for device in inventory.devices(onNode: 1) { print(device.name, device.pciAddress ?? "-") }
/// ```
///
/// Virtual devices (`lo`, bridges, loop and RAM disks), partitions and the
/// PCI functions of the platform's plumbing (``plumbing``) are left out.
public struct DeviceInventory: Sendable, Equatable {
    /// What a device is.
    public enum Kind: String, Sendable, CaseIterable {
        /// A network interface (`sys/class/net`).
        case network
        /// A whole disk (`sys/class/block`): NVMe, SCSI, virtio, pmem.
        case block
        /// A graphics card (`sys/class/drm/cardN`, or a display-class PCI function).
        case gpu
        /// A device-DAX instance (`sys/bus/dax/devices`).
        case dax
        /// An RDMA device (`sys/class/infiniband`: InfiniBand, RoCE, iWARP).
        case rdma
        /// A processing accelerator or co-processor (PCI class 0x12, 0x0b40).
        case accelerator
        /// Any other PCI function that is not a bridge.
        case pci
    }

    /// One device.
    public struct Device: Sendable, Equatable {
        /// What the device is.
        public var kind: Kind
        /// The kernel's name: `eth0`, `nvme0n1`, `card0`, `dax0.0`, or the PCI
        /// address for ``Kind/pci``.
        public var name: String
        /// The device's folder, relative to the root (`sys/devices/…`).
        public var path: String
        /// The PCI function the device is (or hangs off): `0000:3b:00.0`.
        public var pciAddress: String?
        /// That function's class code, 24 bits (`0x020000` is an Ethernet controller).
        public var pciClass: UInt32?
        /// The class's name from `pci.ids` (`Ethernet controller`), when a
        /// `pci.ids` could be read.
        public var className: String?
        /// The vendor and device names from `pci.ids`.
        public var model: String?
        /// The node the kernel attaches it to; nil when it does not know.
        public var node: Int?
        /// The `numa_node` file that was read, relative to the root; nil when
        /// no folder from the device up has one.
        public var nodeFile: String?
        /// How ``node`` was found (or why not).
        public var placement: DevicePlacement.Source = .unknown(numaNode: nil, localCPUs: nil)

        /// A device; what is not given is unknown.
        public init(
            kind: Kind, name: String, path: String, pciAddress: String? = nil, pciClass: UInt32? = nil,
            className: String? = nil, model: String? = nil, node: Int? = nil, nodeFile: String? = nil
        ) {
            self.kind = kind
            self.name = name
            self.path = path
            self.pciAddress = pciAddress
            self.pciClass = pciClass
            self.className = className
            self.model = model
            self.node = node
            self.nodeFile = nodeFile
        }
    }

    /// Every device found, ordered by node (unknown last), kind and name.
    public var devices: [Device]

    /// An inventory of the given devices, in the given order.
    public init(devices: [Device]) {
        self.devices = devices
    }

    /// The devices attached to `node`.
    public func devices(onNode node: Int) -> [Device] {
        devices.filter { $0.node == node }
    }

    /// The devices whose node the kernel does not know.
    public var withoutNode: [Device] {
        devices.filter { $0.node == nil }
    }

    /// Reads the devices under `root`.
    ///
    /// - Parameters:
    ///   - root: the system or snapshot to read `sys/` from.
    ///   - names: class, vendor and device names; by default the `pci.ids`
    ///     of the root, else of the running system, if any.
    ///   - topology: the nodes and their CPUs, for devices placed by their
    ///     local CPUs; read from `root` when not given.
    public static func read(from root: SystemRoot, names: PCIIDs? = nil, topology: Topology? = nil) -> DeviceInventory {
        let nodeCPUs = (topology ?? Topology.load(from: root, options: [.skipDistances, .skipMemory])).nodes.map {
            (id: $0.id, cpus: $0.cpus)
        }
        var found: [Device] = []
        // Vendor and device ids by device path: names are looked up once
        // every device is known, for those ids only (``PCIIDs/Wanted``).
        var modelIDs: [String: (vendor: UInt32, device: UInt32)] = [:]
        var claimed = Set<String>()

        func entry(_ kind: Kind, _ name: String, _ path: String) -> Device {
            let pci = pciFunction(in: path)
            var device = Device(kind: kind, name: name, path: path, pciAddress: pci?.address)
            if let pci {
                device.pciClass = hex(root.readAttribute("\(pci.path)/class", limit: 64))
                if let vendor = hex(root.readAttribute("\(pci.path)/vendor", limit: 64)),
                    let model = hex(root.readAttribute("\(pci.path)/device", limit: 64))
                {
                    modelIDs[path] = (vendor, model)
                }
            }
            device.nodeFile = DevicePlacement.numaNodeFile(from: path, root: root)
            (device.node, device.placement) = DevicePlacement.place(path, root: root, nodes: nodeCPUs)
            return device
        }

        /// The class devices of `folder`, canonical and not virtual.
        /// A snapshot may hold a PCI function's folder in `sys/bus/pci/devices`
        /// itself rather than a link into `sys/devices`: `own` keeps those.
        func members(_ folder: String, own: Bool = false, _ keep: (String) -> Bool = { _ in true }) -> [(String, String)] {
            var result: [(String, String)] = []
            for name in (root.list(folder) ?? []).sorted() where keep(name) {
                guard let path = SysfsDevice.canonical("\(folder)/\(name)", root: root),
                    (path.hasPrefix("sys/devices/") && !path.hasPrefix("sys/devices/virtual/"))
                        || (own && path == "\(folder)/\(name)")
                else { continue }
                result.append((name, path))
            }
            return result
        }

        for (name, path) in members("sys/class/net") {
            found.append(entry(.network, name, path))
        }
        for (name, path) in members("sys/class/block") where root.readAttribute("\(path)/partition", limit: 64) == nil {
            found.append(entry(.block, name, path))
        }
        for (name, path) in members("sys/class/drm", { $0.hasPrefix("card") && Int(decimal: $0.dropFirst(4)) != nil }) {
            found.append(entry(.gpu, name, path))
        }
        for (name, path) in members("sys/bus/dax/devices") {
            found.append(entry(.dax, name, path))
        }
        for (name, path) in members("sys/class/infiniband") {
            found.append(entry(.rdma, name, path))
        }
        for device in found { if let address = device.pciAddress { claimed.insert(address) } }
        // Every other PCI function, by class, whether or not a driver is bound.
        for (name, path) in members("sys/bus/pci/devices", own: true) where !claimed.contains(name) {
            var device = entry(.pci, name, path)
            guard let code = device.pciClass, !plumbing.contains(UInt8(truncatingIfNeeded: code >> 16)) else { continue }
            device.kind = kind(ofClass: code)
            found.append(device)
        }

        PCIIDs.name(&found, modelIDs: modelIDs, names: names, root: root)

        let order = Dictionary(uniqueKeysWithValues: Kind.allCases.enumerated().map { ($1, $0) })
        found.sort { a, b in
            if a.node != b.node { return (a.node ?? Int.max) < (b.node ?? Int.max) }
            if a.kind != b.kind { return order[a.kind]! < order[b.kind]! }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        return DeviceInventory(devices: found)
    }

    /// The kind of an unclaimed PCI function by its class: display
    /// controllers (0x03) are GPUs, processing accelerators (0x12) and
    /// co-processors (0x0b40) accelerators, InfiniBand controllers (0x0207)
    /// RDMA devices; anything else ``Kind/pci``.
    public static func kind(ofClass code: UInt32) -> Kind {
        switch code >> 8 {
        case 0x0300...0x03ff: .gpu
        case 0x1200...0x12ff, 0x0b40: .accelerator
        case 0x0207: .rdma
        default: .pci
        }
    }

    /// PCI classes of the platform's own plumbing, not listed as devices:
    /// memory controllers (0x05), bridges (0x06), system peripherals such as
    /// DMA engines and I/O APICs (0x08), and performance counters (0x11).
    public static let plumbing: Set<UInt8> = [0x05, 0x06, 0x08, 0x11]

    /// The nearest PCI function in a device path (`0000:00:1c.0/0000:03:00.0/net/eth0`
    /// gives `0000:03:00.0`), with its folder.
    static func pciFunction(in path: String) -> (address: String, path: String)? {
        let components = path.split(separator: "/")
        for index in components.indices.reversed() where isPCIAddress(components[index]) {
            return (String(components[index]), components[...index].joined(separator: "/"))
        }
        return nil
    }

    /// `DDDD:BB:DD.F` in hexadecimal.
    static func isPCIAddress(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 12, bytes[4] == UInt8(ascii: ":"), bytes[7] == UInt8(ascii: ":"), bytes[10] == UInt8(ascii: ".")
        else { return false }
        return [0, 1, 2, 3, 5, 6, 8, 9, 11].allSatisfy { isHexDigit(bytes[$0]) }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    /// A sysfs hex attribute (`0x020000\n`).
    static func hex(_ bytes: [UInt8]?) -> UInt32? {
        guard let bytes else { return nil }
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = text.last, last == "\n" || last == " " { text = text.dropLast() }
        if text.hasPrefix("0x") { text = text.dropFirst(2) }
        guard !text.isEmpty, text.count <= 8 else { return nil }
        return UInt32(text, radix: 16)
    }
}
