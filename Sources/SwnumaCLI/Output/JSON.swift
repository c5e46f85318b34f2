package import NUMA

/// The current version of every JSON document swnuma prints.
package let jsonSchemaVersion = 1

/// The cpuset as JSON: `{path, version, cpus, mems}`, or null.
func cpusetJSON(_ cpuset: Cpuset?) -> JSONValue {
    guard let cpuset else { return .null }
    return .object([
        ("path", .string(cpuset.path)),
        ("version", .number(cpuset.version)),
        ("cpus", .ids(cpuset.cpus)),
        ("mems", .ids(cpuset.mems)),
    ])
}

/// A node's `memory_kind` object (docs/schema/hardware.schema.json).
func memoryKindJSON(_ kind: MemoryKinds.Node) -> JSONValue {
    .object([
        ("kind", .string(kind.kind.rawValue)),
        ("description", .string(kind.kind.words)),
        ("tier", kind.tier.map { .number($0) } ?? .null),
        ("abstract_distance", kind.abstractDistance.map { .array([.number($0.lowerBound), .number($0.upperBound)]) } ?? .null),
        ("initiators", .ids(kind.initiators)),
        ("gpu_pci_address", kind.gpu.map { .string($0) } ?? .null),
        ("dax_device", kind.dax.map { .string($0) } ?? .null),
        ("dax_driver", kind.daxDriver.map { .string($0) } ?? .null),
        ("evidence", kind.evidence.map { .string($0) } ?? .null),
    ])
}

/// Renders `--hardware --json` (docs/schema/hardware.schema.json).
package enum HardwareJSON {
    package static func render(
        _ topology: Topology, onlineCPUs: CPUSet?, limits: ProcessLimits, cpuset: Cpuset?, kinds: MemoryKinds? = nil
    ) -> String {
        document(topology, onlineCPUs: onlineCPUs, limits: limits, cpuset: cpuset, kinds: kinds).render()
    }

    /// The document; `kinds` (``MemoryKinds/read(from:topology:)``) adds a
    /// `memory_kind` object to each node.
    package static func document(
        _ topology: Topology, onlineCPUs: CPUSet?, limits: ProcessLimits, cpuset: Cpuset?, kinds: MemoryKinds? = nil
    ) -> JSONValue {
        let nodes: [JSONValue] = topology.nodes.map { node in
            var fields: [(String, JSONValue)] = [
                ("id", .number(node.id)),
                ("cpus", .ids(node.cpus)),
                ("memory", .object([("total_bytes", .optional(node.memoryTotal)), ("free_bytes", .optional(node.memoryFree))])),
                ("distances", .array(topology.nodes.indices.map { index in
                    index < node.distanceTable.count && node.distanceTable[index] >= 0
                        ? .number(Int(node.distanceTable[index])) : .null
                })),
                ("has_cpus", .bool(node.hasCPUs)),
                ("has_memory", .bool(node.hasMemory)),
                ("hugepages", .array(node.hugePages.map { pages in
                    .object([
                        ("page_size_bytes", .uint(pages.pageSize)),
                        ("total", .optional(pages.total)),
                        ("free", .optional(pages.free)),
                    ])
                })),
            ]
            if let kind = kinds?.node(node.id) { fields.append(("memory_kind", memoryKindJSON(kind))) }
            return .object(fields)
        }
        return .object([
            ("schema_version", .number(jsonSchemaVersion)),
            ("source", .string(topology.source == .sysfs ? "sysfs" : "single_node_fallback")),
            ("nodes", .array(nodes)),
            ("distance_info", .bool(topology.hasDistances)),
            ("online_cpus", .ids(onlineCPUs)),
            ("process", .object([
                ("cpus_allowed", .ids(limits.cpusAllowed)),
                ("mems_allowed", .ids(limits.memsAllowed)),
                ("cpuset", cpusetJSON(cpuset)),
            ])),
            ("warnings", .array(topology.warnings.map { .string($0) })),
        ])
    }
}

/// Renders `--show --json` (docs/schema/show.schema.json).
package enum ShowJSON {
    package static func render(_ report: PolicyReport, limits: ProcessLimits, cpuset: Cpuset?) -> String {
        document(report, limits: limits, cpuset: cpuset).render()
    }

    package static func document(_ report: PolicyReport, limits: ProcessLimits, cpuset: Cpuset?) -> JSONValue {
        let policy = report.policy
        var flags: [JSONValue] = []
        if policy.flags.contains(.numaBalancing) { flags.append(.string("numa_balancing")) }
        if policy.flags.contains(.relativeNodes) { flags.append(.string("relative_nodes")) }
        if policy.flags.contains(.staticNodes) { flags.append(.string("static_nodes")) }
        let interleaving = policy.mode == .interleave || policy.mode == .weightedInterleave
        let preferred: JSONValue
        switch policy.mode {
        case .preferred, .bind, .preferredMany: preferred = policy.nodes.first.map { .number($0) } ?? .null
        case .interleave, .weightedInterleave: preferred = report.nextInterleaveNode.map { .number($0) } ?? .null
        default: preferred = .null
        }
        let weights: JSONValue =
            policy.mode == .weightedInterleave ? .array(policy.nodes.map { .number(report.weights[$0] ?? 1) }) : .null
        return .object([
            ("schema_version", .number(jsonSchemaVersion)),
            ("policy", .object([
                ("mode", policy.mode.name.map { .string($0) } ?? .null),
                ("mode_number", .int(Int64(policy.mode.rawValue))),
                ("flags", .array(flags)),
                ("nodes", .ids(policy.nodes)),
            ])),
            ("preferred_node", preferred),
            ("interleave_next", interleaving ? report.nextInterleaveNode.map { .number($0) } ?? .null : .null),
            ("interleave_weights", weights),
            ("cpu_affinity", .ids(report.affinity)),
            ("cpu_nodes", .ids(report.cpuNodes)),
            ("mems_allowed", .ids(limits.memsAllowed)),
            ("cpus_allowed", .ids(limits.cpusAllowed)),
            ("cpuset", cpusetJSON(cpuset)),
        ])
    }
}
