internal import KubeletMemory
internal import NUMA

/// `--kubelet-check`, `--kubelet-suggest` and `--kubelet-state`: the
/// kubelet memory manager's rules (``MemoryManagerRules``) applied to a
/// kubelet command line, or to the kubelet running under the root, and to
/// its checkpoint.
///
/// Exit status: 0 when the kubelet would accept the settings or checkpoint;
/// 3 when it would refuse them or they are unsafe; 1 when they cannot be
/// read (a missing or malformed file, no kubelet to check).
enum KubeletCommand {
    enum Request {
        case check, suggest, state
    }

    /// The words after a kubelet option: the kubelet's arguments, or
    /// `--kubelet-state`'s one file. Only `--kubelet-state`'s file may be
    /// attached (`=FILE`).
    static func arguments(_ line: ScannedLine, _ id: OptionID) throws(UsageError) -> [String] {
        guard let option = line.options.last(where: { $0.id == id }) else { return [] }
        if id != .kubeletState, let value = option.value {
            throw UsageError("--\(id) takes no value: write the kubelet's arguments after it, not '=\(value)'")
        }
        return (option.value.map { [$0] } ?? []) + option.rest
    }

    static func perform(_ request: Request, _ arguments: [String], root: SystemRoot, json: Bool) -> Outcome {
        do throws(KubeletInputError) {
            switch request {
            case .check: return try check(arguments, root: root, json: json)
            case .suggest: return try suggest(arguments, root: root, json: json)
            case .state: return try state(arguments.first, root: root, json: json)
            }
        } catch {
            // Every refusal ends here: the one place its text, which quotes
            // files, flags and YAML lines, is made safe for a terminal.
            return .failure(escapedForDisplay(error.description))
        }
    }

    /// Where the settings came from.
    struct Source {
        var settings: KubeletSettings
        /// `the command line` or `kubelet pid N`.
        var origin: String
        var pid: Int?
        /// Said on stderr: several kubelets ran, and which was taken.
        var note: String? = nil
    }

    /// The settings of `arguments`, or of the kubelet running under `root` when there are none.
    static func settings(_ arguments: [String], root: SystemRoot, required: Bool = true) throws(KubeletInputError) -> Source? {
        if !arguments.isEmpty {
            // Files named on swnuma's own command line are read as typed, from this machine.
            return Source(
                settings: try KubeletSettings.load(arguments: arguments, root: .live, relativeRoot: .typed), origin: "the command line", pid: nil)
        }
        let discovery = RunningKubelet.discover(in: root)
        guard let kubelet = discovery.taken else {
            if !required { return nil }
            if let note = discovery.note { throw KubeletInputError(note) }
            throw KubeletInputError(
                "no kubelet is running under '\(root.path)' (no process named kubelet in \(root.resolve("proc"))): give the kubelet's arguments after the option")
        }
        return Source(
            settings: try KubeletSettings.load(arguments: kubelet.arguments, root: root), origin: "kubelet pid \(kubelet.pid)",
            pid: kubelet.pid, note: discovery.note)
    }

    // MARK: --kubelet-check

    static func check(_ arguments: [String], root: SystemRoot, json: Bool) throws(KubeletInputError) -> Outcome {
        guard let source = try settings(arguments, root: root) else { return Outcome(status: 1) }
        let machine = MachineMemory.read(from: root)
        let report = MemoryManagerRules.check(source.settings, machine: machine)
        var outcome = Outcome(status: report.hasProblems ? 3 : 0)
        if let note = source.note { outcome.complain("warning: \(escapedForDisplay(note))") }
        outcome.stdout = json ? KubeletJSON.check(report, source: source).render() : KubeletText.check(report, source: source)
        return outcome
    }

    // MARK: --kubelet-suggest

    static func suggest(_ arguments: [String], root: SystemRoot, json: Bool) throws(KubeletInputError) -> Outcome {
        guard let source = try settings(arguments, root: root) else { return Outcome(status: 1) }
        let machine = MachineMemory.read(from: root)
        var findings = source.settings.refusals.filter { !$0.rule.hasPrefix("reserved-memory") }
        let allocatable = NodeAllocatableMemory.compute(source.settings, capacity: machine.capacity, findings: &findings)
        var suggestion: ReservationSuggestion?
        if findings.isEmpty {
            suggestion = ReservationSuggestion.split(total: allocatable.total, machine: machine)
            if suggestion == nil {
                findings.append(
                    Finding(.refusal, "no-reserved-memory",
                        allocatable.total.isZero
                            ? "[memorymanager] you should specify the system reserved memory"
                            : "Node Allocatable memory \(allocatable.total) is not a whole number of bytes, or no node has memory",
                        advice: "reserve memory for the system first: --system-reserved=memory=1Gi or --kube-reserved=memory=..., or keep the eviction threshold"))
            }
        }
        for share in suggestion?.shares ?? [] {
            let memory = machine.node(share.node)?.memory ?? 0
            if share.bytes > memory {
                findings.append(
                    Finding(.unsafe, "reservation-exceeds-node",
                        "node \(share.node)'s share \(share.quantity) is more than its \(KubeletText.bytes(memory)) of memory: the machine is too small for a Node Allocatable reservation of \(allocatable.total)",
                        advice: "lower --system-reserved/--kube-reserved memory or the eviction threshold"))
            }
        }
        var outcome = Outcome(status: suggestion == nil || !findings.isEmpty ? 3 : 0)
        if let note = source.note { outcome.complain("warning: \(escapedForDisplay(note))") }
        outcome.stdout =
            json
            ? KubeletJSON.suggest(suggestion, allocatable: allocatable, findings: findings, source: source, machine: machine).render()
            : KubeletText.suggest(suggestion, allocatable: allocatable, findings: findings, source: source, machine: machine)
        return outcome
    }

    // MARK: --kubelet-state

    /// What `--kubelet-state` found.
    struct StateReport {
        var path: String
        var checkpoint: Checkpoint
        /// Where the reservations of the expected state came from.
        var basis: String
        var expected: MachineState?
        var differences: [MachineState.Difference]
        var findings: [Finding]

        var refused: Bool { findings.contains { $0.severity != .note } }
    }

    static func state(_ file: String?, root: SystemRoot, json: Bool) throws(KubeletInputError) -> Outcome {
        let source = file == nil ? try settings([], root: root, required: false) : nil
        let path = file ?? (source?.settings.checkpointPath ?? "/var/lib/kubelet/memory_manager_state")
        let base = file.map { $0.hasPrefix("/") ? SystemRoot.live : .typed } ?? root
        let relative = path.hasPrefix("/") ? String(path.drop(while: { $0 == "/" })) : path
        guard !relative.isEmpty else {
            throw KubeletInputError("cannot read the memory manager checkpoint '\(base.resolve(relative))'")
        }
        let bytes: [UInt8]
        switch base.read(relative, limit: Checkpoint.sizeLimit) {
        case .success(let read): bytes = read
        case .failure(let error): throw KubeletInputError("cannot read the memory manager checkpoint: \(error.description)")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.parse(bytes)
        } catch {
            throw KubeletInputError("'\(base.resolve(relative))' is not a memory manager checkpoint: \(error.description)")
        }
        let report = stateReport(checkpoint, path: path, source: source, machine: MachineMemory.read(from: root))
        var outcome = Outcome(status: report.refused ? 3 : 0)
        if let note = source?.note { outcome.complain("warning: \(escapedForDisplay(note))") }
        outcome.stdout = json ? KubeletJSON.state(report).render() : KubeletText.state(report)
        return outcome
    }

    static func stateReport(_ checkpoint: Checkpoint, path: String, source: Source?, machine: MachineMemory) -> StateReport {
        var findings: [Finding] = []
        let drain = "drain the node, delete \(path) and restart the kubelet"
        if !checkpoint.checksumValid {
            findings.append(
                Finding(.refusal, "checksum",
                    "could not restore state from checkpoint: checkpoint is corrupted, please drain this node and delete the memory manager checkpoint file \"\(path)\" before restarting Kubelet",
                    advice: drain))
        }
        if checkpoint.legacyChecksumValid == false {
            findings.append(
                Finding(.note, "legacy-checksum", "the v1 part of this v3 checkpoint has a wrong checksum: a kubelet older than the v3 format would refuse it",
                    advice: "do not roll the kubelet back to an older version with this checkpoint"))
        }
        var reserved: [Int: [String: UInt64]] = [:]
        var basis = "the checkpoint's own system-reserved values"
        if let source {
            let settings = source.settings
            let policy = settings.memoryManagerPolicy
            if policy != checkpoint.policyName {
                findings.append(
                    Finding(.refusal, "policy-changed",
                        "could not restore state from checkpoint: [memorymanager] configured policy \"\(policy)\" differs from state checkpoint policy \"\(checkpoint.policyName)\", please drain this node and delete the memory manager checkpoint file \"\(path)\" before restarting Kubelet",
                        advice: drain))
            }
            let report = MemoryManagerRules.check(settings, machine: machine)
            if policy == "Static", !report.refused {
                reserved = report.reserved
                basis = "the settings of \(source.origin)"
            }
        }
        if basis.hasPrefix("the checkpoint") {
            for (id, node) in checkpoint.machineState.nodes {
                reserved[id] = node.memoryMap.mapValues(\.systemReserved)
            }
        }
        var expected: MachineState?
        var differences: [MachineState.Difference] = []
        if checkpoint.policyName == "Static" {
            let initial = MachineState.initial(machine: machine, reserved: reserved)
            if checkpoint.machineState.nodes.isEmpty {
                if !checkpoint.entries.isEmpty {
                    findings.append(
                        Finding(.refusal, "empty-machine-state", "[memorymanager] machine state can not be empty when it has memory assignments",
                            advice: drain))
                }
            } else {
                do throws(MachineState.ReplayError) {
                    let replayed = try initial.replaying(checkpoint.entries)
                    expected = replayed
                    differences = replayed.differences(from: checkpoint.machineState)
                    if !differences.isEmpty {
                        let changed = Set(differences.map { "node \($0.node)" + ($0.type.map { " \($0)" } ?? "") }).sorted().joined(separator: ", ")
                        findings.append(
                            Finding(.refusal, "machine-state",
                                "[memorymanager] the expected machine state is different from the real one (changed: \(changed))",
                                advice: drain))
                    }
                } catch {
                    findings.append(Finding(.refusal, "assignment", error.description, advice: drain))
                }
            }
        }
        return StateReport(path: path, checkpoint: checkpoint, basis: basis, expected: expected, differences: differences, findings: findings)
    }
}
