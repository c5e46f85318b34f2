/// The memory reserved for the system on one NUMA node: one entry of the
/// kubelet's `--reserved-memory` flag or of `reservedMemory:` in its
/// configuration file.
public struct MemoryReservation: Hashable, Sendable {
    /// The NUMA node, as the kubelet keeps it (a 32-bit number).
    public var numaNode: Int32
    /// The reserved amount per resource type (`memory`, `hugepages-2Mi`), in
    /// the order given; a type repeated within one entry keeps the last value,
    /// as in the kubelet's map.
    public private(set) var limits: [(name: String, quantity: Quantity)]
    /// Where each type is in `limits`.
    private var positions: [String: Int]

    public init(numaNode: Int32, limits: [(name: String, quantity: Quantity)]) {
        self.numaNode = numaNode
        self.limits = []
        self.positions = [:]
        for limit in limits { set(limit.name, limit.quantity) }
    }

    /// Sets a type's amount, replacing an earlier one of the same type.
    public mutating func set(_ name: String, _ quantity: Quantity) {
        if let index = positions[name] {
            limits[index].quantity = quantity
        } else {
            positions[name] = limits.count
            limits.append((name, quantity))
        }
    }

    /// Removes every limit.
    mutating func removeAllLimits() {
        limits = []
        positions = [:]
    }

    /// The amount for a type, if given.
    public func limit(_ name: String) -> Quantity? {
        positions[name].map { limits[$0].quantity }
    }

    public static func == (lhs: MemoryReservation, rhs: MemoryReservation) -> Bool {
        lhs.numaNode == rhs.numaNode && lhs.limits.count == rhs.limits.count
            && lhs.limits.allSatisfy { rhs.limit($0.name) == $0.quantity }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(numaNode)
        for limit in limits.sorted(by: { $0.name < $1.name }) {
            hasher.combine(limit.name)
            hasher.combine(limit.quantity)
        }
    }
}

/// Resource names the memory manager knows.
public enum MemoryResource {
    public static let memory = "memory"
    public static let hugePagesPrefix = "hugepages-"

    /// Whether `name` names huge pages (`hugepages-` and anything after it, as the kubelet checks).
    public static func isHugePages(_ name: String) -> Bool { name.hasPrefix(hugePagesPrefix) }

    /// Whether the memory manager accepts `name` in a reservation.
    public static func isSupported(_ name: String) -> Bool { name == memory || isHugePages(name) }

    /// The resource name of huge pages of `pageSize` bytes, as the kubelet
    /// names them (`hugepages-2Mi`, `hugepages-1Gi`).
    public static func hugePages(pageSize: UInt64) -> String {
        let size = Quantity(nanos: Int128(pageSize) * Quantity.nano, format: .binarySI)
        return hugePagesPrefix + size.description
    }
}

/// A `--reserved-memory` value the kubelet refuses, with its own message.
public struct ReservedMemoryFlagError: Error, Hashable, Sendable, CustomStringConvertible {
    public var value: String
    public var description: String

    public init(value: String, description: String) {
        self.value = value
        self.description = description
    }
}

extension MemoryReservation {
    /// Parses one `--reserved-memory` value the way the kubelet's flag does:
    /// `;` between nodes, `node:type=quantity[,type=quantity...]` for each.
    ///
    /// - Returns: the reservations, in order (an empty value gives none).
    public static func parseFlag(_ value: String) throws(ReservedMemoryFlagError) -> [MemoryReservation] {
        if value.isEmpty { return [] }
        var result: [MemoryReservation] = []
        for entry in value.split(separator: ";", omittingEmptySubsequences: false).map(String.init) {
            let halves = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard halves.count == 2 else {
                throw ReservedMemoryFlagError(
                    value: value,
                    description: "the reserved memory has incorrect format, expected numaNodeID:type=quantity[,type=quantity...], got \(entry)")
            }
            guard let node = goAtoi(halves[0]) else {
                throw ReservedMemoryFlagError(
                    value: value, description: "failed to convert the NUMA node ID, exptected integer, got \(halves[0])")
            }
            var reservation = MemoryReservation(numaNode: Int32(truncatingIfNeeded: node), limits: [])
            for limit in halves[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                let pair = limit.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                guard pair.count == 2 else {
                    throw ReservedMemoryFlagError(
                        value: value, description: "the reserved limit has incorrect value, expected type=quantatity, got \(limit)")
                }
                guard MemoryResource.isSupported(pair[0]) else {
                    throw ReservedMemoryFlagError(value: value, description: "memory type conversion error, unknown type: \"\(pair[0])\"")
                }
                let quantity: Quantity
                do {
                    quantity = try Quantity.parse(pair[1])
                } catch {
                    throw ReservedMemoryFlagError(
                        value: value, description: "failed to parse the quantatity, expected quantatity, got \(pair[1])")
                }
                reservation.set(pair[0], quantity)
            }
            result.append(reservation)
        }
        return result
    }
}

/// A decimal integer as Go's `strconv.Atoi` reads it on a 64-bit machine:
/// an optional sign and digits only, within 64 bits.
func goAtoi(_ text: String) -> Int64? { goParseInt64(text.utf8) }

/// A decimal integer as Go's `strconv.ParseInt(s, 10, 64)` reads it.
func goParseInt64<Bytes: Collection>(_ bytes: Bytes) -> Int64? where Bytes.Element == UInt8 {
    var body = bytes[...]
    var negative = false
    if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
        negative = first == UInt8(ascii: "-")
        body = body.dropFirst()
    }
    guard !body.isEmpty else { return nil }
    var value: Int64 = 0
    for byte in body {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        let digit = Int64(byte - UInt8(ascii: "0"))
        let (times, o1) = value.multipliedReportingOverflow(by: 10)
        let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
        if o1 || o2 { return nil }
        value = next
    }
    return value
}
