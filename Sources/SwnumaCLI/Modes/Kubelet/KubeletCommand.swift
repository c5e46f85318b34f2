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
package enum KubeletCommand {
    package enum Request: Sendable {
        case check, suggest, state

        /// The option that asks for it.
        var option: OptionID {
            switch self {
            case .check: .kubeletCheck
            case .suggest: .kubeletSuggest
            case .state: .kubeletState
            }
        }
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

    /// `--kubelet-version X.Y`, the newest modelled release when absent.
    static func release(_ line: ScannedLine) throws(UsageError) -> KubeletRelease {
        guard let option = line.options.last(where: { $0.id == .kubeletVersion }) else { return .newest }
        let text = option.value ?? ""
        guard let release = KubeletRelease(text) else {
            throw UsageError(
                "--kubelet-version: '\(escapedForDisplay(text))' is not a Kubernetes release swnuma models: give one from \(KubeletRelease.oldest) to \(KubeletRelease.newest)")
        }
        return release
    }

    static func perform(_ request: Request, _ arguments: [String], root: SystemRoot, json: Bool, release: KubeletRelease = .newest) -> Outcome {
        do throws(KubeletInputError) {
            switch request {
            case .check: return try check(arguments, root: root, json: json, release: release)
            case .suggest: return try suggest(arguments, root: root, json: json, release: release)
            case .state:
                // `--kubelet-state [FILE] [KUBELET-ARGS...]`: a first word that is not a flag is the file.
                let file = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
                return try state(file, Array(arguments.dropFirst(file == nil ? 0 : 1)), root: root, json: json, release: release)
            }
        } catch {
            // Every refusal ends here, its text already safe for a terminal:
            // ``KubeletInputError`` escapes what it quotes as it is built.
            return .failure(error.description)
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
    static func settings(_ arguments: [String], root: SystemRoot, required: Bool = true, release: KubeletRelease) throws(KubeletInputError) -> Source? {
        if !arguments.isEmpty {
            // Files named on swnuma's own command line are read as typed, from this machine.
            return Source(
                settings: try KubeletSettings.load(arguments: arguments, root: .live, relativeRoot: .typed, release: release),
                origin: "the command line", pid: nil)
        }
        let discovery = RunningKubelet.discover(in: root)
        guard let kubelet = discovery.taken else {
            if !required { return nil }
            if let note = discovery.note { throw KubeletInputError("\(note)") }
            throw KubeletInputError(
                "no kubelet is running under '\(root.path)' (no process named kubelet in \(root.resolve("proc"))): give the kubelet's arguments after the option")
        }
        return Source(
            settings: try KubeletSettings.load(arguments: kubelet.arguments, root: root, release: release), origin: "kubelet pid \(kubelet.pid)",
            pid: kubelet.pid, note: discovery.note)
    }

    /// `body` on the settings `--kubelet-fit` and `--node-resource-topology`
    /// start from: those of `arguments` or of the kubelet running under
    /// `root`, else the kubelet's defaults (a snapshot without one), read by
    /// the rules of `release`. A failure instead when they cannot be read,
    /// or hold what the kubelet refuses while reading them.
    static func withSettingsOrDefaults(
        _ arguments: [String], root: SystemRoot, release: KubeletRelease, _ body: (_ source: Source?, _ settings: KubeletSettings) -> Outcome
    ) -> Outcome {
        let source: Source?
        do throws(KubeletInputError) {
            source = try settings(arguments, root: root, required: false, release: release)
        } catch {
            return .failure(error.description)
        }
        var settings = source?.settings ?? KubeletSettings()
        settings.release = release
        if let refusal = settings.refusals.first(where: { $0.severity == .refusal }) {
            return .failure("the kubelet's settings cannot be read: \(escapedForDisplay(refusal.message))")
        }
        return body(source, settings)
    }

    /// On stderr, where the settings of ``withSettingsOrDefaults(_:root:release:_:)``
    /// came from when that needs saying.
    static func complainAboutOrigin(_ source: Source?, _ outcome: inout Outcome) {
        if let note = source?.note { outcome.complain("warning: \(note)") }
        if source == nil { outcome.complain("note: no kubelet runs under the root and no arguments were given: the kubelet's defaults are used") }
    }

    // MARK: --kubelet-check

    static func check(_ arguments: [String], root: SystemRoot, json: Bool, release: KubeletRelease) throws(KubeletInputError) -> Outcome {
        guard let source = try settings(arguments, root: root, release: release) else { return Outcome(status: 1) }
        let machine = MachineMemory.read(from: root)
        var report = MemoryManagerRules.check(source.settings, machine: machine)
        // The restart: the checkpoint on the node, judged against the planned settings.
        let restart = restartReport(source: source, root: root, machine: machine, configuration: report)
        if let restart { report.findings += restart.findings }
        if let note = machine.capacityNote { report.findings.append(note) }
        report.findings += NodeManagersRules.check(source.settings, memory: report, root: root, release: release)
        var outcome = Outcome(status: report.hasProblems ? 3 : 0)
        if let note = source.note { outcome.complain("warning: \(escapedForDisplay(note))") }
        outcome.stdout =
            json ? KubeletJSON.check(report, source: source, restart: restart).render() : KubeletText.check(report, source: source, restart: restart)
        return outcome
    }

    // MARK: --kubelet-suggest

    static func suggest(_ arguments: [String], root: SystemRoot, json: Bool, release: KubeletRelease) throws(KubeletInputError) -> Outcome {
        guard let source = try settings(arguments, root: root, release: release) else { return Outcome(status: 1) }
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
        if let note = machine.capacityNote { findings.append(note) }
        var outcome = Outcome(status: suggestion == nil || findings.contains(where: { $0.severity != .note }) ? 3 : 0)
        if let note = source.note { outcome.complain("warning: \(escapedForDisplay(note))") }
        outcome.stdout =
            json
            ? KubeletJSON.suggest(suggestion, allocatable: allocatable, findings: findings, source: source, machine: machine).render()
            : KubeletText.suggest(suggestion, allocatable: allocatable, findings: findings, source: source, machine: machine)
        return outcome
    }

    // MARK: --kubelet-state, and the restart of --kubelet-check

    /// What the kubelet would make of a memory manager checkpoint.
    struct StateReport {
        var path: String
        /// The release whose rules were applied.
        var release: KubeletRelease
        /// Nil when the file is not a checkpoint the kubelet can decode (corrupt, truncated).
        var checkpoint: Checkpoint?
        /// How the release reads it.
        var reading: Checkpoint.Reading?
        /// Where the reservations of the expected state came from.
        var basis: String
        var expected: MachineState?
        var differences: [MachineState.Difference]
        var findings: [Finding]

        var refused: Bool { findings.contains { $0.severity == .refusal } }
        /// The steps that clear a refusal, empty when the kubelet would start.
        var steps: [String] { refused ? KubeletCommand.restartSteps(path) : [] }
    }

    /// Drain, stop, delete, start: what a changed policy or reservation, or
    /// a checkpoint the kubelet cannot read, takes.
    static func restartSteps(_ path: String) -> [String] {
        [
            "drain the node: kubectl drain NODE --ignore-daemonsets --delete-emptydir-data",
            "stop the kubelet: systemctl stop kubelet",
            "delete the checkpoint: rm \(path)",
            "start the kubelet with the new settings: systemctl start kubelet, then kubectl uncordon NODE",
        ]
    }

    /// The advice of every restart finding: one piece, the same each time.
    static func restartAdvice(_ path: String) -> String {
        "drain the node, stop the kubelet, delete \(path), start the kubelet (the memory manager then writes a new checkpoint from the settings)"
    }

    /// `--kubelet-state [FILE] [KUBELET-ARGS...]`: FILE, or the checkpoint
    /// under the kubelet's `--root-dir`, judged against the planned settings
    /// (the arguments) or the running kubelet's, as `--kubelet-check` judges it.
    static func state(_ file: String?, _ arguments: [String], root: SystemRoot, json: Bool, release: KubeletRelease) throws(KubeletInputError) -> Outcome {
        let source = try settings(arguments, root: root, required: false, release: release)
        let path = file ?? (source?.settings.checkpointPath ?? "/var/lib/kubelet/memory_manager_state")
        // A file named on the command line is read as typed; the default path inside the root.
        let base = file.map { $0.hasPrefix("/") ? SystemRoot.live : .typed } ?? root
        guard let report = try judge(path: path, base: base, source: source, release: release, machine: MachineMemory.read(from: root), required: true) else {
            return Outcome(status: 1)
        }
        var outcome = Outcome(status: report.refused ? 3 : 0)
        if let note = source?.note { outcome.complain("warning: \(escapedForDisplay(note))") }
        outcome.stdout = json ? KubeletJSON.state(report).render() : KubeletText.state(report)
        return outcome
    }

    /// The checkpoint under the node's `--root-dir` for `--kubelet-check`;
    /// nil when there is none (the kubelet writes a new one) or the memory
    /// manager does not run.
    static func restartReport(source: Source, root: SystemRoot, machine: MachineMemory, configuration: MemoryManagerReport) -> StateReport? {
        let settings = source.settings
        guard settings.memoryManagerEnabled, ["None", "Static"].contains(settings.memoryManagerPolicy) else { return nil }
        do throws(KubeletInputError) {
            return try judge(path: settings.checkpointPath, base: root, source: source, release: settings.release, machine: machine, required: false)
        } catch {
            // Unreadable to swnuma (not root, or a link out of a snapshot): the restart is not judged, and swnuma says so.
            let note = Finding(
                .note, "checkpoint-unreadable", "\(error.description): whether the kubelet would start over it is not known",
                advice: "run swnuma as root, or give the file to --kubelet-state FILE with the planned flags")
            return StateReport(
                path: settings.checkpointPath, release: settings.release, checkpoint: nil, reading: nil, basis: "", expected: nil, differences: [],
                findings: [note])
        }
    }

    /// Reads and judges the checkpoint at `path` under `base`. A file that
    /// is missing is nil unless `required` (then an input error); one that
    /// cannot be decoded is the kubelet's refusal, not an input error.
    static func judge(
        path: String, base: SystemRoot, source: Source?, release: KubeletRelease, machine: MachineMemory, required: Bool
    ) throws(KubeletInputError) -> StateReport? {
        let relative = path.hasPrefix("/") ? String(path.drop(while: { $0 == "/" })) : path
        guard !relative.isEmpty else {
            throw KubeletInputError("cannot read the memory manager checkpoint '\(base.resolve(relative))'")
        }
        let bytes: [UInt8]
        switch base.read(relative, limit: Checkpoint.sizeLimit) {
        case .success(let read): bytes = read
        case .failure(let error):
            if !required, error.errno == .noSuchFile { return nil }
            throw KubeletInputError("cannot read the memory manager checkpoint: \(error)")
        }
        let wrapped = { (reason: String) in
            "could not restore state from checkpoint: \(reason), please drain this node and delete the memory manager checkpoint file \"\(path)\" before restarting Kubelet"
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.parse(bytes)
        } catch {
            let truncated = bytes.isEmpty || error.description.contains("end of")
            let finding = Finding(
                .refusal, truncated ? "checkpoint-truncated" : "checkpoint-corrupt",
                wrapped(error.description)
                    + (truncated ? " (swnuma: the file is cut short, as after a crash or a full disk)" : " (swnuma: the file is not a memory manager checkpoint the kubelet can decode)"),
                advice: restartAdvice(path))
            return StateReport(
                path: path, release: release, checkpoint: nil, reading: nil, basis: "", expected: nil, differences: [], findings: [finding])
        }
        return stateReport(checkpoint, path: path, source: source, machine: machine, release: release)
    }

    static func stateReport(_ file: Checkpoint, path: String, source: Source?, machine: MachineMemory, release: KubeletRelease) -> StateReport {
        var findings: [Finding] = []
        let advice = restartAdvice(path)
        let wrapped = { (reason: String) in
            "could not restore state from checkpoint: \(reason), please drain this node and delete the memory manager checkpoint file \"\(path)\" before restarting Kubelet"
        }
        let podLevel = source?.settings.podLevelResourceManagers ?? false
        let reading = file.reading(release: release, podLevelGate: podLevel)
        // What the kubelet restores: a v3 file read as v1 gives its top-level fields.
        var checkpoint = file
        if reading.readAs == .v1, file.format == .v3, let outer = file.v1View {
            checkpoint.policyName = outer.policyName
            checkpoint.machineState = outer.machineState
            checkpoint.entries = outer.entries
        }
        if !reading.checksumHolds {
            findings.append(
                Finding(.refusal, "checksum", wrapped("checkpoint is corrupted") + " (swnuma: \(reading.explanation ?? "wrong checksum"))", advice: advice))
        } else if let explanation = reading.explanation {
            findings.append(Finding(.note, "checkpoint-format", explanation, advice: "nothing to change"))
        }
        var reserved: [Int: [String: UInt64]] = [:]
        var basis = "the checkpoint's own system-reserved values"
        if let source, reading.checksumHolds {
            let settings = source.settings
            let policy = settings.memoryManagerPolicy
            if policy != checkpoint.policyName {
                findings.append(
                    Finding(.refusal, "policy-changed",
                        wrapped("[memorymanager] configured policy \"\(policy)\" differs from state checkpoint policy \"\(checkpoint.policyName)\"")
                            + " (swnuma: the policy of \(source.origin) is not the one the checkpoint was written with)",
                        advice: advice))
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
        if checkpoint.policyName == "Static", reading.checksumHolds, !findings.contains(where: { $0.rule == "policy-changed" }) {
            let initial = MachineState.initial(machine: machine, reserved: reserved)
            if checkpoint.machineState.nodes.isEmpty {
                if !checkpoint.entries.isEmpty {
                    findings.append(
                        Finding(.refusal, "empty-machine-state", "[memorymanager] machine state can not be empty when it has memory assignments",
                            advice: advice))
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
                                "[memorymanager] the expected machine state is different from the real one (swnuma: changed since the checkpoint was written: \(changed); reservations or memory changed)",
                                advice: advice))
                    }
                } catch {
                    findings.append(Finding(.refusal, "assignment", error.description, advice: advice))
                }
            }
        }
        return StateReport(
            path: path, release: release, checkpoint: checkpoint, reading: reading, basis: basis, expected: expected, differences: differences,
            findings: findings)
    }
}
