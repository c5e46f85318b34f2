public import NUMA

/// The `topology.node.k8s.io/v1alpha2` `NodeResourceTopology` object that an
/// exporter (NFD's topology-updater) publishes for a node, computed from
/// sysfs, the kubelet's settings and its two checkpoints instead of the
/// kubelet's podresources API.
public enum NodeResourceTopology {
    /// What went into the object, said on stderr.
    public struct Result: Sendable {
        public var document: JSONValue
        public var notes: [String]
    }

    /// The deprecated `topologyPolicies` value NFD derives from the policy and scope.
    public static func legacyPolicy(_ policy: String, scope: String) -> String {
        let pod = scope == "pod"
        switch policy {
        case "single-numa-node": return pod ? "SingleNUMANodePodLevel" : "SingleNUMANodeContainerLevel"
        case "restricted": return pod ? "RestrictedPodLevel" : "RestrictedContainerLevel"
        case "best-effort": return pod ? "BestEffortPodLevel" : "BestEffortContainerLevel"
        default: return "None"
        }
    }

    /// A resource quantity as the API serializes it: its canonical form.
    static func quantity(_ value: UInt64, binary: Bool) -> JSONValue {
        .string(Quantity(Int64(clamping: value), format: binary ? .binarySI : .decimalSI).description)
    }

    static func resource(_ name: String, capacity: UInt64, allocatable: UInt64, available: UInt64, binary: Bool) -> JSONValue {
        .object([
            ("name", .string(name)),
            ("capacity", quantity(capacity, binary: binary)),
            ("allocatable", quantity(min(allocatable, capacity), binary: binary)),
            ("available", quantity(min(available, allocatable, capacity), binary: binary)),
        ])
    }

    /// The node's name: `--hostname-override` is not read; the root's
    /// hostname, lowercased as the kubelet does.
    public static func nodeName(root: SystemRoot) -> String {
        let name = root.readText("proc/sys/kernel/hostname").map { goTrimSpace($0).lowercased() } ?? ""
        return name.isEmpty ? "localhost" : name
    }

    /// What the node has and what is taken: the machine's CPUs, the
    /// reserved and the assigned ones, the memory manager's state with the
    /// checkpoint's assignments taken off; what was counted, in `notes`.
    public struct Usage: Sendable {
        public var cpus: MachineCPUs
        public var reservedCPUs: Set<Int>
        public var assignedCPUs: Set<Int>
        public var memory: MachineState
        public var notes: [String]

        public init(cpus: MachineCPUs, reservedCPUs: Set<Int>, assignedCPUs: Set<Int>, memory: MachineState, notes: [String]) {
            self.cpus = cpus
            self.reservedCPUs = reservedCPUs
            self.assignedCPUs = assignedCPUs
            self.memory = memory
            self.notes = notes
        }

        /// The CPUs of `node` free for exclusive use.
        public func freeCPUs(ofNode node: Int) -> [Int] {
            cpus.cpus(ofNode: node).filter { !reservedCPUs.contains($0) && !assignedCPUs.contains($0) }
        }
    }

    public static func usage(_ settings: KubeletSettings, root: SystemRoot) -> Usage {
        var notes: [String] = []
        let cpus = MachineCPUs.read(from: root)
        let machine = MachineMemory.read(from: root)
        let report = MemoryManagerRules.check(settings, machine: machine)
        let cpu = CPUManagerRules.check(settings, machine: cpus)
        let reservedCPUs = Set(settings.cpuManagerPolicy == "static" ? cpu.plan.reserved ?? [] : [])
        if settings.cpuManagerPolicy == "static", cpu.plan.reserved == nil {
            notes.append("the CPU manager settings would be refused: no CPU is counted as reserved")
        }
        // Memory per node and type: the memory manager's state when Static, else the machine less its huge pages.
        var reserved: [Int: [String: UInt64]] = [:]
        if settings.memoryManagerPolicy == "Static" {
            if report.refused {
                notes.append("the memory manager settings would be refused: no memory is counted as reserved")
            } else {
                reserved = report.reserved
            }
        }
        var state = MachineState.initial(machine: machine, reserved: reserved)
        let memoryPath = joinPath(settings.rootDirectory, "memory_manager_state")
        if settings.memoryManagerPolicy == "Static", case .success(let bytes) = root.read(String(memoryPath.drop { $0 == "/" }), limit: Checkpoint.sizeLimit) {
            if let checkpoint = try? Checkpoint.parse(bytes), checkpoint.checksumValid, let replayed = try? state.replaying(checkpoint.entries) {
                state = replayed
                notes.append("memory assignments: \(checkpoint.entries.count) container(s) from \(memoryPath)")
            } else {
                notes.append("\(memoryPath) is unreadable or corrupted: its assignments are not counted")
            }
        }
        var assigned = Set<Int>()
        let cpuPath = joinPath(settings.rootDirectory, "cpu_manager_state")
        if settings.cpuManagerPolicy == "static", case .success(let bytes) = root.read(String(cpuPath.drop { $0 == "/" }), limit: CPUCheckpoint.sizeLimit) {
            if let checkpoint = try? CPUCheckpoint.parse(bytes, release: settings.release, podLevel: settings.podLevelResourceManagers),
                checkpoint.checksumValid, checkpoint.policyName == "static"
            {
                // A pod's set (v3) holds its containers' exclusive CPUs and its own shared pool.
                for entry in checkpoint.entries + checkpoint.podEntries { (try? CPUList.parse(entry.cpus))?.forEach { assigned.insert($0) } }
                notes.append("exclusive CPUs: \(CPUList.format(assigned).isEmpty ? "none" : CPUList.format(assigned)) from \(cpuPath)")
            } else {
                notes.append("\(cpuPath) is unreadable, corrupted or of another policy: its assignments are not counted")
            }
        }
        return Usage(cpus: cpus, reservedCPUs: reservedCPUs, assignedCPUs: assigned, memory: state, notes: notes)
    }

    /// The object for the machine under `root` with `settings`.
    public static func build(_ settings: KubeletSettings, root: SystemRoot, name: String? = nil) -> Result {
        let topology = Topology.load(from: root, options: [.hugePages])
        let usage = usage(settings, root: root)
        let cpus = usage.cpus, reservedCPUs = usage.reservedCPUs, assigned = usage.assignedCPUs, state = usage.memory, notes = usage.notes
        var zones: [JSONValue] = []
        for node in topology.nodes {
            var resources: [JSONValue] = []
            let nodeCPUs = cpus.cpus(ofNode: node.id)
            let allocatableCPUs = nodeCPUs.filter { !reservedCPUs.contains($0) }
            let availableCPUs = allocatableCPUs.filter { !assigned.contains($0) }
            resources.append(
                resource("cpu", capacity: UInt64(nodeCPUs.count), allocatable: UInt64(allocatableCPUs.count), available: UInt64(availableCPUs.count), binary: false))
            if let tables = state.nodes[node.id]?.memoryMap {
                let names = tables.keys.sorted(by: MemoryManagerRules.typeOrder)
                for name in names {
                    guard let table = tables[name] else { continue }
                    // A pool of zero pages is not a resource of the zone.
                    if name != MemoryResource.memory, table.total == 0 { continue }
                    let allocatable = table.allocatable > table.total ? 0 : table.allocatable
                    resources.append(resource(name, capacity: table.total, allocatable: allocatable, available: table.free > table.total ? 0 : table.free, binary: true))
                }
            }
            var costs: [JSONValue] = []
            // The node's own row, by column (a lookup per pair was cubic on 2000 nodes).
            for (column, other) in topology.nodes.enumerated() where column < node.distanceTable.count && node.distanceTable[column] >= 0 {
                costs.append(.object([("name", .string("node-\(other.id)")), ("value", .int(Int64(node.distanceTable[column])))]))
            }
            var zone: [(String, JSONValue)] = [("name", .string("node-\(node.id)")), ("type", .string("Node"))]
            if !costs.isEmpty { zone.append(("costs", .array(costs))) }
            zone.append(("resources", .array(resources)))
            zones.append(.object(zone))
        }
        let policy = settings.topologyManagerPolicy
        let scope = settings.topologyManagerScope
        let document = JSONValue.object([
            ("apiVersion", .string("topology.node.k8s.io/v1alpha2")),
            ("kind", .string("NodeResourceTopology")),
            ("metadata", .object([("name", .string(name ?? nodeName(root: root)))])),
            ("topologyPolicies", .array([.string(legacyPolicy(policy, scope: scope))])),
            ("zones", .array(zones)),
            (
                "attributes",
                .array([
                    .object([("name", .string("topologyManagerPolicy")), ("value", .string(policy))]),
                    .object([("name", .string("topologyManagerScope")), ("value", .string(scope))]),
                ])
            ),
        ])
        return Result(document: document, notes: notes)
    }
}

// MARK: Writing YAML (JSON is written by ``JSONValue/render(inlineScalarArrays:)``)

extension JSONValue {
    /// Block YAML with every string double-quoted (so that `4` stays a
    /// string and `null`, `yes`, `0x10` mean nothing special), for
    /// `kubectl apply -f -`.
    public func renderedYAML() -> String {
        var out = ""
        Self.yaml(self, indent: "", into: &out, inList: false)
        return out
    }

    private static func scalar(_ value: JSONValue) -> String? {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let value): return String(value)
        case .uint(let value): return String(value)
        case .string(let text): return quoted(text)
        case .array(let items) where items.isEmpty: return "[]"
        case .object(let members) where members.isEmpty: return "{}"
        default: return nil
        }
    }

    private static func yaml(_ value: JSONValue, indent: String, into out: inout String, inList: Bool) {
        switch value {
        case .object(let members) where !members.isEmpty:
            for (index, (key, item)) in members.enumerated() {
                let lead = inList && index == 0 ? "" : indent
                if let text = scalar(item) {
                    out += lead + quotedKey(key) + ": " + text + "\n"
                } else if case .array = item {
                    out += lead + quotedKey(key) + ":\n"
                    yaml(item, indent: indent, into: &out, inList: false)
                } else {
                    out += lead + quotedKey(key) + ":\n"
                    yaml(item, indent: indent + "  ", into: &out, inList: false)
                }
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                if let text = scalar(item) {
                    out += indent + "- " + text + "\n"
                } else {
                    out += indent + "- "
                    yaml(item, indent: indent + "  ", into: &out, inList: true)
                }
            }
        default:
            out += indent + (scalar(value) ?? "null") + "\n"
        }
    }

    /// A mapping key: plain when it is letters, digits, `-`, `_` and `.` starting with a letter.
    private static func quotedKey(_ key: String) -> String {
        let plain = key.first.map(\.isLetter) == true && key.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
        let special = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(key.lowercased())
        return plain && !special ? key : quoted(key)
    }
}
