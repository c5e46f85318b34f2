package import NUMA

/// A step with its `<nodes>`/`<cpus>` resolved against the system.
enum ResolvedStep {
    case policy(MemoryPolicy, PolicyKind, option: String, requested: NodeSet)
    case affinity(CPUSet, option: String, nodes: NodeSet?)
}

/// What was read of the system a mode acts on, read lazily: topology and
/// limits are loaded only when a mode asks for them, and once.
package struct Context {
    let root: SystemRoot
    /// What the command needs of the topology: -H needs it all, --show and
    /// CPU binding only the CPUs of each node.
    var topologyOptions: Topology.LoadOptions = []
    private var loadedTopology: Topology?
    private var loadedLimits: ProcessLimits?
    private var numaChecked = false

    package init(root: SystemRoot) {
        self.root = root
    }

    var topology: Topology {
        mutating get {
            if let loadedTopology { return loadedTopology }
            let topology = Topology.load(from: root, options: topologyOptions)
            loadedTopology = topology
            return topology
        }
    }

    var limits: ProcessLimits {
        mutating get {
            if let loadedLimits { return loadedLimits }
            let limits = ProcessLimits.read(from: root)
            loadedLimits = limits
            return limits
        }
    }

    /// What numactl's modes (and `--nfd-features`, for `--require`) do
    /// before their own work: `--require` parsed (a malformed one is a
    /// usage error), warnings printed, a snapshot refused where the live
    /// system is needed, requirements checked (exit 3 when one does not
    /// hold), and the policy and binding steps resolved and applied.
    ///
    /// - Parameters:
    ///   - topology: what the mode needs of the topology (nil: each node's
    ///     CPUs only, unless requirements need more).
    ///   - needsLiveSystem: whether the mode acts on this process or system.
    /// - Returns: the outcome so far, and whether the mode stops there
    ///   (a refusal, a failed requirement, or `--require` alone).
    mutating func prepare(
        _ plan: NumactlPlan, topology needs: Topology.LoadOptions?, needsLiveSystem: Bool, requirementsAlone: Bool = false
    ) -> (outcome: Outcome, done: Bool) {
        var requirements: [Requirement] = []
        for text in plan.requirements {
            do {
                requirements.append(try Requirement.parse(text))
            } catch {
                return (.usage(error.description), true)
            }
        }
        var outcome = Outcome()
        for warning in plan.warnings { outcome.complain(warning) }
        if requirements.contains(where: \.quantity.needsHugePages) {
            topologyOptions = .hugePages
        } else if let needs {
            topologyOptions = needs
        } else if requirements.isEmpty {
            // Launches and --show need each node's CPUs; memory is read only when asked (nodesWithMemory).
            topologyOptions = [.skipDistances, .skipMemory]
        }
        if (needsLiveSystem || !plan.steps.isEmpty) && !root.isLive {
            return (
                .failure(
                    "'\(root.path)' is a snapshot of another machine: policies, --show and commands need the live system (drop --root and \(SystemRoot.environmentVariable))"
                ), true
            )
        }
        // Requirements are checked before any policy is resolved or applied.
        if !requirements.isEmpty {
            let topology = self.topology
            let root = self.root
            let report = RequirementReport(requirements, in: topology) { MemoryKinds.read(from: root, topology: topology) }
            for failure in report.failures { outcome.complain(failure) }
            if !report.allHold { outcome.status = 3 }
            if requirementsAlone {
                if plan.json { outcome.stdout += report.renderJSON() }
                return (outcome, true)
            }
            if !report.allHold { return (outcome, true) }
        }
        var resolved: [ResolvedStep] = []
        for step in plan.steps {
            do {
                resolved.append(try resolve(step))
            } catch {
                return (.failure(error.description), true)
            }
        }
        for step in resolved {
            if let failure = apply(step) { return (.failure(failure), true) }
        }
        return (outcome, false)
    }

    // MARK: Resolving <nodes> and <cpus>

    mutating func resolve(_ step: Step) throws(NUMAError) -> ResolvedStep {
        switch step {
        case .policy(let kind, let spec, let all, let balancing, let option):
            try requireNUMA()
            let nodes = try spec.map { spec throws(NUMAError) in
                try NodeSet.parse(spec, rules: memoryRules(all: all))
            } ?? []
            return .policy(try policy(kind, nodes: nodes, balancing: balancing, option: option), kind, option: option, requested: nodes)
        case .cpuNodes(let spec, let all, let option):
            try requireNUMA()
            let nodes = try NodeSet.parse(spec, rules: cpuNodeRules(all: all))
            let topology = self.topology
            let cpus = nodes.reduce(CPUSet()) { $0.union(topology.node($1)?.cpus ?? []) }
            return .affinity(cpus, option: option, nodes: nodes)
        case .cpus(let spec, let all, let option):
            return .affinity(try CPUSet.parse(spec, rules: cpuRules(all: all)), option: option, nodes: nil)
        }
    }

    /// Refuses when the kernel has no memory policies; asks the kernel once.
    mutating func requireNUMA() throws(NUMAError) {
        if numaChecked { return }
        guard MemoryPolicy.isSupported else {
            throw NUMAError(.unsupported, "this kernel does not support NUMA memory policies")
        }
        numaChecked = true
    }

    func policy(_ kind: PolicyKind, nodes: NodeSet, balancing: Bool, option: String) throws(NUMAError) -> MemoryPolicy {
        switch kind {
        case .interleave:
            return nodes.isEmpty ? MemoryPolicy(.default) : MemoryPolicy(.interleave, nodes: nodes)
        case .weightedInterleave:
            guard root.isDirectory("sys/kernel/mm/mempolicy/weighted_interleave") else {
                throw NUMAError(.unsupported, "\(option): weighted interleave needs Linux 6.9 or later; this kernel has no /sys/kernel/mm/mempolicy/weighted_interleave")
            }
            return nodes.isEmpty ? MemoryPolicy(.default) : MemoryPolicy(.weightedInterleave, nodes: nodes)
        case .preferred:
            guard nodes.count == 1 else {
                throw NUMAError(.invalidArgument, "\(option) takes exactly one node; '\(nodes)' names \(nodes.count)")
            }
            return MemoryPolicy(.preferred, nodes: nodes)
        case .preferredMany:
            guard !nodes.isEmpty else { throw NUMAError(.invalidArgument, "\(option): the node set is empty") }
            return MemoryPolicy(.preferredMany, nodes: nodes)
        case .membind:
            guard !nodes.isEmpty else { throw NUMAError(.invalidArgument, "\(option): the node set is empty") }
            return MemoryPolicy(.bind, flags: balancing ? .numaBalancing : [], nodes: nodes)
        case .localalloc:
            return MemoryPolicy(.local)
        }
    }

    /// Rules for memory options: nodes the cpuset lets us allocate from.
    ///
    /// A launch reads no node's meminfo when Mems_allowed is there: which
    /// nodes have memory is read only to explain a refusal.
    mutating func memoryRules(all: Bool) -> SpecRules<NodeKind> {
        let existing = topology.nodeIDs
        let root = self.root
        // On the live system the kernel says Mems_allowed in one call; a
        // snapshot's (or a refusing kernel's) comes from proc/self/status.
        let memsAllowed = (root.isLive ? ProcessLimits.currentMemsAllowed() : nil) ?? limits.memsAllowed
        let mems = memsAllowed.map { $0.intersection(existing) } ?? nodesWithMemory()
        return SpecRules(
            existing: existing, allowed: all ? existing : mems,
            refusal: { id in
                let withMemory = Topology.load(from: root, options: .skipDistances).nodesWithMemory
                return withMemory.contains(id)
                    ? "node \(id) is outside this process's cpuset: it may allocate from nodes \(mems) (Mems_allowed)"
                    : "node \(id) has no memory; nodes with memory are \(withMemory)"
            },
            resolveDevice: deviceResolver())
    }

    /// The nodes with memory, reading meminfo if the topology was loaded without it.
    mutating func nodesWithMemory() -> NodeSet {
        if topologyOptions.contains(.skipMemory) {
            return Topology.load(from: root, options: .skipDistances).nodesWithMemory
        }
        return topology.nodesWithMemory
    }

    /// Rules for `-N`: any node with CPUs, memory or not.
    ///
    /// Whether the cpuset lets the process run there is the kernel's to say
    /// when the affinity is set (``explainAffinityFailure``): checking it here
    /// would cost every launch the reads of /proc/self/mounts and the cgroup.
    /// `taskset -c 0 swnuma -N 1` widens the affinity to node 1's CPUs, as
    /// numactl does.
    mutating func cpuNodeRules(all: Bool) -> SpecRules<NodeKind> {
        let topology = self.topology
        let existing = topology.nodeIDs
        let withCPUs = topology.nodesWithCPUs
        return SpecRules(
            existing: existing, allowed: all ? existing : withCPUs,
            refusal: { id in "node \(id) has no CPUs; nodes with CPUs are \(withCPUs)" },
            resolveDevice: deviceResolver())
    }

    /// Rules for `-C`: CPUs in this process's affinity at start.
    mutating func cpuRules(all: Bool) -> SpecRules<CPUKind> {
        let existing = configuredCPUs()
        let allowed = limits.cpusAllowed.map { $0.intersection(existing) } ?? existing
        return SpecRules(
            existing: existing, allowed: all ? existing : allowed,
            refusal: { id in "cpu \(id) is outside this process's allowed CPUs \(allowed) (Cpus_allowed)" })
    }

    /// The CPUs the kernel has configured: `present`, else the `cpuN` folders, else the nodes' CPUs.
    mutating func configuredCPUs() -> CPUSet {
        if let text = root.readText("sys/devices/system/cpu/present"), let cpus = CPUSet(list: text), !cpus.isEmpty {
            return cpus
        }
        return topology.cpus
    }

    func deviceResolver() -> @Sendable (String) throws(NUMAError) -> NodeSet {
        let root = self.root
        return { spec throws(NUMAError) in try DeviceAffinity.nodes(for: spec, root: root) }
    }

    // MARK: Applying

    /// Applies a step; returns the message when the kernel refuses.
    mutating func apply(_ step: ResolvedStep) -> String? {
        switch step {
        case .policy(var policy, let kind, let option, let requested):
            do {
                // The mask is as wide as the kernel's when proc/self/status was read for
                // its width, else 1024 bits: wide enough wherever get_mempolicy answered.
                try policy.apply(maskBits: loadedLimits?.nodeMaskBits)
                return nil
            } catch {
                if policy.flags.contains(.numaBalancing), error.errno == .invalidArgument {
                    policy.flags.remove(.numaBalancing)
                    if (try? policy.apply(maskBits: loadedLimits?.nodeMaskBits)) != nil { return nil }
                }
                return explainPolicyFailure(error, kind: kind, option: option, requested: requested)
            }
        case .affinity(let cpus, let option, let nodes):
            do {
                try CPUAffinity.set(cpus)
                return nil
            } catch {
                return explainAffinityFailure(error, cpus: cpus, option: option, nodes: nodes)
            }
        }
    }

    /// Why the kernel refused an affinity: no CPUs, or none in the cpuset.
    func explainAffinityFailure(_ error: NUMAError, cpus: CPUSet, option: String, nodes: NodeSet?) -> String {
        let what = nodes.map { "the CPUs of node(s) \($0) (\(cpus))" } ?? "CPUs \(cpus)"
        if cpus.isEmpty { return "\(option): no CPUs to run on" }
        if error.errno == .invalidArgument, let cpuset = Cpuset.read(from: root), let allowed = cpuset.cpus,
            cpus.intersection(allowed).isEmpty
        {
            return "\(option): \(what) are outside this process's cpuset: it may run on CPUs \(allowed) (cpuset \(cpuset.path))"
        }
        return "\(option): the kernel refused to run on \(what): \(error.errno.map(\.description) ?? error.description)"
    }

    mutating func explainPolicyFailure(_ error: NUMAError, kind: PolicyKind, option: String, requested: NodeSet) -> String {
        let withMemory = nodesWithMemory()
        let mems = limits.memsAllowed ?? withMemory
        let noMemory = requested.subtracting(withMemory)
        let outside = requested.intersection(withMemory).subtracting(mems)
        if error.errno == .invalidArgument {
            if !noMemory.isEmpty && requested.intersection(withMemory).isEmpty {
                return "\(option): node(s) \(noMemory) have no memory; nodes with memory are \(withMemory)"
            }
            if !outside.isEmpty {
                return "\(option): node(s) \(outside) are outside this process's cpuset, which allows memory from nodes \(mems) (Mems_allowed)"
            }
            if kind == .preferredMany {
                return "\(option): this kernel refused MPOL_PREFERRED_MANY: preferred-many needs Linux 5.15 or later"
            }
        }
        return "\(option): setting the \(kind.rawValue) policy on nodes \(requested) failed: \(error)"
    }
}
