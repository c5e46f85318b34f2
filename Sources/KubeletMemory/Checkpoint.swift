/// The memory manager's checkpoint (`memory_manager_state`), in every format
/// the kubelet writes:
///
/// - v1 (Kubernetes 1.21 and later): `policyName`, `machineState`, `entries`, `checksum`;
/// - v2: v1 plus `podEntries` (pod-level blocks);
/// - v3: the v1 fields kept for older kubelets, plus `data` (the whole state
///   as a JSON string) and `dataChecksum` over it.
///
/// Checksums are verified as the kubelet verifies them: FNV-1a (32 bits) of
/// the Go `spew` rendering (`%#v`) of the checkpoint with its checksum set
/// to zero (``goRendering``), or of `data` for v3.
public struct Checkpoint: Hashable, Sendable {
    public enum Format: String, Hashable, Sendable {
        case v1, v2, v3
    }

    public var format: Format
    public var policyName: String
    public var machineState: MachineState
    /// Container blocks, by pod then container name.
    public var entries: [ContainerBlocks]
    /// Pod-level blocks (v2, v3), by pod.
    public var podEntries: [(pod: String, blocks: [MemoryBlock])]
    /// The checksum the file holds (`checksum`, or `dataChecksum` for v3).
    public var storedChecksum: UInt64
    /// The checksum computed from the content.
    public var computedChecksum: UInt64
    /// For v3, whether the legacy `checksum` (what older kubelets check) also holds.
    public var legacyChecksumValid: Bool?

    /// Whether the format's own checksum holds (a zero v1 checksum is
    /// accepted, as the kubelet that knows several formats does).
    public var checksumValid: Bool {
        storedChecksum == computedChecksum || (format != .v3 && storedChecksum == 0)
    }

    /// The top-level `checksum` field (for v1 and v2 the stored checksum;
    /// for v3 the legacy one).
    public var topLevelChecksum: UInt64 = 0
    /// FNV-1a of the v1 rendering of the top-level fields: what a kubelet
    /// reading the v1 format computes, whatever else the file holds.
    public var v1Checksum: UInt64 = 0
    /// FNV-1a of the v2 rendering (with `podEntries`) of the top-level fields.
    public var v2Checksum: UInt64 = 0
    /// For v3, the state its top-level v1 fields hold: what a kubelet that
    /// reads only v1 restores.
    public var v1View: (policyName: String, machineState: MachineState, entries: [ContainerBlocks])?

    /// How a release reads this file.
    public struct Reading: Hashable, Sendable {
        /// The format the kubelet reads the file as.
        public var readAs: Format
        /// Whether the checksum holds as that release verifies it.
        public var checksumHolds: Bool
        /// Why it does not, or what is worth knowing, in swnuma's words.
        public var explanation: String?
    }

    /// How the kubelet of `release` reads this file: a kubelet with
    /// `PodLevelResourceManagers` off (every release to 1.36 by default)
    /// decodes it as v1 (other fields ignored) and checks the v1 checksum;
    /// a stored 0 passes only in 1.36. With the gate on (1.36), the v2
    /// checksum is checked, falling back to v1.
    public func reading(release: KubeletRelease, podLevelGate: Bool) -> Reading {
        let stored = topLevelChecksum
        if podLevelGate, release.hasPodLevelResourceManagersGate {
            if stored == v2Checksum { return Reading(readAs: .v2, checksumHolds: true) }
            if stored == v1Checksum { return Reading(readAs: .v1, checksumHolds: true, explanation: "read as v1 and migrated to v2") }
            return Reading(readAs: .v2, checksumHolds: false, explanation: "the checksum \(stored) matches neither the v2 rendering (\(v2Checksum)) nor the v1 one (\(v1Checksum))")
        }
        if stored == v1Checksum {
            return Reading(readAs: .v1, checksumHolds: true,
                explanation: format == .v1 ? nil : "a \(format) file read by its v1 fields: the kubelet \(release) ignores \(format == .v2 ? "podEntries" : "data and dataChecksum")")
        }
        if stored == 0 {
            if release.acceptsZeroChecksum(podLevelGate: false) {
                return Reading(readAs: .v1, checksumHolds: true, explanation: "a checksum of 0 is accepted by the kubelet \(release) (compatibility with the old file backend)")
            }
            return Reading(readAs: .v1, checksumHolds: false, explanation: "the checksum is 0, which the kubelet \(release) refuses like any wrong checksum (only 1.36 accepts it)")
        }
        var why = "the checksum \(stored) is not \(v1Checksum), the kubelet's over the v1 fields"
        if format == .v2, stored == v2Checksum {
            why = "a v2 file (podEntries), whose checksum covers podEntries: the kubelet \(release) reads only v1\(release.hasPodLevelResourceManagersGate ? " unless PodLevelResourceManagers is on" : "")"
        } else if format == .v3 {
            why = "a v3 file whose top-level v1 checksum \(stored) is not \(v1Checksum): the kubelet \(release) reads only the v1 fields"
        }
        return Reading(readAs: .v1, checksumHolds: false, explanation: why)
    }

    public static func == (lhs: Checkpoint, rhs: Checkpoint) -> Bool {
        lhs.format == rhs.format && lhs.policyName == rhs.policyName && lhs.machineState == rhs.machineState
            && lhs.entries == rhs.entries && lhs.storedChecksum == rhs.storedChecksum
            && lhs.podEntries.map(\.pod) == rhs.podEntries.map(\.pod) && lhs.podEntries.map(\.blocks) == rhs.podEntries.map(\.blocks)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(format)
        hasher.combine(policyName)
        hasher.combine(storedChecksum)
    }

    /// The largest checkpoint file read: 4 MiB. A node's checkpoint holds a
    /// few hundred bytes per container (1,000 pods of 10 containers with
    /// two blocks each come to about 3 MB); reading one costs about 30 times
    /// its size in memory, so this also bounds the memory a planted file costs.
    public static let sizeLimit = 4 << 20

    /// Reads a checkpoint file's bytes.
    public static func parse(_ bytes: [UInt8]) throws(CheckpointError) -> Checkpoint {
        let json = try CheckpointError.object(bytes, of: "the memory manager checkpoint")
        if let data = json["data"] {
            guard case .string(let text) = data else { throw CheckpointError("json: cannot unmarshal data: not a string") }
            let stored = try unsigned(json["dataChecksum"] ?? .number("0"), field: "dataChecksum")
            let inner: JSONDocument
            do {
                inner = try JSONDocument.parse(Array(text.utf8))
            } catch {
                throw CheckpointError("failed to deserialize memory manager checkpoint data: \(error.description)")
            }
            var checkpoint = try decode(inner, format: .v3)
            checkpoint.storedChecksum = stored
            checkpoint.computedChecksum = UInt64(fnv1a32("(string)" + text))
            let legacyStored = try unsigned(json["checksum"] ?? .number("0"), field: "checksum")
            let legacy = try goRendering(json, withPodEntries: false)
            checkpoint.legacyChecksumValid = legacyStored == 0 || legacyStored == UInt64(fnv1a32(legacy))
            checkpoint.topLevelChecksum = legacyStored
            checkpoint.v1Checksum = UInt64(fnv1a32(legacy))
            checkpoint.v2Checksum = UInt64(fnv1a32(try goRendering(json, withPodEntries: true)))
            let outer = try decode(json, format: .v1)
            checkpoint.v1View = (outer.policyName, outer.machineState, outer.entries)
            return checkpoint
        }
        let format: Format = json["podEntries"] == nil ? .v1 : .v2
        var checkpoint = try decode(json, format: format)
        checkpoint.storedChecksum = try unsigned(json["checksum"] ?? .number("0"), field: "checksum")
        checkpoint.computedChecksum = UInt64(fnv1a32(try goRendering(json, withPodEntries: format == .v2)))
        checkpoint.topLevelChecksum = checkpoint.storedChecksum
        checkpoint.v1Checksum = format == .v1 ? checkpoint.computedChecksum : UInt64(fnv1a32(try goRendering(json, withPodEntries: false)))
        checkpoint.v2Checksum = format == .v2 ? checkpoint.computedChecksum : UInt64(fnv1a32(try goRendering(json, withPodEntries: true)))
        return checkpoint
    }

    static func decode(_ json: JSONDocument, format: Format) throws(CheckpointError) -> Checkpoint {
        var policy = ""
        if let value = json["policyName"] {
            switch value {
            case .string(let text): policy = text
            case .null: break
            default: throw CheckpointError("json: cannot unmarshal policyName into a string")
            }
        }
        var nodes: [Int: NodeState] = [:]
        for (key, value) in try members(json["machineState"], field: "machineState") {
            guard let id = goAtoi(key).flatMap({ Int(exactly: $0) }) else {
                throw CheckpointError("json: cannot unmarshal machineState key \"\(key)\" into an int")
            }
            if value == .null { throw CheckpointError("machineState node \(id) is null") }
            var state = NodeState()
            state.numberOfAssignments = try signed(value["numberOfAssignments"] ?? .number("0"), field: "numberOfAssignments")
            for (type, table) in try members(value["memoryMap"], field: "memoryMap") {
                if table == .null { throw CheckpointError("machineState node \(id) memoryMap \(type) is null") }
                state.memoryMap[type] = MemoryTable(
                    total: try unsigned(table["total"] ?? .number("0"), field: "total"),
                    systemReserved: try unsigned(table["systemReserved"] ?? .number("0"), field: "systemReserved"),
                    allocatable: try unsigned(table["allocatable"] ?? .number("0"), field: "allocatable"),
                    reserved: try unsigned(table["reserved"] ?? .number("0"), field: "reserved"),
                    free: try unsigned(table["free"] ?? .number("0"), field: "free"))
            }
            state.cells = try ints(value["cells"], field: "cells")
            nodes[id] = state
        }
        var entries: [ContainerBlocks] = []
        for (pod, containers) in try members(json["entries"], field: "entries").sorted(by: { byteOrder($0.0, $1.0) }) {
            for (container, blocks) in try members(containers, field: "entries").sorted(by: { byteOrder($0.0, $1.0) }) {
                entries.append(ContainerBlocks(pod: pod, container: container, blocks: try memoryBlocks(blocks)))
            }
        }
        var podEntries: [(String, [MemoryBlock])] = []
        for (pod, entry) in try members(json["podEntries"], field: "podEntries").sorted(by: { byteOrder($0.0, $1.0) }) {
            podEntries.append((pod, try memoryBlocks(entry["memoryBlocks"])))
        }
        return Checkpoint(
            format: format, policyName: policy, machineState: MachineState(nodes: nodes), entries: entries, podEntries: podEntries,
            storedChecksum: 0, computedChecksum: 0, legacyChecksumValid: nil)
    }

    static func memoryBlocks(_ value: JSONDocument?) throws(CheckpointError) -> [MemoryBlock] {
        var result: [MemoryBlock] = []
        for item in try elements(value, field: "blocks") {
            var type = ""
            if case .string(let text) = item["type"] ?? .null { type = text }
            result.append(
                MemoryBlock(
                    numaAffinity: try ints(item["numaAffinity"], field: "numaAffinity"), type: type,
                    size: try unsigned(item["size"] ?? .number("0"), field: "size")))
        }
        return result
    }

    // MARK: JSON helpers (Go's decoding rules: null leaves a field empty)

    static func members(_ value: JSONDocument?, field: String) throws(CheckpointError) -> [(String, JSONDocument)] {
        switch value {
        case nil, .null?: return []
        case .object(let members)?:
            // A repeated key keeps its last value, in its first place: an
            // index by key, so that 100,000 keys cost 100,000 lookups.
            var result: [(String, JSONDocument)] = []
            var place: [String: Int] = [:]
            place.reserveCapacity(members.count)
            for (key, item) in members {
                if let index = place[key] {
                    result[index].1 = item
                } else {
                    place[key] = result.count
                    result.append((key, item))
                }
            }
            return result
        default: throw CheckpointError("json: cannot unmarshal \(field) into a map")
        }
    }

    static func elements(_ value: JSONDocument?, field: String) throws(CheckpointError) -> [JSONDocument] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?: return items
        default: throw CheckpointError("json: cannot unmarshal \(field) into a list")
        }
    }

    static func ints(_ value: JSONDocument?, field: String) throws(CheckpointError) -> [Int] {
        var result: [Int] = []
        for item in try elements(value, field: field) { result.append(try signed(item, field: field)) }
        return result
    }

    static func unsigned(_ value: JSONDocument, field: String) throws(CheckpointError) -> UInt64 {
        if value == .null { return 0 }
        guard case .number(let text) = value, let number = UInt64(text) else {
            throw CheckpointError("json: cannot unmarshal \(field) value into a uint64")
        }
        return number
    }

    static func signed(_ value: JSONDocument, field: String) throws(CheckpointError) -> Int {
        if value == .null { return 0 }
        guard case .number(let text) = value, let number = Int(text) else {
            throw CheckpointError("json: cannot unmarshal \(field) value into an int")
        }
        return number
    }

    // MARK: The Go rendering the checksum is computed over

    /// The text the kubelet hashes for a v1 or v2 checkpoint: Go's `spew`
    /// `%#v` of `*state.MemoryManagerCheckpoint` with a zero checksum, map
    /// keys sorted, nil maps and slices as `<nil>`.
    public static func goRendering(_ json: JSONDocument, withPodEntries: Bool) throws(CheckpointError) -> String {
        var out = "(*state.MemoryManagerCheckpoint){PolicyName:(string)"
        if case .string(let text) = json["policyName"] ?? .null { out += text }
        out += " MachineState:(state.NUMANodeMap)"
        out += try renderMap(json["machineState"], emptyWhenAbsent: true, sortNumeric: true) { value throws(CheckpointError) in
            if value == .null { return "<nil>" }
            var node = "<*>{NumberOfAssignments:(int)\(try signed(value["numberOfAssignments"] ?? .number("0"), field: "numberOfAssignments"))"
            node += " MemoryMap:(map[v1.ResourceName]*state.MemoryTable)"
            node += try renderMap(value["memoryMap"], emptyWhenAbsent: false, sortNumeric: false) { table throws(CheckpointError) in
                if table == .null { return "<nil>" }
                var text = "<*>{"
                var first = true
                for (name, key) in [("TotalMemSize", "total"), ("SystemReserved", "systemReserved"), ("Allocatable", "allocatable"), ("Reserved", "reserved"), ("Free", "free")] {
                    text += (first ? "" : " ") + "\(name):(uint64)\(try unsigned(table[key] ?? .number("0"), field: key))"
                    first = false
                }
                return text + "}"
            }
            node += " Cells:([]int)" + (try renderInts(value["cells"], field: "cells"))
            return node + "}"
        }
        out += " Entries:(state.ContainerMemoryAssignments)"
        out += try renderMap(json["entries"], emptyWhenAbsent: true, sortNumeric: false) { containers throws(CheckpointError) in
            try renderMap(containers, emptyWhenAbsent: false, sortNumeric: false) { blocks throws(CheckpointError) in
                try renderBlocks(blocks)
            }
        }
        if withPodEntries {
            out += " PodEntries:(state.PodMemoryAssignments)"
            out += try renderMap(json["podEntries"], emptyWhenAbsent: true, sortNumeric: false) { entry throws(CheckpointError) in
                "{MemoryBlocks:([]state.Block)" + (try renderBlocks(entry["memoryBlocks"])) + "}"
            }
        }
        return out + " Checksum:(checksum.Checksum)0}"
    }

    /// A map: `map[k:v k:v]`, `<nil>` for null (and for an absent field the kubelet does not pre-fill).
    static func renderMap(
        _ value: JSONDocument?, emptyWhenAbsent: Bool, sortNumeric: Bool, _ render: (JSONDocument) throws(CheckpointError) -> String
    ) throws(CheckpointError) -> String {
        guard let value else { return emptyWhenAbsent ? "map[]" : "<nil>" }
        if value == .null { return "<nil>" }
        var items = try members(value, field: "map")
        if sortNumeric {
            var keyed: [(Int, JSONDocument)] = []
            for (key, item) in items {
                guard let id = goAtoi(key).flatMap({ Int(exactly: $0) }) else { throw CheckpointError("json: cannot unmarshal key \"\(key)\" into an int") }
                keyed.append((id, item))
            }
            items = keyed.sorted { $0.0 < $1.0 }.map { ("\($0.0)", $0.1) }
        } else {
            items.sort { byteOrder($0.0, $1.0) }
        }
        var parts: [String] = []
        for (key, item) in items { parts.append(key + ":" + (try render(item))) }
        return "map[" + parts.joined(separator: " ") + "]"
    }

    static func renderInts(_ value: JSONDocument?, field: String) throws(CheckpointError) -> String {
        guard let value, value != .null else { return "<nil>" }
        return "[" + (try ints(value, field: field)).map(String.init).joined(separator: " ") + "]"
    }

    static func renderBlocks(_ value: JSONDocument?) throws(CheckpointError) -> String {
        guard let value, value != .null else { return "<nil>" }
        var parts: [String] = []
        for item in try elements(value, field: "blocks") {
            var type = ""
            if case .string(let text) = item["type"] ?? .null { type = text }
            parts.append(
                "{NUMAAffinity:([]int)" + (try renderInts(item["numaAffinity"], field: "numaAffinity")) + " Type:(v1.ResourceName)" + type
                    + " Size:(uint64)\(try unsigned(item["size"] ?? .number("0"), field: "size"))}")
        }
        return "[" + parts.joined(separator: " ") + "]"
    }
}

/// A checkpoint the kubelet could not read.
public struct CheckpointError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// A checkpoint file's bytes as a JSON object, as the kubelet's
    /// encoding/json reads one into `what`.
    static func object(_ bytes: [UInt8], of what: String) throws(CheckpointError) -> JSONDocument {
        let json: JSONDocument
        do {
            json = try JSONDocument.parse(bytes)
        } catch {
            throw CheckpointError(error.description)
        }
        guard case .object = json else { throw CheckpointError("json: cannot unmarshal a non-object into \(what)") }
        return json
    }
}

/// Go's string order: by bytes.
func byteOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// FNV-1a, 32 bits, of the UTF-8 bytes of `text`.
public func fnv1a32(_ text: String) -> UInt32 {
    var hash: UInt32 = 0x811C_9DC5
    for byte in text.utf8 {
        hash ^= UInt32(byte)
        hash = hash &* 0x0100_0193
    }
    return hash
}
