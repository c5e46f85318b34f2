public import NUMA

/// The machine as the kubelet's memory manager sees it: each NUMA node's
/// memory and huge page pools, and the machine's memory capacity.
public struct MachineMemory: Hashable, Sendable {
    public struct Node: Hashable, Sendable {
        public var id: Int
        /// The node's `MemTotal` in bytes.
        public var memory: UInt64
        /// Huge page pools: page size in bytes and number of pages, ascending by size.
        public var hugePages: [HugePagePool] = []
        public var hasCPUs = true
    }

    public struct HugePagePool: Hashable, Sendable {
        public var pageSize: UInt64
        public var pages: UInt64
        /// The pool's resource name: `hugepages-2Mi`.
        public var resourceName: String { MemoryResource.hugePages(pageSize: pageSize) }
        /// Its size in bytes (wrapping as the kubelet's unsigned arithmetic does).
        public var bytes: UInt64 { pages &* pageSize }
    }

    public var nodes: [Node]
    /// The machine's memory capacity in bytes (`MemTotal` of /proc/meminfo).
    public var capacity: UInt64

    /// True when `proc/meminfo` was missing and ``capacity`` is the sum of
    /// the nodes' memory (a snapshot without it): percentages of capacity,
    /// and the capacity rule, then use that sum, which can differ from the
    /// kernel's `MemTotal` by a few percent.
    public var capacityFromNodes = false

    public init(nodes: [Node], capacity: UInt64, capacityFromNodes: Bool = false) {
        self.nodes = nodes
        self.capacity = capacity
        self.capacityFromNodes = capacityFromNodes
    }

    /// A note when the capacity is the nodes' sum.
    public var capacityNote: Finding? {
        guard capacityFromNodes else { return nil }
        return Finding(.note, "capacity-from-nodes",
            "no proc/meminfo under the root: the capacity (for percentage eviction thresholds and the Node Allocatable check) is the sum of the nodes' memory, \(capacity) bytes, which can differ from the kernel's MemTotal",
            advice: "add proc/meminfo to the snapshot for exact percentages")
    }

    /// The machine under `root`: nodes from sysfs, capacity from
    /// `proc/meminfo` (or the sum of the nodes when that is missing).
    public static func read(from root: SystemRoot) -> MachineMemory {
        let topology = Topology.load(from: root, options: [.hugePages, .skipDistances])
        let nodes = topology.nodes.map { node in
            Node(
                id: node.id, memory: node.memoryTotal ?? 0,
                hugePages: node.hugePages.map { HugePagePool(pageSize: $0.pageSize, pages: $0.total ?? 0) },
                hasCPUs: node.hasCPUs)
        }
        if let capacity = root.readText("proc/meminfo").flatMap({ Meminfo($0).bytes("MemTotal") }) {
            return MachineMemory(nodes: nodes, capacity: capacity)
        }
        return MachineMemory(nodes: nodes, capacity: nodes.reduce(0) { $0 &+ $1.memory }, capacityFromNodes: true)
    }

    public func node(_ id: Int) -> Node? { nodes.first { $0.id == id } }
}

// MARK: Node allocatable

/// The memory the kubelet keeps out of Node Allocatable: system-reserved +
/// kube-reserved + the hard eviction threshold for `memory.available`.
public struct NodeAllocatableMemory: Hashable, Sendable {
    public var systemReserved: Quantity?
    public var kubeReserved: Quantity?
    public var evictionThreshold: Quantity?
    /// The sum, in the format the kubelet's addition leaves.
    public var total: Quantity

    /// The reservation by resource type, as the kubelet's Node Allocatable
    /// list has it: `memory` when non-zero, and never huge pages.
    public var byType: [String: Quantity] { total.isZero ? [:] : [MemoryResource.memory: total] }

    public init(systemReserved: Quantity? = nil, kubeReserved: Quantity? = nil, evictionThreshold: Quantity? = nil, total: Quantity) {
        self.systemReserved = systemReserved
        self.kubeReserved = kubeReserved
        self.evictionThreshold = evictionThreshold
        self.total = total
    }

    /// The reservation a configuration gives on `machine`; refusals for
    /// values the kubelet would not accept are appended to `findings`.
    public static func compute(_ settings: KubeletSettings, capacity: UInt64, findings: inout [Finding]) -> NodeAllocatableMemory {
        var result = NodeAllocatableMemory(total: .zero)
        result.systemReserved = resourceMemory(settings.systemReserved, flag: "system-reserved", findings: &findings)
        result.kubeReserved = resourceMemory(settings.kubeReserved, flag: "kube-reserved", findings: &findings)
        // The eviction settings are validated whether or not they count:
        // --experimental-allocatable-ignore-eviction only leaves them out of the sum.
        let eviction = evictionMemory(settings, capacity: capacity, findings: &findings)
        if !settings.ignoreEvictionThreshold {
            result.evictionThreshold = eviction
        }
        var total = Quantity.zero
        for part in [result.systemReserved, result.kubeReserved, result.evictionThreshold] {
            guard let part else { continue }
            do {
                total = try total.adding(part)
            } catch {
                findings.append(Finding(.refusal, "quantity", error.description, advice: "give a smaller quantity"))
            }
        }
        result.total = total
        return result
    }

    /// `text` as a quantity; nil, with a `quantity` refusal whose message
    /// `says` the parser's reason, when it is not one.
    static func parsedQuantity(_ text: String, advice: String, findings: inout [Finding], _ says: (String) -> String) -> Quantity? {
        do {
            return try Quantity.parse(text)
        } catch {
            findings.append(Finding(.refusal, "quantity", says(error.description), advice: advice))
            return nil
        }
    }

    /// The `memory` entry of a kube-/system-reserved list, checking every
    /// entry as the kubelet does (only cpu, memory, ephemeral-storage and pid;
    /// no negative values).
    static func resourceMemory(_ pairs: [(String, String)], flag: String, findings: inout [Finding]) -> Quantity? {
        var memory: Quantity?
        for (name, text) in pairs {
            guard ["cpu", "memory", "ephemeral-storage", "pid"].contains(name) else {
                let advice = MemoryResource.isHugePages(name)
                    ? "the kubelet reserves no huge pages through --\(flag): drop \(name) here, and drop it from --reserved-memory too"
                    : "--\(flag) takes only cpu, memory, ephemeral-storage and pid"
                findings.append(Finding(.refusal, "\(flag)-resource", "--\(flag): cannot reserve \"\(name)\" resource", advice: advice))
                continue
            }
            guard
                let quantity = parsedQuantity(text, advice: "write a quantity such as 1Gi, 512Mi or 1073741824", findings: &findings, {
                    "--\(flag): failed to parse quantity \"\(text)\" for \"\(name)\" resource: \($0)"
                })
            else { continue }
            if quantity.isNegative {
                findings.append(
                    Finding(.refusal, "quantity", "--\(flag): resource quantity for \"\(name)\" cannot be negative: \(text)",
                        advice: "give a positive quantity"))
                continue
            }
            if name == MemoryResource.memory { memory = quantity }
        }
        return memory
    }

    static let evictionSignals: Set<String> = [
        "memory.available", "allocatableMemory.available", "nodefs.available", "nodefs.inodesFree", "imagefs.available",
        "imagefs.inodesFree", "containerfs.available", "containerfs.inodesFree", "pid.available",
    ]

    /// The hard eviction threshold for `memory.available` in bytes of `capacity`.
    static func evictionMemory(_ settings: KubeletSettings, capacity: UInt64, findings: inout [Finding]) -> Quantity? {
        var pairs = settings.evictionHard ?? KubeletSettings.defaultEvictionHard
        // mergeDefaultEvictionSettings (1.33+) fills in a list that came from the file only.
        if settings.evictionHard != nil, settings.mergeDefaultEvictionSettings, settings.release.hasMergeDefaultEvictionSettings,
            settings.origins["evictionHard"] == "config"
        {
            for pair in KubeletSettings.defaultEvictionHard where !pairs.contains(where: { $0.0 == pair.0 }) {
                pairs.append(pair)
            }
        }
        var memory: Quantity?
        for (signal, text) in pairs {
            guard evictionSignals.contains(signal) else {
                findings.append(
                    Finding(.refusal, "eviction-hard", "--eviction-hard: unsupported eviction signal \(signal)",
                        advice: "use memory.available, nodefs.available, nodefs.inodesFree, imagefs.available or imagefs.inodesFree"))
                continue
            }
            if text.hasSuffix("%") {
                if text == "0%" || text == "100%" { continue }
                // The kubelet trims every trailing '%' (`1%%` is 1%).
                guard let parsed = Float(String(text.reversed().drop(while: { $0 == "%" }).reversed())), parsed.isFinite else {
                    findings.append(
                        Finding(.refusal, "eviction-hard", "--eviction-hard: \(signal): invalid percentage \(text)",
                            advice: "write a percentage such as 5%"))
                    continue
                }
                let fraction = parsed / 100
                if fraction < 0 || fraction > 1 {
                    let bound = fraction < 0 ? ">= 0%" : "<= 100%"
                    findings.append(
                        Finding(.refusal, "eviction-hard", "--eviction-hard: eviction percentage threshold \(signal) must be \(bound): \(text)",
                            advice: "write a percentage between 0% and 100%"))
                    continue
                }
                if signal == "memory.available" {
                    let bytes = Double(capacity) * Double(fraction)
                    // A snapshot's capacity can be near 2^63: clamp, never trap.
                    memory = Quantity(bytes < 0x1p63 ? Int64(bytes) : Int64.max, format: .binarySI)
                }
                continue
            }
            guard
                let quantity = parsedQuantity(text, advice: "write a quantity such as 100Mi, or a percentage", findings: &findings, {
                    "--eviction-hard: \(signal): quantity \"\(text)\": \($0)"
                })
            else { continue }
            if quantity.isNegative || quantity.isZero {
                findings.append(
                    Finding(.refusal, "eviction-hard", "--eviction-hard: eviction threshold \(signal) must be positive: \(quantity)",
                        advice: "give a positive quantity, or drop the signal"))
                continue
            }
            if signal == "memory.available" { memory = quantity }
        }
        return memory
    }
}

// MARK: The checks

/// The memory manager's verdict on a configuration for a machine.
public struct MemoryManagerReport: Sendable {
    public var settings: KubeletSettings
    public var machine: MachineMemory
    public var nodeAllocatable: NodeAllocatableMemory
    /// Per-node, per-type reserved bytes, as the static policy uses them.
    public var reserved: [Int: [String: UInt64]]
    /// Everything found, in the order the kubelet meets it.
    public var findings: [Finding]
    /// The machine state the static policy would start with (nil when the
    /// policy is not Static or the kubelet would refuse first).
    public var machineState: MachineState?

    /// Whether the kubelet would refuse to start.
    public var refused: Bool { findings.contains { $0.severity == .refusal } }
    /// Whether anything is wrong (refused or unsafe).
    public var hasProblems: Bool { findings.contains { $0.severity != .note } }
}

/// The kubelet's rules for the memory manager, by release (the settings'
/// ``KubeletSettings/release``).
public enum MemoryManagerRules {

    /// Checks `settings` against `machine`, in the kubelet's order: the
    /// configuration's own validation, then the static policy's start-up.
    public static func check(_ settings: KubeletSettings, machine: MachineMemory) -> MemoryManagerReport {
        var findings = settings.refusals
        findings += validateConfiguration(settings.reservedMemory)
        let allocatable = NodeAllocatableMemory.compute(settings, capacity: machine.capacity, findings: &findings)
        var report = MemoryManagerReport(
            settings: settings, machine: machine, nodeAllocatable: allocatable, reserved: [:], findings: [], machineState: nil)

        // A locked MemoryManager=false (1.32 and later) is among the refusals of reading the gates (KubeletFeatureGates.swift).
        if !settings.memoryManagerEnabled {
            findings.append(
                Finding(.note, "feature-gate",
                    "the MemoryManager feature gate is off: the kubelet \(settings.release) runs no memory manager, ignores --memory-manager-policy and --reserved-memory and reads no memory_manager_state",
                    advice: "nothing to change; before upgrading to 1.32, where the gate is locked on, remove MemoryManager=false"))
            findings += validateNodeAllocatable(allocatable, capacity: machine.capacity)
            report.findings = findings
            return report
        }

        switch settings.memoryManagerPolicy {
        case "None":
            findings += Finding.ignored(
                "--reserved-memory", given: !settings.reservedMemory.isEmpty, id: "policy-none",
                policy: "the memory manager policy is None", advice: "set --memory-manager-policy=Static to use the reservation, or drop it")
        case "Static":
            if !findings.contains(where: { $0.severity == .refusal }) {
                let sums = sumErrors(machine: machine, allocatable: allocatable.byType, reservations: settings.reservedMemory)
                findings += sums.map { $0.finding(allocatable: allocatable) }
                if sums.isEmpty {
                do throws(RuleError) {
                    let reserved = try systemReservedMemory(machine: machine, allocatable: allocatable.byType, reservations: settings.reservedMemory)
                    report.reserved = reserved
                    let total = reserved.values.reduce(UInt64(0)) { $0 &+ ($1[MemoryResource.memory] ?? 0) }
                    if total == 0 {
                        findings.append(
                            Finding(.refusal, "no-reserved-memory", "[memorymanager] you should specify the system reserved memory",
                                advice: "reserve memory for the system (--kube-reserved/--system-reserved memory=..., or keep the eviction threshold) and the same sum in --reserved-memory"))
                    } else {
                        report.machineState = MachineState.initial(machine: machine, reserved: reserved)
                    }
                } catch {
                    findings.append(error.finding(allocatable: allocatable))
                }
                }
            }
            findings += beyondTheKubelet(settings, machine: machine)
        case "BestEffort" where settings.release.knowsBestEffortPolicy:
            findings.append(
                Finding(.refusal, "policy", "policy \"BestEffort\" is not available for platform \"linux\"",
                    advice: "BestEffort is the Windows policy: set --memory-manager-policy to None or Static"))
        default:
            findings.append(
                Finding(.refusal, "policy", "unknown policy: \"\(settings.memoryManagerPolicy)\"",
                    advice: "set --memory-manager-policy to None or Static"))
        }
        // The container manager's start, after the memory manager was created.
        findings += validateNodeAllocatable(allocatable, capacity: machine.capacity)
        report.findings = findings
        return report
    }

    /// `validateNodeAllocatable`: a reservation larger than the capacity
    /// stops the kubelet. Its message puts the reservation where it says
    /// "allocatable" and capacity minus reservation (negative) where it
    /// says "capacity".
    public static func validateNodeAllocatable(_ allocatable: NodeAllocatableMemory, capacity: UInt64) -> [Finding] {
        let capacityNanos = Int128(capacity) * Quantity.nano
        guard capacity > 0, allocatable.total.nanos > capacityNanos else { return [] }
        let left = Quantity(nanos: capacityNanos - allocatable.total.nanos, format: allocatable.total.format)
        return [
            Finding(.refusal, "node-allocatable",
                "invalid Node Allocatable configuration. Resource \"memory\" has an allocatable of \(allocatable.total), capacity of \(left)",
                advice: "the reservation (kube-reserved + system-reserved + the memory.available eviction threshold) is \(allocatable.total), more than the machine's \(capacity) bytes: lower it below the capacity")
        ]
    }

    /// The configuration validation of the reserved memory: types, zero values, duplicates.
    public static func validateConfiguration(_ reservations: [MemoryReservation]) -> [Finding] {
        var findings: [Finding] = []
        var seen: [Int32: Set<String>] = [:]
        for reservation in reservations {
            let node = reservation.numaNode
            for (name, quantity) in reservation.limits {
                if !MemoryResource.isSupported(name) {
                    findings.append(
                        Finding(.refusal, "reserved-memory-type",
                            "invalid configuration: the limit type \"\(name)\" for NUMA node \(node) is not supported, only [memory hugepages-<HugePageSize>] is accepted",
                            advice: "reserve memory or hugepages-SIZE only"))
                }
                if quantity.isZero {
                    findings.append(
                        Finding(.refusal, "reserved-memory-zero",
                            "invalid configuration: reserved memory may not be zero for NUMA node \(node) and resource \"\(name)\"",
                            advice: "drop the zero entry"))
                }
                if seen[node, default: []].contains(name) {
                    findings.append(
                        Finding(.refusal, "reserved-memory-duplicate",
                            "invalid configuration: the reserved memory has a duplicate value for NUMA node \(node) and resource \"\(name)\"",
                            advice: "give each node's \(name) once"))
                }
                seen[node, default: []].insert(name)
            }
        }
        return findings
    }

    /// A refusal of the static policy's start-up.
    public enum RuleError: Error, Hashable, Sendable {
        case unknownNode(Int32, existing: [Int])
        case unequal(type: String, reserved: Quantity, allocatable: Quantity)
        case notConvertible(node: Int32, type: String, Quantity)
        case tooLarge(String)

        /// The kubelet's message, with what to change.
        public func finding(allocatable: NodeAllocatableMemory) -> Finding {
            switch self {
            case .unknownNode(let node, let existing):
                return Finding(.refusal, "unknown-node",
                    "the reserved memory configuration references a NUMA node \(node) that does not exist on this machine",
                    advice: "reserve on nodes \(existing.map(String.init).joined(separator: ",")) only")
            case .unequal(let type, let reserved, let target):
                let advice: String
                if MemoryResource.isHugePages(type) {
                    advice = "Node Allocatable reserves no huge pages (--kube-reserved/--system-reserved take none): drop \(type) from --reserved-memory"
                } else {
                    advice = "make the --reserved-memory memory entries add up to \(target) (system-reserved + kube-reserved + eviction-hard memory.available); see --kubelet-suggest"
                }
                return Finding(.refusal, "reserved-memory-sum",
                    "the total amount \"\(reserved)\" of type \"\(type)\" is not equal to the value \"\(target)\" determined by Node Allocatable feature",
                    advice: advice)
            case .notConvertible(let node, let type, let quantity):
                return Finding(.refusal, "quantity", "could not covert a variable of type Quantity to int64",
                    advice: "node \(node) \(type)=\(quantity) is held by the kubelet as a decimal it cannot turn into bytes (it was written with a fraction, such as 0.5Gi, a milli or smaller unit, or 19 or more digits): write it as whole units with a suffix, such as \(quantity.wholeUnits.map { Quantity($0, format: .binarySI).description } ?? "512Mi")")
            case .tooLarge(let message):
                return Finding(.refusal, "quantity", message, advice: "give a smaller quantity")
            }
        }
    }

    /// The static policy's reserved memory per node and type: the
    /// reservations must name existing nodes and add up, per type, to the
    /// Node Allocatable reservation, and be whole 64-bit byte counts.
    public static func systemReservedMemory(
        machine: MachineMemory, allocatable: [String: Quantity], reservations: [MemoryReservation]
    ) throws(RuleError) -> [Int: [String: UInt64]] {
        try validateReservedMemory(machine: machine, allocatable: allocatable, reservations: reservations)
        var result: [Int: [String: UInt64]] = [:]
        for node in machine.nodes { result[node.id] = [:] }
        for reservation in reservations {
            for (name, quantity) in reservation.limits {
                guard let value = quantity.int64Value else {
                    throw .notConvertible(node: reservation.numaNode, type: name, quantity)
                }
                result[Int(reservation.numaNode), default: [:]][name] = UInt64(bitPattern: value)
            }
        }
        return result
    }

    /// The per-type sums of the reservations against Node Allocatable: the
    /// first refusal the kubelet meets (it stops there).
    public static func validateReservedMemory(
        machine: MachineMemory, allocatable: [String: Quantity], reservations: [MemoryReservation]
    ) throws(RuleError) {
        if let first = sumErrors(machine: machine, allocatable: allocatable, reservations: reservations).first { throw first }
    }

    /// Every refusal of the per-type sums: a reservation on a node that does
    /// not exist (the first one), else every type whose sum differs, `memory`
    /// first. The kubelet reports one of them; swnuma reports them all.
    public static func sumErrors(machine: MachineMemory, allocatable: [String: Quantity], reservations: [MemoryReservation]) -> [RuleError] {
        var totals: [String: Quantity] = [:]
        let ids = Set(machine.nodes.map(\.id))
        for reservation in reservations {
            guard ids.contains(Int(reservation.numaNode)) else {
                return [.unknownNode(reservation.numaNode, existing: machine.nodes.map(\.id))]
            }
            for (name, quantity) in reservation.limits {
                guard let running = totals[name] else {
                    totals[name] = quantity
                    continue
                }
                do throws(QuantityError) {
                    totals[name] = try quantity.adding(running)
                } catch {
                    return [.tooLarge(error.description)]
                }
            }
        }
        var types = Set(totals.keys)
        for type in allocatable.keys where MemoryResource.isSupported(type) { types.insert(type) }
        var errors: [RuleError] = []
        for type in types.sorted(by: typeOrder) {
            let target = allocatable[type] ?? .zero
            let total = totals[type] ?? .zero
            if total.nanos != target.nanos {
                errors.append(.unequal(type: type, reserved: total, allocatable: target))
            }
        }
        return errors
    }

    /// `memory` first, then huge page types by name.
    static func typeOrder(_ a: String, _ b: String) -> Bool {
        if a == MemoryResource.memory { return b != MemoryResource.memory }
        if b == MemoryResource.memory { return false }
        return a < b
    }

    /// What the kubelet accepts but this machine makes wrong or pointless.
    static func beyondTheKubelet(_ settings: KubeletSettings, machine: MachineMemory) -> [Finding] {
        var findings: [Finding] = []
        for reservation in settings.reservedMemory {
            guard let node = machine.node(Int(reservation.numaNode)) else { continue }
            for (name, quantity) in reservation.limits {
                if quantity.isNegative {
                    findings.append(
                        Finding(.unsafe, "negative", "node \(node.id): \(name)=\(quantity) is negative; the kubelet would keep it as \(UInt64(bitPattern: quantity.int64Value ?? 0)) bytes",
                            advice: "give a positive quantity"))
                    continue
                }
                // A value the kubelet cannot turn into bytes is refused elsewhere; no comparison for it.
                guard let whole = quantity.int64Value else { continue }
                let bytes = UInt64(bitPattern: whole)
                if name == MemoryResource.memory {
                    if node.memory == 0 {
                        findings.append(
                            Finding(.unsafe, "node-without-memory", "node \(node.id) has no memory, yet \(quantity) of it is reserved",
                                advice: "move node \(node.id)'s reservation to a node with memory (see --kubelet-suggest)"))
                    } else if bytes > node.memory {
                        findings.append(
                            Finding(.unsafe, "reservation-exceeds-node",
                                "node \(node.id): reserved memory \(quantity) is more than its \(Quantity(Int64(clamping: node.memory), format: .binarySI)); its allocatable memory would wrap around",
                                advice: "reserve at most the node's memory (see --kubelet-suggest)"))
                    }
                    if !node.hasCPUs && node.memory > 0 {
                        findings.append(
                            Finding(.note, "memory-only-node", "node \(node.id) has memory but no CPUs: its reservation protects memory no pinned container's CPUs are local to",
                                advice: "nothing to change if that is meant"))
                    }
                } else if MemoryResource.isHugePages(name) {
                    if let pool = node.hugePages.first(where: { $0.resourceName == name }) {
                        if bytes > pool.bytes {
                            findings.append(
                                Finding(.unsafe, "hugepages-exceed-pool",
                                    "node \(node.id): reserved \(name) \(quantity) is more than its pool of \(pool.pages) pages (\(Quantity(Int64(clamping: pool.bytes), format: .binarySI)))",
                                    advice: "reserve at most the pool, or grow it (nr_hugepages)"))
                        }
                    } else {
                        let sizes = node.hugePages.map(\.resourceName).joined(separator: ", ")
                        findings.append(
                            Finding(.unsafe, "hugepages-no-pool", "node \(node.id) has no \(name) pool" + (sizes.isEmpty ? "" : " (it has \(sizes))") + ": the kubelet keeps no state for it",
                                advice: "name an existing huge page size"))
                    }
                }
            }
        }
        return findings
    }
}
