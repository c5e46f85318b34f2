internal import NUMA

/// A memory policy option.
package enum PolicyKind: String, Sendable, Equatable {
    case interleave, weightedInterleave, preferred, preferredMany, membind, localalloc
}

/// One thing to do to the process, in command-line order.
package enum Step: Equatable, Sendable {
    /// Set a memory policy. `nodes` is the raw `<nodes>` text (`same` already
    /// replaced); `all` is whether `--all` came before it.
    case policy(PolicyKind, nodes: String?, all: Bool, balancing: Bool, option: String)
    /// Bind to the CPUs of nodes (`-N`, `-c`).
    case cpuNodes(String, all: Bool, option: String)
    /// Bind to CPUs (`-C`).
    case cpus(String, all: Bool, option: String)
}

/// What numactl's ordered rules chose for a command line without any of
/// swnuma's own modes: which of numactl's modes runs.
package enum NumactlAction: Equatable, Sendable {
    case help, version, show, hardware, devices, check, sharedMemory
    /// Replace the process with the command.
    case launch([String])
}

/// A command line read by numactl's rules, in order: the policy and binding
/// steps, the shared-memory options, and the options common to every mode.
///
/// numactl's options interact by their order (`--all` widens only what
/// follows; `--hardware` comes before the policy; `--length` before
/// `--shm`), so they are planned in one pass; the modes they lead to
/// (``LaunchMode``, ``HardwareMode``, ``ShowMode``, ``SharedMemoryMode``, ...)
/// take this plan as it is.
package struct NumactlPlan: Equatable, Sendable {
    package var steps: [Step] = []
    /// What numactl's rules chose: `--help`, `--version` and `--show` where
    /// they appear, else, when no mode of swnuma's own was named, the mode
    /// the whole line asks for; nil while none is chosen.
    package var action: NumactlAction?
    package var cpuCompress = false
    package var json = false
    /// `--devices`: list each node's devices (after `--hardware`'s output when both are given).
    package var devices = false
    package var root: String?
    package var requirements: [String] = []
    /// Warnings to print before acting (numactl prints them too).
    package var warnings: [String] = []
    /// The shared-memory options, in order.
    package var sharedMemoryOptions: [ScannedOption] = []
    /// In shared-memory mode, the policy for the region (its option is in
    /// ``sharedMemoryOptions`` at its place); it is not in ``steps``, which
    /// act on the process.
    package var sharedMemoryPolicy: Step?
}

extension NumactlPlan {
    private static func policyKind(_ id: OptionID) -> PolicyKind {
        switch id {
        case .interleave: .interleave
        case .weightedInterleave: .weightedInterleave
        case .preferred: .preferred
        case .preferredMany: .preferredMany
        case .membind: .membind
        default: .localalloc
        }
    }

    /// Builds the plan, enforcing numactl's rules: one memory policy; `--all`
    /// before every `<nodes>`/`<cpus>`; `--hardware`, `--balancing`,
    /// `--version`, `--shm` and `--file` before the policy; shared-memory
    /// options on the right side of `--shm`/`--file`; a command where one is
    /// needed. When `ownMode` is set (a mode of swnuma's own was named), the
    /// options are checked in order but no numactl mode is chosen: that mode
    /// decides what the rest of the line means.
    ///
    /// `scanError` is where the scan of the command line stopped, if it did:
    /// the options before it are checked first, in order (a `<nodes>` that is
    /// not one is named before the unknown option after it), then it is thrown.
    package static func plan(_ line: ScannedLine, scanError: ScanError? = nil, ownMode: Bool = false) throws(UsageError) -> NumactlPlan {
        var plan = NumactlPlan()
        // Options remembered by their place in the line, not copied: an
        // optional option is the first optional of a type this module defines
        // that a start-up would make, and the runtime then registers every
        // optional type the standard library ships (a fifth of `--version`).
        var policyOption: Int?
        var spec: String?
        var all = false
        var balancing = false
        var sawSpec = false
        var sawCPUBinding = false
        var attached = false
        var strict = false
        var hardware = false
        var lastPreShared: Int?
        // --json may follow a terminal --show (see Scanner), so it is read up front.
        plan.json = line.options.contains { $0.id == .json }

        func name(_ option: ScannedOption) -> String { OptionTable.spec(of: option).displayName }
        func mustPrecedePolicy(_ option: ScannedOption) throws(UsageError) {
            if let policy = policyOption {
                throw UsageError("\(name(option)) must come before the memory policy option \(name(line.options[policy]))")
            }
        }
        func nodes(_ option: ScannedOption) throws(UsageError) -> String {
            let value = option.value ?? ""
            guard value == "same" else {
                spec = value
                return value
            }
            guard let previous = spec else {
                throw UsageError("\(option.spelling) same: 'same' needs an earlier <nodes> option")
            }
            return previous
        }

        /// Refuses a `<nodes>`/`<cpus>` value that is not one by its form
        /// (`-C ls`: a forgotten argument), naming the word and the option.
        func checkForm(_ option: ScannedOption) throws(UsageError) {
            let value = option.value ?? ""
            let cpus = OptionTable.spec(of: option).value == .cpus
            if !cpus && value == "same" { return }
            let problem =
                cpus
                ? CPUSet.syntaxProblem(in: value, devices: false) : NodeSet.syntaxProblem(in: value, devices: true)
            if let problem {
                let kind = cpus ? "<cpus>" : "<nodes>"
                throw UsageError("\(option.spelling) needs \(kind); '\(value)' is not \(kind) (\(problem))")
            }
        }

        for (index, option) in line.options.enumerated() {
            switch option.id {
            case .all:
                if sawSpec { throw UsageError("--all/-a must come before every <nodes> and <cpus> option") }
                all = true
            case .interleave, .weightedInterleave, .preferred, .preferredMany, .membind, .localalloc:
                // numactl parses the nodes of all but -m before it looks for a second policy.
                if option.id != .membind && option.id != .localalloc { try checkForm(option) }
                if let policy = policyOption {
                    throw UsageError("conflicting memory policies \(name(line.options[policy])) and \(name(option)): give one")
                }
                if option.id == .membind { try checkForm(option) }
                policyOption = index
                let kind = policyKind(option.id)
                var nodeSpec: String?
                if option.id != .localalloc {
                    nodeSpec = try nodes(option)
                    sawSpec = true
                }
                let step = Step.policy(
                    kind, nodes: nodeSpec, all: all, balancing: balancing && kind == .membind, option: option.spelling)
                if attached {
                    plan.sharedMemoryOptions.append(option)
                    plan.sharedMemoryPolicy = step
                } else {
                    plan.steps.append(step)
                }
            case .balancing:
                try mustPrecedePolicy(option)
                balancing = true
            case .hardware:
                try mustPrecedePolicy(option)
                hardware = true
            case .version:
                try mustPrecedePolicy(option)
                plan.action = .version
                return plan
            case .show:
                plan.action = .show
                return plan
            case .help:
                plan.action = .help
                return plan
            case .cpuCompress:
                plan.cpuCompress = true
            case .cpunodebind, .cpubind, .physcpubind:
                if let pre = lastPreShared {
                    throw UsageError("\(name(option)) cannot follow the shared-memory option \(name(line.options[pre]))")
                }
                try checkForm(option)
                sawSpec = true
                sawCPUBinding = true
                if option.id == .physcpubind {
                    plan.steps.append(.cpus(option.value ?? "", all: all, option: option.spelling))
                } else {
                    plan.steps.append(.cpuNodes(try nodes(option), all: all, option: option.spelling))
                }
            case .shm, .file:
                if sawCPUBinding {
                    throw UsageError("\(name(option)) cannot follow CPU binding: shared memory has no CPUs to bind")
                }
                try mustPrecedePolicy(option)
                attached = true
                plan.sharedMemoryOptions.append(option)
            case .length, .offset, .shmmode, .huge:
                if attached { throw UsageError("\(name(option)) must come before --shm/--file") }
                // numactl wraps a negative or too large size; swnuma refuses it.
                if option.id == .length || option.id == .offset, checkedSize(option.value ?? "") == nil {
                    throw UsageError(
                        "invalid size '\(option.value ?? "")' for \(name(option)): negative or more than 64 bits")
                }
                if option.id == .shmmode, !isOctal(option.value ?? "") {
                    throw UsageError("invalid mode '\(option.value ?? "")' for \(name(option)): expected an octal number")
                }
                // A file mode has 12 bits: a larger number would wrap into a valid-looking mode.
                if option.id == .shmmode, UInt64(option.value ?? "", radix: 8).map({ $0 > 0o7777 }) ?? false {
                    throw UsageError("invalid mode '\(option.value ?? "")' for \(name(option)): larger than 7777")
                }
                lastPreShared = index
                plan.sharedMemoryOptions.append(option)
            case .shmid:
                guard let value = option.value, parseUnsigned(value) != nil else {
                    throw UsageError("invalid id '\(option.value ?? "")' for \(name(option)): expected a number")
                }
                plan.sharedMemoryOptions.append(option)
            case .strict:
                strict = true
                plan.sharedMemoryOptions.append(option)
            case .touch, .verify, .dump, .dumpNodes:
                if !attached { throw UsageError("\(name(option)) needs --shm or --file before it") }
                plan.sharedMemoryOptions.append(option)
            case .root:
                plan.root = option.value
            case .json:
                plan.json = true
            case .devices:
                try mustPrecedePolicy(option)
                plan.devices = true
            case .require:
                plan.requirements.append(option.value ?? "")
            default:
                // An option of a mode of swnuma's own: that mode plans it.
                break
            }
        }
        if let scanError { throw UsageError(scanError.description) }

        if ownMode { return plan }

        if hardware {
            plan.action = .hardware
            return plan
        }
        if plan.devices {
            plan.action = .devices
            return plan
        }
        if attached {
            if !line.command.isEmpty {
                throw UsageError("unexpected '\(line.command[0])': a command cannot run in shared-memory mode")
            }
            plan.action = .sharedMemory
            return plan
        }
        if strict {
            plan.warnings.append("warning: --strict applies to shared memory only; ignored for a process")
        }
        if let pre = lastPreShared {
            throw UsageError("\(name(line.options[pre])) applies to shared memory, but there is no --shm or --file")
        }
        if line.command.isEmpty {
            guard !plan.requirements.isEmpty, plan.steps.isEmpty else {
                throw UsageError("no command given")
            }
            plan.action = .check
            return plan
        }
        plan.action = .launch(line.command)
        return plan
    }

    private static func isOctal(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 11 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
    }
}

/// A whole unsigned number as C's strtoul with base 0 reads it (`0x` hex,
/// leading-0 octal, decimal, leading blanks), or nil for anything else, a
/// sign, or overflow.
package func parseUnsigned(_ text: String) -> UInt64? {
    let bytes = Array(text.utf8)
    let number = CNumber(scanning: bytes, from: 0, isBlank: { $0 == 0x20 || $0 == 0x09 })
    guard number.hasDigits, !number.signed, !number.overflow, number.end == bytes.count else { return nil }
    return number.value
}
