/// Resolves the device forms of `<nodes>` to the nodes a device is attached to.
///
/// - `netdev:DEV`: a network interface (`/sys/class/net/DEV`).
/// - `block:DEV`: a block device (`/sys/class/block/DEV`).
/// - `file:PATH`: the device holding a file, or the device a device node names
///   (block or character).
/// - `pci:[SEG:]BUS:DEV[.FN]`: a PCI function, in hexadecimal.
/// - `ip:HOST`: the interface the route to a host (name or address) leaves by.
///
/// The corresponding libnuma function is `resolve_affinity`.
public enum DeviceAffinity {
    /// The nodes the device named by `spec` is attached to, read under `root`.
    ///
    /// - Parameters:
    ///   - spec: a device form with its prefix, such as `netdev:eth0` or
    ///     `pci:0000:3b:00.0`.
    ///   - root: where `sys/` is read (and `proc/net/` for `ip:`).
    /// - Throws: ``NUMAError`` when the spec is malformed, the device does not
    ///   exist, or its node cannot be read or is not known to the kernel.
    public static func nodes(for spec: String, root: SystemRoot) throws(NUMAError) -> NodeSet {
        guard let colon = spec.firstIndex(of: ":") else {
            throw NUMAError(.invalidArgument, "'\(spec)' is not a device")
        }
        let kind = spec[..<colon]
        let rest = String(spec[spec.index(after: colon)...])
        switch kind {
        case "netdev": return try classDevice("net", rest, root: root)
        case "block": return try classDevice("block", rest, root: root)
        case "pci": return try pci(rest, root: root)
        case "file": return try file(rest, root: root)
        case "ip": return try ip(rest, root: root)
        default: throw NUMAError(.invalidArgument, "unknown device kind '\(kind):'")
        }
    }

    static func classDevice(_ deviceClass: String, _ name: String, root: SystemRoot) throws(NUMAError) -> NodeSet {
        let device = name.drop { $0 == " " || $0 == "\t" }
        guard !device.isEmpty, !device.contains("/"), !device.contains(".") else {
            throw NUMAError(.invalidArgument, "invalid \(deviceClass) device name '\(name)'")
        }
        let label = deviceClass == "net" ? "network interface" : "\(deviceClass) device"
        let folder = "sys/class/\(deviceClass)/\(device)"
        // The folder as the root's own links lead (a snapshot's absolute links
        // point into the snapshot, not into this machine's /sys).
        guard root.isDirectory(SysfsDevice.canonical(folder, root: root) ?? folder) else {
            throw NUMAError(.notAllowed, "no \(label) '\(device)' (\(folder))")
        }
        let what = "\(label) '\(device)'"
        return try numaNode(try nodeFile(of: folder, fallbacks: ["\(folder)/device/numa_node"], what: what, root: root),
                            what: what, root: root)
    }

    /// The `numa_node` file that tells the node of the device at `folder`:
    /// the device's own, or that of the first folder above it that has one
    /// (a virtio NIC's node is on its PCI function), up to `sys/devices`. A
    /// `fallbacks` file that can be read serves when the walk finds none (a
    /// snapshot whose class folders are copies, not links).
    static func nodeFile(of folder: String, fallbacks: [String], what: String, root: SystemRoot) throws(NUMAError) -> String {
        let device = SysfsDevice.canonical(folder, root: root)
        if let device, let file = SysfsDevice.nodeFile(above: device, root: root) { return file }
        for candidate in fallbacks where root.readAttribute(candidate) != nil { return candidate }
        throw NUMAError(.notAllowed, "cannot read the NUMA node of \(what): no numa_node in \(device ?? folder) or a folder above it")
    }

    static func pci(_ address: String, root: SystemRoot) throws(NUMAError) -> NodeSet {
        let invalid = NUMAError(.invalidArgument, "invalid PCI address '\(address)': expected [segment:]bus:device[.function] in hex")
        var text = Substring(address)
        var function = 0
        if let dot = text.lastIndex(of: ".") {
            guard let value = plainHex(text[text.index(after: dot)...]), value < 8 else { throw invalid }
            function = value
            text = text[..<dot]
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { plainHex($0) }
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0 != nil }) else { throw invalid }
        let numbers = parts.compactMap { $0 }
        let segment = numbers.count == 3 ? numbers[0] : 0
        let bus = numbers[numbers.count - 2]
        let device = numbers[numbers.count - 1]
        guard segment <= 0xffff, bus <= 0xff, device <= 0x1f else { throw invalid }
        let name = hex(segment, 4) + ":" + hex(bus, 2) + ":" + hex(device, 2) + "." + String(function)
        guard root.isDirectory("sys/bus/pci/devices/\(name)") else {
            throw NUMAError(.notAllowed, "no PCI device \(name) (sys/bus/pci/devices/\(name))")
        }
        return try numaNode("sys/bus/pci/devices/\(name)/numa_node", what: "PCI device \(name)", root: root)
    }

    static func file(_ path: String, root: SystemRoot) throws(NUMAError) -> NodeSet {
        let info: Syscalls.DeviceNumber
        switch Syscalls.deviceOf(path) {
        case .success(let value): info = value
        case .failure(let error): throw NUMAError(.notAllowed, "cannot stat file '\(path)'", errno: error)
        }
        let kind = info.isCharacterDevice ? "char" : "block"
        let folder = "sys/dev/\(kind)/\(info.major):\(info.minor)"
        guard root.isDirectory(folder) else {
            throw NUMAError(.notAllowed, "'\(path)' is on device \(info.major):\(info.minor), which sysfs does not list (\(folder))")
        }
        // A partition's folder is inside its disk's, so the walk up finds the
        // disk's device; without links, its numa_node is one folder up.
        let what = "the device of '\(path)' (\(info.major):\(info.minor))"
        let file = try nodeFile(
            of: folder, fallbacks: ["\(folder)/device/numa_node", "\(folder)/../device/numa_node"], what: what, root: root)
        return try numaNode(file, what: what, root: root)
    }

    static func ip(_ host: String, root: SystemRoot) throws(NUMAError) -> NodeSet {
        let address: Syscalls.IPAddress
        switch Syscalls.resolveHost(host) {
        case .success(let value): address = value
        case .failure(let failure): throw NUMAError(.notAllowed, "cannot resolve '\(host)': \(failure.message)")
        }
        guard let interface = Routes.interface(for: address, root: root) else {
            throw NUMAError(.notAllowed, "no route to '\(host)' in proc/net/route or proc/net/ipv6_route")
        }
        return try classDevice("net", interface, root: root)
    }

    /// Reads a `numa_node` file: the node(s), or an error when the kernel does not know.
    static func numaNode(_ path: String, what: String, root: SystemRoot) throws(NUMAError) -> NodeSet {
        switch SysfsDevice.readNode(path, root: root) {
        case .nodes(let nodes): return nodes
        case .unknown(let value):
            throw NUMAError(.notAllowed, "the kernel does not know the NUMA node of \(what) (\(path) is \(escapedForDisplay(value)))")
        case .unreadable:
            throw NUMAError(.notAllowed, "cannot read the NUMA node of \(what) (\(path))")
        case .invalid(let token):
            throw NUMAError(.notAllowed, "cannot parse the NUMA node of \(what) in \(path): '\(escapedForDisplay(token))'")
        }
    }

    /// Hexadecimal digits only (no sign, no prefix), at most 8 of them, or nil.
    private static func plainHex(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 8, text.utf8.allSatisfy({ hexDigit($0, radix: 16) != nil }) else { return nil }
        return Int(text, radix: 16)
    }

    private static func hex(_ value: Int, _ width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Route lookup through `/proc/net/route` and `/proc/net/ipv6_route`: the
/// interface of the longest matching prefix.
enum Routes {
    static func interface(for address: Syscalls.IPAddress, root: SystemRoot) -> String? {
        switch address {
        case .v4(let bytes): ipv4(bytes, root: root)
        case .v6(let bytes): ipv6(bytes, root: root)
        }
    }

    /// `/proc/net/route` writes destination and mask as little-endian hex words.
    static func ipv4(_ bytes: [UInt8], root: SystemRoot) -> String? {
        if bytes.first == 127 { return "lo" }
        guard let text = root.readText("proc/net/route") else { return nil }
        let target = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        var best: (String, Int)?
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 8, let destination = UInt32(fields[1], radix: 16),
                let mask = UInt32(fields[7], radix: 16), target & mask == destination
            else { continue }
            let length = mask.nonzeroBitCount
            if length > best?.1 ?? -1 { best = (String(fields[0]), length) }
        }
        return best?.0
    }

    /// `/proc/net/ipv6_route`: destination, prefix length, ..., interface last.
    static func ipv6(_ bytes: [UInt8], root: SystemRoot) -> String? {
        guard let text = root.readText("proc/net/ipv6_route") else { return nil }
        var best: (String, Int)?
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 10, fields[0].count == 32, let length = Int(fields[1], radix: 16), length <= 128
            else { continue }
            let destination = stride(from: 0, to: 32, by: 2).compactMap { offset -> UInt8? in
                let start = fields[0].index(fields[0].startIndex, offsetBy: offset)
                return UInt8(fields[0][start..<fields[0].index(start, offsetBy: 2)], radix: 16)
            }
            guard destination.count == 16, prefixMatches(bytes, destination, length) else { continue }
            let name = String(fields[fields.count - 1])
            if length > best?.1 ?? -1 { best = (name, length) }
        }
        return best?.0
    }

    static func prefixMatches(_ a: [UInt8], _ b: [UInt8], _ length: Int) -> Bool {
        var remaining = length
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if a[index] & mask != b[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
