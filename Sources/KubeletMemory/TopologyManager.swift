public import NUMA

/// The Topology Manager's start-up rules: policy and scope names, its
/// options by release, and the refusal on machines with many NUMA nodes.
public enum TopologyManagerRules: PolicyOptionRules {
    static let manager = "Topology Manager"
    static let optionFinding = "topology-policy-option"

    public static let policies = ["none", "best-effort", "restricted", "single-numa-node"]
    public static let scopes = ["container", "pod"]
    /// The number of NUMA nodes above which a policy other than none is
    /// refused, unless `max-allowable-numa-nodes` raises it.
    public static let defaultMaxNUMANodes = 8

    public static let optionNames = ["prefer-closest-numa-nodes", "max-allowable-numa-nodes"]

    /// Each option's stage by release (nil: the release does not know it).
    public static func stage(of option: String, in release: KubeletRelease) -> OptionStage? {
        let m = release.minor
        switch option {
        case "prefer-closest-numa-nodes": return m >= 32 ? .ga : m >= 28 ? .beta : m >= 26 ? .alpha : nil
        case "max-allowable-numa-nodes": return m >= 35 ? .ga : m >= 31 ? .beta : nil
        default: return nil
        }
    }

    /// What the Topology Manager starts with.
    public struct Plan: Hashable, Sendable {
        public var policy: String
        public var scope: String
        public var preferClosest = false
        public var maxNUMANodes = TopologyManagerRules.defaultMaxNUMANodes
    }

    /// The checks, in the kubelet's order: options, the policy name and the
    /// node count, the scope.
    public static func check(_ settings: KubeletSettings, numaNodes: Int, release: KubeletRelease = .current) -> (findings: [Finding], plan: Plan) {
        var findings: [Finding] = []
        var plan = Plan(policy: settings.topologyManagerPolicy, scope: settings.topologyManagerScope)
        /// An option's value the kubelet refuses.
        func refuseValue(_ message: String, advice: String) {
            findings.append(Finding(.refusal, "topology-policy-option-value", message, advice: advice))
        }
        for (name, value) in settings.topologyManagerPolicyOptions {
            if let refusal = refusal(of: name, release: release, gates: settings.featureGates) {
                findings.append(refusal)
                continue
            }
            if name == "prefer-closest-numa-nodes" {
                guard let flag = KubeletSettings.goParseBool(value) else {
                    refuseValue("bad value for option \"\(name)\": strconv.ParseBool: parsing \(goQuote(value)): invalid syntax", advice: "give \(name)=true or \(name)=false")
                    continue
                }
                plan.preferClosest = flag
            } else {
                // strconv.Atoi: an optional sign, then decimal digits.
                let digits = value.utf8.first == 43 || value.utf8.first == 45 ? value.utf8.dropFirst() : value.utf8[...]
                guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(value) else {
                    let why = !digits.isEmpty && digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? "value out of range" : "invalid syntax"
                    refuseValue(
                        "unable to convert policy option to integer \"\(name)\": strconv.Atoi: parsing \(goQuote(value)): \(why)",
                        advice: "give \(name) a whole number of NUMA nodes, such as \(max(numaNodes, 9))")
                    continue
                }
                if number < defaultMaxNUMANodes {
                    refuseValue(
                        "the minimum value of \"\(name)\" should not be less than \(defaultMaxNUMANodes)",
                        advice: "give at least \(defaultMaxNUMANodes) (\(number) was given), or drop the option")
                    continue
                }
                plan.maxNUMANodes = number
            }
        }
        if !policies.contains(settings.topologyManagerPolicy) {
            findings.append(
                Finding(.refusal, "topology-policy", "unknown policy: \"\(settings.topologyManagerPolicy)\"",
                    advice: "set --topology-manager-policy to none, best-effort, restricted or single-numa-node"))
        } else if settings.topologyManagerPolicy != "none", numaNodes > plan.maxNUMANodes {
            let allowed = stage(of: "max-allowable-numa-nodes", in: release) != nil
            findings.append(
                Finding(.refusal, "topology-numa-nodes",
                    "unsupported on machines with more than \(plan.maxNUMANodes) NUMA Nodes",
                    advice: allowed
                        ? "this machine has \(numaNodes) NUMA nodes: add --topology-manager-policy-options=max-allowable-numa-nodes=\(numaNodes) (admission gets slower as nodes grow), or set --topology-manager-policy=none"
                        : "this machine has \(numaNodes) NUMA nodes and Kubernetes \(release) has no max-allowable-numa-nodes (from 1.31): set --topology-manager-policy=none, or upgrade"))
        }
        if !scopes.contains(settings.topologyManagerScope) {
            findings.append(
                Finding(.refusal, "topology-scope", "unknown scope: \"\(settings.topologyManagerScope)\"",
                    advice: "set --topology-manager-scope to container or pod"))
        }
        return (findings, plan)
    }
}

/// The CPU, memory and Topology Managers together on one machine: each
/// one's start-up rules, the CPU manager's checkpoint, and how their
/// reservations agree.
public enum NodeManagersRules {
    /// Every finding of the CPU and Topology Managers and of their
    /// consistency with the memory manager's `report`, for `--kubelet-check`.
    public static func check(_ settings: KubeletSettings, memory report: MemoryManagerReport, root: SystemRoot, release: KubeletRelease = .current) -> [Finding] {
        let machine = MachineCPUs.read(from: root)
        let cpu = CPUManagerRules.check(settings, machine: machine, release: release)
        // The memory checks already report a malformed flag or file.
        var findings = cpu.findings.filter { !report.settings.refusals.contains($0) }
        findings += TopologyManagerRules.check(settings, numaNodes: machine.nodeIDs.count, release: release).findings
        findings += consistency(settings, machine: machine, memory: report, reservedCPUs: cpu.plan.reserved)
        let path = joinPath(settings.rootDirectory, "cpu_manager_state")
        let relative = String(path.drop(while: { $0 == "/" }))
        if settings.cpuManagerPolicy == "static" || settings.cpuManagerPolicy == "none", case .success(let bytes) = root.read(relative, limit: CPUCheckpoint.sizeLimit) {
            do {
                let checkpoint = try CPUCheckpoint.parse(bytes, release: release, podLevel: settings.podLevelResourceManagers)
                let strict = cpu.plan.options["strict-cpu-reservation"].flatMap(KubeletSettings.goParseBool) == true
                findings += CPUManagerRules.checkState(
                    checkpoint, path: path, settings: settings, machine: machine, reserved: cpu.plan.reserved, strict: strict)
            } catch {
                findings.append(
                    Finding(.refusal, "cpu-checkpoint", "could not restore state from checkpoint: \(escapedForDisplay(error.description))",
                        advice: "drain the node, stop the kubelet, delete \(path), start the kubelet, uncordon"))
            }
        }
        return findings
    }

    /// How the managers' reservations agree on `machine`.
    public static func consistency(_ settings: KubeletSettings, machine: MachineCPUs, memory report: MemoryManagerReport, reservedCPUs: [Int]?) -> [Finding] {
        var findings: [Finding] = []
        let staticCPU = settings.cpuManagerPolicy == "static"
        let staticMemory = settings.memoryManagerPolicy == "Static"
        let reserved = Set(reservedCPUs ?? [])
        // Per NUMA node: reserved memory, reserved CPUs.
        var memoryNodes = Set<Int>()
        var hugeByNode: [Int: Set<String>] = [:]
        for reservation in settings.reservedMemory {
            for (name, quantity) in reservation.limits where !quantity.isZero {
                if name == MemoryResource.memory { memoryNodes.insert(Int(reservation.numaNode)) }
                if MemoryResource.isHugePages(name) { hugeByNode[Int(reservation.numaNode), default: []].insert(name) }
            }
        }
        let cpuNodes = Set(reserved.compactMap { machine.node[$0] })
        if staticCPU && staticMemory && reservedCPUs != nil && !report.refused {
            for node in memoryNodes.subtracting(cpuNodes).sorted() where !machine.cpus(ofNode: node).isEmpty {
                findings.append(
                    Finding(.note, "memory-without-cpus",
                        "node \(node) has reserved memory but none of the reserved CPUs (\(CPUList.format(reserved))): the system's memory and its CPUs are on different nodes",
                        advice: "reserve a CPU of node \(node) (\(CPUList.format(machine.cpus(ofNode: node).prefix(1)))) too, or move the memory reservation to node \(cpuNodes.sorted().map(String.init).joined(separator: ","))"))
            }
            for node in cpuNodes.subtracting(memoryNodes).sorted() {
                findings.append(
                    Finding(.note, "cpus-without-memory",
                        "node \(node) has reserved CPUs (\(CPUList.format(reserved.filter { machine.node[$0] == node }))) but no reserved memory: the system's processes there take memory the memory manager gives to pods",
                        advice: "add node \(node) to --reserved-memory (see --kubelet-suggest), or reserve CPUs of the nodes whose memory is reserved"))
            }
        }
        if staticCPU, reservedCPUs != nil {
            for node in machine.nodeIDs {
                let cpus = machine.cpus(ofNode: node)
                if !cpus.isEmpty, cpus.allSatisfy({ reserved.contains($0) }), machine.online.count > cpus.count {
                    findings.append(
                        Finding(.unsafe, "node-all-cpus-reserved",
                            "every CPU of node \(node) (\(CPUList.format(cpus))) is reserved: no container can have an exclusive CPU there"
                                + (settings.topologyManagerPolicy == "single-numa-node" || settings.topologyManagerPolicy == "restricted"
                                    ? ", and under \(settings.topologyManagerPolicy) no container with exclusive CPUs can take node \(node)'s memory" : ""),
                            advice: "reserve CPUs spread over the nodes, or fewer of node \(node)'s"))
                }
            }
        }
        if let state = report.machineState {
            for (node, table) in state.nodes.sorted(by: { $0.key < $1.key }) {
                guard let memory = table.memoryMap[MemoryResource.memory], memory.total > 0 else { continue }
                if memory.allocatable == 0 || memory.allocatable > memory.total {
                    findings.append(
                        Finding(.unsafe, "node-no-memory-left",
                            "node \(node) has no memory left for containers after its reservation and huge pages",
                            advice: "reserve less of node \(node)'s memory, or fewer of its huge pages"))
                }
            }
        }
        // Huge page sizes: reserved on one node, absent on another's pool.
        if staticMemory {
            let sizes = Set(hugeByNode.values.flatMap { $0 })
            var memoryMachine = Set<String>()
            for node in report.machine.nodes { node.hugePages.filter { $0.pages > 0 }.forEach { memoryMachine.insert($0.resourceName) } }
            for size in sizes.sorted() {
                let nodesWith = hugeByNode.filter { $0.value.contains(size) }.keys.sorted()
                let pools = report.machine.nodes.filter { node in node.hugePages.contains { $0.resourceName == size && $0.pages > 0 } }.map(\.id)
                let missing = pools.filter { !nodesWith.contains($0) }
                if !missing.isEmpty {
                    findings.append(
                        Finding(.note, "hugepages-reserved-partly",
                            "\(size) is reserved on node \(nodesWith.map(String.init).joined(separator: ",")) but not on node \(missing.map(String.init).joined(separator: ",")), which also has a \(size) pool",
                            advice: "reserve \(size) on every node with the pool, or on none"))
                }
            }
            for size in memoryMachine.sorted() where !sizes.contains(size) && !hugeByNode.isEmpty {
                findings.append(
                    Finding(.note, "hugepages-not-reserved",
                        "the machine has \(size) pools but --reserved-memory reserves other huge page sizes only",
                        advice: "nothing to change unless the system uses \(size) pages"))
            }
        }
        return findings
    }
}
