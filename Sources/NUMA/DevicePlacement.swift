/// Which node a device is attached to, found as lstopo finds it when the
/// kernel's `numa_node` says nothing.
///
/// 1. The first `numa_node` from the device's folder up that names a node.
/// 2. Else the device's local CPUs (`local_cpulist`, else the `local_cpus`
///    mask, from its folder up): the node whose CPUs hold them all. A PCI
///    function on a machine whose firmware gives no proximity for it still
///    has local CPUs; hwloc attaches it to the smallest object holding them.
///    Local CPUs spanning several nodes name none of them.
/// 3. Else, on a machine with one node, that node: there is nowhere else the
///    device can be, whatever `numa_node` says (the kernel writes -1 when the
///    firmware has no NUMA information at all).
public enum DevicePlacement {
    /// How a device's node was found.
    public enum Source: Sendable, Equatable {
        /// A `numa_node` file named it (the file, relative to the root).
        case numaNode(String)
        /// The device's local CPUs are all on the node (the file read).
        case localCPUs(String, CPUSet)
        /// The machine has one node.
        case onlyNode
        /// Not found. `numaNode` is the `numa_node` file that said -1, if
        /// any; `localCPUs` the local CPUs that span several nodes, if any.
        case unknown(numaNode: String?, localCPUs: CPUSet?)
    }

    /// The node of the device whose folder is `path` (relative to the
    /// root, canonical) and how it was found.
    ///
    /// - Parameters:
    ///   - path: the device's folder, relative to the root and canonical.
    ///   - root: the system or snapshot the device is read from.
    ///   - nodes: each node's id and CPUs, as the topology gives them.
    public static func place(_ path: String, root: SystemRoot, nodes: [(id: Int, cpus: CPUSet)]) -> (node: Int?, source: Source) {
        let file = numaNodeFile(from: path, root: root)
        if let file, case .nodes(let found) = SysfsDevice.readNode(file, root: root), let first = found.first {
            return (first, .numaNode(file))
        }
        var spanning: CPUSet?
        if let (localFile, cpus) = localCPUs(from: path, root: root), !cpus.isEmpty {
            let holding = nodes.filter { !$0.cpus.isEmpty && cpus.isSubset(of: $0.cpus) }
            if holding.count == 1 { return (holding[0].id, .localCPUs(localFile, cpus)) }
            spanning = cpus
        }
        if nodes.count == 1 { return (nodes[0].id, .onlyNode) }
        return (nil, .unknown(numaNode: file, localCPUs: spanning))
    }

    /// The first `numa_node` file from `path` up (the folder itself
    /// included, even outside `sys/devices`, as the PCI functions of
    /// `sys/bus/pci/devices` are in some snapshots).
    static func numaNodeFile(from path: String, root: SystemRoot) -> String? {
        if !path.hasPrefix("sys/devices/"), root.readAttribute("\(path)/numa_node", limit: 4096) != nil {
            return "\(path)/numa_node"
        }
        return SysfsDevice.nodeFile(above: path, root: root)
    }

    /// The local CPUs of the nearest folder from `path` up that has
    /// `local_cpulist` or `local_cpus`, with the file read.
    static func localCPUs(from path: String, root: SystemRoot) -> (String, CPUSet)? {
        var folder = Substring(path)
        var first = true
        while first || folder.hasPrefix("sys/devices/") {
            first = false
            if let bytes = root.readAttribute("\(folder)/local_cpulist", limit: 1 << 16),
                let cpus = CPUSet(list: String(decoding: bytes, as: UTF8.self).trimmingWhitespaceAndNUL())
            {
                return ("\(folder)/local_cpulist", cpus)
            }
            if let bytes = root.readAttribute("\(folder)/local_cpus", limit: 1 << 16), let cpus = CPUSet(maskBytes: bytes) {
                return ("\(folder)/local_cpus", cpus)
            }
            guard let slash = folder.lastIndex(of: "/") else { break }
            folder = folder[..<slash]
        }
        return nil
    }
}
