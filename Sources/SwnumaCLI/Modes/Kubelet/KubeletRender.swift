internal import KubeletMemory
internal import NUMA

/// Text for `--kubelet-check`, `--kubelet-suggest` and `--kubelet-state`.
enum KubeletText {
    /// Bytes as a quantity in binary units when exact (`1Gi`, `1536Mi`), else the number.
    static func bytes(_ value: UInt64) -> String {
        value > UInt64(Int64.max) ? "\(value)" : Quantity(Int64(value), format: .binarySI).description
    }

    static func finding(_ finding: Finding) -> String {
        let label = finding.severity == .refusal ? "refused" : finding.severity == .unsafe ? "unsafe" : "note"
        return "\(label): \(escapedForDisplay(finding.message)); to fix: \(escapedForDisplay(finding.advice))\n"
    }

    static func header(_ source: KubeletCommand.Source) -> String {
        "kubelet: \(escapedForDisplay(source.origin))" + (source.settings.configFile.map { ", config \(escapedForDisplay($0))" } ?? "") + (source.settings.configDirectory.map { ", config-dir \(escapedForDisplay($0))" } ?? "") + "\n"
            + "memory manager policy: \(escapedForDisplay(source.settings.memoryManagerPolicy))\n"
            + "rules: Kubernetes \(source.settings.release)\n"
    }

    static func steps(_ steps: [String]) -> String {
        steps.isEmpty ? "" : "steps:\n" + steps.enumerated().map { "  \($0.offset + 1). \(escapedForDisplay($0.element))\n" }.joined()
    }

    static func allocatable(_ value: NodeAllocatableMemory) -> String {
        let parts = [("system-reserved", value.systemReserved), ("kube-reserved", value.kubeReserved), ("eviction-hard memory.available", value.evictionThreshold)]
        let terms = parts.compactMap { name, quantity in quantity.map { "\(name) \($0)" } }
        return "Node Allocatable memory reservation: \(value.total)" + (terms.isEmpty ? "" : " = " + terms.joined(separator: " + ")) + "\n"
    }

    static func reservations(_ list: [MemoryReservation]) -> String {
        if list.isEmpty { return "reserved memory: none\n" }
        return "reserved memory: "
            + list.map { "\($0.numaNode):" + $0.limits.map { "\(escapedForDisplay($0.name))=\(escapedForDisplay($0.quantity.description))" }.joined(separator: ",") }.joined(separator: " ") + "\n"
    }

    static func table(_ state: MachineState, full: Bool) -> String {
        var rows: [[String]] = [full
            ? ["node", "type", "total", "system-reserved", "allocatable", "reserved", "free", "cells", "assignments"]
            : ["node", "type", "total", "system-reserved", "allocatable"]]
        for id in state.nodes.keys.sorted() {
            guard let node = state.nodes[id] else { continue }
            for type in node.memoryMap.keys.sorted(by: { $0 == "memory" ? $1 != "memory" : $1 == "memory" ? false : $0 < $1 }) {
                guard let table = node.memoryMap[type] else { continue }
                var row = ["\(id)", escapedForDisplay(type), bytes(table.total), bytes(table.systemReserved), bytes(table.allocatable)]
                if full {
                    row += [bytes(table.reserved), bytes(table.free), node.cells.map(String.init).joined(separator: ","), "\(node.numberOfAssignments)"]
                }
                rows.append(row)
            }
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                let last = index == row.count - 1
                line += index < 2 ? cell + String(repeating: " ", count: last ? 0 : widths[index] - cell.count + 2)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell + (last ? "" : "  ")
            }
            out += "  " + line + "\n"
        }
        return out
    }

    static func check(_ report: MemoryManagerReport, source: KubeletCommand.Source, restart: KubeletCommand.StateReport?) -> String {
        var out = header(source)
        out += allocatable(report.nodeAllocatable)
        out += reservations(report.settings.reservedMemory)
        if report.settings.memoryManagerEnabled, ["None", "Static"].contains(report.settings.memoryManagerPolicy) {
            if let restart {
                let policy = restart.checkpoint.map { ", policy \(escapedForDisplay($0.policyName))" } ?? ""
                let format = restart.checkpoint?.format.rawValue ?? (restart.refused ? "undecodable" : "not read")
                out += "checkpoint: \(escapedForDisplay(restart.path)) (format \(format)\(policy))\n"
            } else {
                out += "checkpoint: none at \(escapedForDisplay(report.settings.checkpointPath)): the kubelet writes a new one\n"
            }
        }
        for item in report.findings { out += finding(item) }
        if let state = report.machineState {
            out += "machine state the static policy would start with:\n" + table(state, full: false)
        }
        out += steps(restart?.steps ?? [])
        if report.refused {
            out += "verdict: the kubelet would refuse to start\n"
        } else if report.hasProblems {
            out += "verdict: the kubelet would start, but the reservation is wrong for this machine\n"
        } else {
            out += "verdict: the kubelet would accept this configuration\n"
        }
        return out
    }

    static func suggest(
        _ suggestion: ReservationSuggestion?, allocatable: NodeAllocatableMemory, findings: [Finding], source: KubeletCommand.Source,
        machine: MachineMemory
    ) -> String {
        var out = header(source) + Self.allocatable(allocatable)
        for item in findings { out += finding(item) }
        guard let suggestion else { return out }
        let nodes = suggestion.shares.map { share in
            "node \(share.node) \(bytes(machine.node(share.node)?.memory ?? 0))"
        }
        out += "split in proportion to the nodes' memory: " + nodes.joined(separator: ", ") + "\n"
        out += "flags:\n  " + suggestion.flags.map { escapedForDisplay($0) }.joined(separator: " ") + "\n"
        out += "configuration file:\n" + suggestion.yaml.split(separator: "\n").map { "  " + escapedForDisplay($0) }.joined(separator: "\n") + "\n"
        if source.settings.memoryManagerPolicy != "Static" {
            out += "note: the policy is \(escapedForDisplay(source.settings.memoryManagerPolicy)): add --memory-manager-policy=Static for the reservation to take effect\n"
        }
        return out
    }

    static func state(_ report: KubeletCommand.StateReport) -> String {
        guard let checkpoint = report.checkpoint, let reading = report.reading else {
            var out = "checkpoint: \(escapedForDisplay(report.path)) (unreadable)\nrules: Kubernetes \(report.release)\n"
            for item in report.findings { out += finding(item) }
            return out + steps(report.steps) + "verdict: the kubelet would refuse to start with this checkpoint\n"
        }
        var out = "checkpoint: \(escapedForDisplay(report.path)) (format \(checkpoint.format.rawValue), read as \(reading.readAs.rawValue))\n"
        out += "rules: Kubernetes \(report.release)\n"
        let computed = reading.readAs == .v2 ? checkpoint.v2Checksum : checkpoint.v1Checksum
        out += "checksum: \(checkpoint.topLevelChecksum), computed \(computed): "
            + (reading.checksumHolds ? (checkpoint.topLevelChecksum == 0 && computed != 0 ? "zero, accepted" : "valid") : "WRONG") + "\n"
        out += "policy: \(escapedForDisplay(checkpoint.policyName))\n"
        if !checkpoint.machineState.nodes.isEmpty {
            out += "machine state:\n" + table(checkpoint.machineState, full: true)
        }
        if !checkpoint.entries.isEmpty {
            out += "containers:\n"
            for entry in checkpoint.entries {
                let blocks = entry.blocks.map { "\(escapedForDisplay($0.type)) \(bytes($0.size)) on node(s) \($0.numaAffinity.map(String.init).joined(separator: ","))" }
                out += "  \(escapedForDisplay(entry.pod))/\(escapedForDisplay(entry.container)): " + (blocks.isEmpty ? "no blocks" : blocks.joined(separator: ", ")) + "\n"
            }
        }
        if !checkpoint.podEntries.isEmpty {
            out += "pods:\n"
            for entry in checkpoint.podEntries {
                let blocks = entry.blocks.map { "\(escapedForDisplay($0.type)) \(bytes($0.size)) on node(s) \($0.numaAffinity.map(String.init).joined(separator: ","))" }
                out += "  \(escapedForDisplay(entry.pod)): " + (blocks.isEmpty ? "no blocks" : blocks.joined(separator: ", ")) + "\n"
            }
        }
        if report.expected != nil {
            out += "compared with the state the kubelet would compute now (reservations from \(escapedForDisplay(report.basis))):\n"
            if report.differences.isEmpty { out += "  the same\n" }
            for difference in report.differences {
                let field = escapedForDisplay(difference.type.map { "\($0) \(difference.field)" } ?? difference.field)
                let numeric = !["nodes", "types", "cells", "numberOfAssignments"].contains(difference.field)
                let saved = numeric ? UInt64(difference.checkpoint).map(bytes) ?? difference.checkpoint : difference.checkpoint
                let now = numeric ? UInt64(difference.expected).map(bytes) ?? difference.expected : difference.expected
                out += "  node \(difference.node) \(field): \(escapedForDisplay(saved)) in the checkpoint, \(escapedForDisplay(now)) now\n"
            }
        }
        for item in report.findings { out += finding(item) }
        out += steps(report.steps)
        out += report.refused ? "verdict: the kubelet would refuse to start with this checkpoint\n" : "verdict: the kubelet would start with this checkpoint\n"
        return out
    }
}

/// JSON for the three modes (docs/schema/kubelet-*.schema.json).
enum KubeletJSON {
    static func findings(_ list: [Finding]) -> JSONValue {
        .array(list.map { item in
            .object([("severity", .string(item.severity.rawValue)), ("rule", .string(item.rule)), ("message", .string(item.message)), ("advice", .string(item.advice))])
        })
    }

    static func quantity(_ value: Quantity?) -> JSONValue {
        guard let value else { return .null }
        return .object([("quantity", .string(value.description)), ("bytes", value.int64Value.map { .int($0) } ?? .null)])
    }

    static func source(_ source: KubeletCommand.Source) -> JSONValue {
        .object([
            ("origin", .string(source.origin)), ("pid", source.pid.map { .number($0) } ?? .null),
            ("config", source.settings.configFile.map(JSONValue.string) ?? .null),
            ("config_dir", source.settings.configDirectory.map(JSONValue.string) ?? .null),
            ("policy", .string(source.settings.memoryManagerPolicy)),
        ])
    }

    static func allocatable(_ value: NodeAllocatableMemory) -> JSONValue {
        .object([
            ("system_reserved", quantity(value.systemReserved)), ("kube_reserved", quantity(value.kubeReserved)),
            ("eviction_hard", quantity(value.evictionThreshold)), ("total", quantity(value.total)),
        ])
    }

    static func state(_ state: MachineState?) -> JSONValue {
        guard let state else { return .null }
        return .array(state.nodes.keys.sorted().compactMap { id in
            guard let node = state.nodes[id] else { return nil }
            return .object([
                ("node", .number(id)), ("assignments", .number(node.numberOfAssignments)), ("cells", .array(node.cells.map { .number($0) })),
                ("memory", .array(node.memoryMap.keys.sorted().compactMap { type in
                    guard let table = node.memoryMap[type] else { return nil }
                    return .object([
                        ("type", .string(type)), ("total", .uint(table.total)), ("system_reserved", .uint(table.systemReserved)),
                        ("allocatable", .uint(table.allocatable)), ("reserved", .uint(table.reserved)), ("free", .uint(table.free)),
                    ])
                })),
            ])
        })
    }

    static func verdict(_ findings: [Finding]) -> String {
        findings.contains { $0.severity == .refusal } ? "refused" : findings.contains { $0.severity == .unsafe } ? "unsafe" : "accepted"
    }

    static func check(_ report: MemoryManagerReport, source: KubeletCommand.Source, restart: KubeletCommand.StateReport?) -> JSONValue {
        .object([
            ("schema_version", .number(jsonSchemaVersion)),
            ("kubernetes_rules", .string(report.settings.release.description)),
            ("kubelet", Self.source(source)),
            ("verdict", .string(verdict(report.findings))),
            ("node_allocatable", allocatable(report.nodeAllocatable)),
            ("reserved_memory", .array(report.settings.reservedMemory.map { reservation in
                .object([
                    ("node", .int(Int64(reservation.numaNode))),
                    ("limits", .array(reservation.limits.map { .object([("type", .string($0.name)), ("quantity", quantity($0.quantity))]) })),
                ])
            })),
            ("findings", findings(report.findings)),
            ("machine_state", state(report.machineState)),
            ("restart", .object([
                ("checkpoint", .string(report.settings.checkpointPath)),
                ("found", .bool(restart != nil)),
                ("format", restart?.checkpoint.map { .string($0.format.rawValue) } ?? .null),
                ("policy", restart?.checkpoint.map { .string($0.policyName) } ?? .null),
                ("verdict", .string(restart.map { verdict($0.findings) } ?? "accepted")),
                ("steps", .array((restart?.steps ?? []).map(JSONValue.string))),
            ])),
        ])
    }

    static func suggest(
        _ suggestion: ReservationSuggestion?, allocatable: NodeAllocatableMemory, findings: [Finding], source: KubeletCommand.Source,
        machine: MachineMemory
    ) -> JSONValue {
        .object([
            ("schema_version", .number(jsonSchemaVersion)),
            ("kubernetes_rules", .string(source.settings.release.description)),
            ("kubelet", Self.source(source)),
            ("node_allocatable", Self.allocatable(allocatable)),
            ("findings", Self.findings(findings)),
            ("reserved_memory", suggestion.map { suggestion in
                .array(suggestion.shares.map { share in
                    .object([("node", .number(share.node)), ("node_memory", .uint(machine.node(share.node)?.memory ?? 0)), ("bytes", .uint(share.bytes)), ("quantity", .string(share.quantity.description))])
                })
            } ?? .null),
            ("flags", suggestion.map { .array($0.flags.map(JSONValue.string)) } ?? .null),
            ("yaml", suggestion.map { .string($0.yaml) } ?? .null),
        ])
    }

    static func blocks(_ list: [MemoryBlock]) -> JSONValue {
        .array(list.map { block in
            .object([("type", .string(block.type)), ("size", .uint(block.size)), ("numa_affinity", .array(block.numaAffinity.map { .number($0) }))])
        })
    }

    static func checksum(_ checkpoint: Checkpoint, _ reading: Checkpoint.Reading?) -> JSONValue {
        let v3 = checkpoint.format == .v3
        let computed: UInt64 = reading?.readAs == .v2 ? checkpoint.v2Checksum : checkpoint.v1Checksum
        let fields: [(String, JSONValue)] = [
            ("stored", .uint(checkpoint.topLevelChecksum)),
            ("computed", .uint(computed)),
            ("valid", .bool(reading?.checksumHolds ?? false)),
            ("data_stored", v3 ? .uint(checkpoint.storedChecksum) : .null),
            ("data_computed", v3 ? .uint(checkpoint.computedChecksum) : .null),
        ]
        return .object(fields)
    }

    static func state(_ report: KubeletCommand.StateReport) -> JSONValue {
        let checkpoint = report.checkpoint
        let reading = report.reading
        let format: JSONValue = checkpoint.map { .string($0.format.rawValue) } ?? .null
        let readAs: JSONValue = reading.map { .string($0.readAs.rawValue) } ?? .null
        let sum: JSONValue = checkpoint.map { checksum($0, reading) } ?? .null
        let policy: JSONValue = checkpoint.map { .string($0.policyName) } ?? .null
        let machine: JSONValue = checkpoint.map { state($0.machineState) } ?? .null
        let containers: [JSONValue] = (checkpoint?.entries ?? []).map { entry in
            .object([("pod", .string(entry.pod)), ("container", .string(entry.container)), ("blocks", blocks(entry.blocks))])
        }
        let pods: [JSONValue] = (checkpoint?.podEntries ?? []).map { entry in .object([("pod", .string(entry.pod)), ("blocks", blocks(entry.blocks))]) }
        let differences: [JSONValue] = report.differences.map { difference in
            .object([
                ("node", .number(difference.node)), ("type", difference.type.map(JSONValue.string) ?? .null), ("field", .string(difference.field)),
                ("checkpoint", .string(difference.checkpoint)), ("expected", .string(difference.expected)),
            ])
        }
        let fields: [(String, JSONValue)] = [
            ("schema_version", .number(jsonSchemaVersion)),
            ("kubernetes_rules", .string(report.release.description)),
            ("path", .string(report.path)),
            ("format", format),
            ("read_as", readAs),
            ("checksum", sum),
            ("policy", policy),
            ("machine_state", machine),
            ("containers", .array(containers)),
            ("pods", .array(pods)),
            ("expected_basis", .string(report.basis)),
            ("expected_machine_state", state(report.expected)),
            ("differences", .array(differences)),
            ("verdict", .string(verdict(report.findings))),
            ("findings", findings(report.findings)),
            ("steps", .array(report.steps.map(JSONValue.string))),
        ]
        return .object(fields)
    }
}
