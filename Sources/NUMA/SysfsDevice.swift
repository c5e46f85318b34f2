/// Device folders in sysfs: following class links inside a root, and finding
/// the `numa_node` that tells which node a device is attached to.
///
/// libnuma reads the `numa_node` of the PCI function a class device hangs
/// off (`/sys/class/net/eth0` links into `/sys/devices/pci…/0000:00:03.0/…`);
/// swnuma walks up from the device's own folder to the first folder that has a
/// `numa_node`, which is that PCI function for a virtio NIC or disk, the
/// NVMe controller's function for a namespace, and the NVDIMM region for a
/// pmem or DAX device.
enum SysfsDevice {
    /// What a `numa_node` file says.
    enum Reading: Equatable {
        case nodes(NodeSet)
        /// The kernel does not know (it writes -1); the text as written.
        case unknown(String)
        case unreadable
        /// A token that is not a node number.
        case invalid(String)
    }

    /// The most symbolic links followed in one path (the kernel's limit).
    static let linkLimit = 40

    /// The most path components looked at in one walk, links' targets
    /// included: a real class entry takes under 30 (`../../devices/pci…/net/eth0`);
    /// a snapshot's chain of 40 links of 4,000 bytes each would take 80,000,
    /// for each of the thousands of entries a class folder may hold.
    static let componentLimit = 256

    /// `relative` (a path under `root`, no leading slash) with every symbolic
    /// link followed, inside the root: an absolute link target starts again
    /// at the root, and `..` never climbs above it. Nil when a link loops or
    /// the walk passes ``componentLimit`` components.
    static func canonical(_ relative: String, root: SystemRoot) -> String? {
        Syscalls.canonicalPath(root: root.path, relative, linkLimit: linkLimit, componentLimit: componentLimit)?
            .joined(separator: "/")
    }

    /// The first `numa_node` file from the device folder `device` (canonical)
    /// up to, not including, `sys/devices`; nil when there is none.
    static func nodeFile(above device: String, root: SystemRoot) -> String? {
        var folder = Substring(device)
        while folder.hasPrefix("sys/devices/") {
            let file = "\(folder)/numa_node"
            if root.readAttribute(file, limit: 4096) != nil { return file }
            guard let slash = folder.lastIndex(of: "/") else { break }
            folder = folder[..<slash]
        }
        return nil
    }

    /// Reads a `numa_node` file as libnuma does: numbers separated by blanks
    /// or commas; a negative one means the kernel does not know.
    static func readNode(_ file: String, root: SystemRoot) -> Reading {
        guard let bytes = root.readAttribute(file, limit: 4096) else { return .unreadable }
        let text = String(decoding: bytes, as: UTF8.self)
        var nodes = NodeSet()
        for token in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }) {
            if token.hasPrefix("-") { return .unknown(String(token)) }
            guard let node = Int(decimal: token), node < NodeSet.limit else { return .invalid(String(token)) }
            nodes.insertID(node)
        }
        return nodes.isEmpty ? .invalid(text) : .nodes(nodes)
    }
}
