/// Names of PCI classes, vendors and devices from the `pci.ids` database
/// (Debian's hwdata or pci.ids package).
///
/// The file is about 1.4 MB and read only when a device needs a name. It is
/// read in pieces, keeping the names of the ids asked for
/// (``Wanted``): a planted file costs time in proportion to its size (up to
/// ``sizeLimit``) and memory in proportion to the names kept.
public struct PCIIDs: Sendable, Equatable {
    /// Class names by class and subclass (`0x0200`), and by class alone (`0x02`).
    var subclasses: [UInt16: String] = [:]
    var classes: [UInt8: String] = [:]
    var vendors: [UInt16: String] = [:]
    var devices: [UInt32: String] = [:]

    /// Where `pci.ids` is looked for, relative to a root.
    public static let locations = ["usr/share/hwdata/pci.ids", "usr/share/misc/pci.ids"]

    /// The largest `pci.ids` read: 16 MiB, about ten times today's file.
    public static let sizeLimit = 16 << 20

    /// The ids whose names are kept; nil sets keep every name.
    public struct Wanted: Sendable, Equatable {
        /// 24-bit class codes (`0x020000`): their class's and subclass's names.
        public var classes: Set<UInt32>?
        /// Vendor ids.
        public var vendors: Set<UInt16>?
        /// Vendor and device ids, `vendor << 16 | device`.
        public var devices: Set<UInt32>?

        /// Every name.
        public static let everything = Wanted(classes: nil, vendors: nil, devices: nil)

        /// The names of the given classes and vendor and device pairs.
        public init(classes: Set<UInt32>?, vendors: Set<UInt16>?, devices: Set<UInt32>?) {
            self.classes = classes
            self.vendors = vendors
            self.devices = devices
            classBytes = classes.map { Set($0.map { UInt8(truncatingIfNeeded: $0 >> 16) }) }
            subclassKeys = classes.map { Set($0.map { UInt16(truncatingIfNeeded: $0 >> 8) }) }
        }

        private var classBytes: Set<UInt8>?
        private var subclassKeys: Set<UInt16>?

        func wantsClass(_ id: UInt8) -> Bool { classBytes?.contains(id) ?? true }
        func wantsSubclass(_ id: UInt16) -> Bool { subclassKeys?.contains(id) ?? true }
        func wantsVendor(_ id: UInt16) -> Bool { vendors?.contains(id) ?? true }
        func wantsDevice(_ id: UInt32) -> Bool { devices?.contains(id) ?? true }
    }

    /// The database of `root`, else of the running system; nil when neither has one.
    public static func load(for root: SystemRoot, wanted: Wanted = .everything) -> PCIIDs? {
        let roots = root.isLive ? [root] : [root, SystemRoot.live]
        for candidate in roots {
            for location in locations {
                var parser = Parser(wanted: wanted)
                let result = candidate.stream(location, limit: sizeLimit) { parser.feed($0) }
                if case .success = result {
                    parser.finish()
                    return parser.names
                }
            }
        }
        return nil
    }

    /// Parses the text of a `pci.ids` file, keeping every name.
    public init(parsing bytes: [UInt8]) {
        var parser = Parser(wanted: .everything)
        parser.feed(bytes[...])
        parser.finish()
        self = parser.names
    }

    init() {}

    /// Fills in the class and model names of `devices` (PCI ids of models
    /// by device path), from `names` or else from the root's `pci.ids`,
    /// read only when some device has a PCI function and only for its ids.
    static func name(
        _ devices: inout [DeviceInventory.Device], modelIDs: [String: (vendor: UInt32, device: UInt32)], names: PCIIDs?,
        root: SystemRoot
    ) {
        let classes = Set(devices.compactMap(\.pciClass))
        guard !classes.isEmpty || !modelIDs.isEmpty else { return }
        var vendors = Set<UInt16>()
        var models = Set<UInt32>()
        for ids in modelIDs.values where ids.vendor <= 0xffff && ids.device <= 0xffff {
            vendors.insert(UInt16(ids.vendor))
            models.insert(ids.vendor << 16 | ids.device)
        }
        guard let names = names ?? load(for: root, wanted: Wanted(classes: classes, vendors: vendors, devices: models))
        else { return }
        for index in devices.indices {
            devices[index].className = devices[index].pciClass.flatMap { names.className($0) }
            if let ids = modelIDs[devices[index].path] {
                devices[index].model = names.model(vendor: ids.vendor, device: ids.device)
            }
        }
    }

    /// A line-by-line reader that takes the file in pieces.
    struct Parser {
        let wanted: Wanted
        var names = PCIIDs()
        var inClasses = false
        var vendor: UInt16?
        var currentClass: UInt8?
        /// The start of a line cut by the end of a piece (at most one line:
        /// a line longer than 4 KiB is skipped, since no real one is).
        var carry: [UInt8] = []
        var skippingLongLine = false

        init(wanted: Wanted) { self.wanted = wanted }

        mutating func feed(_ piece: ArraySlice<UInt8>) {
            var start = piece.startIndex
            while let newline = piece[start...].firstIndex(of: 0x0A) {
                if skippingLongLine {
                    skippingLongLine = false
                } else if carry.isEmpty {
                    line(piece[start..<newline])
                } else {
                    carry.append(contentsOf: piece[start..<newline])
                    line(carry[...])
                }
                carry.removeAll(keepingCapacity: true)
                start = newline + 1
            }
            guard !skippingLongLine else { return }
            carry.append(contentsOf: piece[start...])
            if carry.count > 4096 {
                carry.removeAll(keepingCapacity: true)
                skippingLongLine = true
            }
        }

        mutating func finish() {
            if !carry.isEmpty, !skippingLongLine { line(carry[...]) }
            carry.removeAll()
        }

        mutating func line(_ line: ArraySlice<UInt8>) {
            guard let first = line.first, first != UInt8(ascii: "#") else { return }
            let tabs = line.prefix { $0 == 0x09 }.count
            let body = line.dropFirst(tabs)
            if tabs == 0 {
                inClasses = first == UInt8(ascii: "C") && body.count > 2 && body[body.startIndex + 1] == 0x20
                if inClasses {
                    currentClass = nil
                    if let id = PCIIDs.hexID(body.dropFirst(2), digits: 2) {
                        currentClass = UInt8(id)
                        if wanted.wantsClass(UInt8(id)), let name = PCIIDs.entry(body.dropFirst(2), digits: 2)?.1 {
                            names.classes[UInt8(id)] = name
                        }
                    }
                    vendor = nil
                } else if let id = PCIIDs.hexID(body, digits: 4) {
                    vendor = UInt16(id)
                    if wanted.wantsVendor(UInt16(id)), let name = PCIIDs.entry(body, digits: 4)?.1 {
                        names.vendors[UInt16(id)] = name
                    }
                } else {
                    vendor = nil
                }
            } else if tabs == 1 {
                if inClasses, let currentClass, let id = PCIIDs.hexID(body, digits: 2) {
                    let key = UInt16(currentClass) << 8 | UInt16(id)
                    if wanted.wantsSubclass(key), let name = PCIIDs.entry(body, digits: 2)?.1 { names.subclasses[key] = name }
                } else if let vendor, let id = PCIIDs.hexID(body, digits: 4) {
                    let key = UInt32(vendor) << 16 | id
                    if wanted.wantsDevice(key), let name = PCIIDs.entry(body, digits: 4)?.1 { names.devices[key] = name }
                }
            }
        }
    }

    /// The hex id at the start of `hhhh  Name`, without making the name.
    static func hexID(_ text: ArraySlice<UInt8>, digits: Int) -> UInt32? {
        guard text.count > digits + 1, text[text.startIndex + digits] == 0x20 else { return nil }
        var id: UInt32 = 0
        for byte in text.prefix(digits) {
            guard DeviceInventory.isHexDigit(byte) else { return nil }
            let value = byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x61 + 10
            id = id << 4 | UInt32(value)
        }
        return id
    }

    /// `hhhh  Name`: the hex id and the name after the blanks.
    static func entry(_ text: ArraySlice<UInt8>, digits: Int) -> (UInt32, String)? {
        guard let id = hexID(text, digits: digits) else { return nil }
        let name = text.dropFirst(digits).drop { $0 == 0x20 }
        guard !name.isEmpty else { return nil }
        return (id, String(decoding: name, as: UTF8.self))
    }

    /// The name of a 24-bit class code: its subclass's, else its class's.
    public func className(_ code: UInt32) -> String? {
        subclasses[UInt16(truncatingIfNeeded: code >> 8)] ?? classes[UInt8(truncatingIfNeeded: code >> 16)]
    }

    /// `Vendor Device`, or the vendor's name alone when the device is not listed.
    public func model(vendor: UInt32, device: UInt32) -> String? {
        guard vendor <= 0xffff, device <= 0xffff, let vendorName = vendors[UInt16(vendor)] else { return nil }
        guard let deviceName = devices[vendor << 16 | device] else { return vendorName }
        return "\(vendorName) \(deviceName)"
    }
}
