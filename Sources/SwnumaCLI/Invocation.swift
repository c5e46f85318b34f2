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

/// What swnuma does after applying the steps.
package enum Action: Equatable, Sendable {
    /// Print the help text.
    case help
    /// Print the version.
    case version
    /// Print the policy in effect.
    case show
    /// Print the hardware inventory.
    case hardware
    /// Print the devices of each node (`--devices` without `--hardware`).
    case devices
    /// Run `--require` checks and exit 0 or 3.
    case check
    /// Replace the process with the command.
    case launch([String])
    /// Shared-memory mode: act on a region, then exit.
    case sharedMemory
    /// Print or write node-feature-discovery labels (``nfdOptions``).
    case nfdFeatures
    /// Check, suggest or show a kubelet's memory manager settings and state.
    case kubelet(KubeletRequest)
    /// Show running processes (`--process`): the words as given.
    case process([String])
    /// Draw the machine (`--draw`).
    case draw(DrawTarget)
}

/// A `--kubelet-check`, `--kubelet-suggest` or `--kubelet-state` and the words after it.
package struct KubeletRequest: Equatable, Sendable {
    package enum Mode: String, Equatable, Sendable {
        case check, suggest, state
    }

    package var mode: Mode
    /// The kubelet's arguments (check, suggest) or the checkpoint file (state); empty for the running kubelet's.
    package var arguments: [String]

    package init(mode: Mode, arguments: [String]) {
        self.mode = mode
        self.arguments = arguments
    }
}

/// Where `--draw` puts its picture.
package enum DrawTarget: Equatable, Sendable {
    /// Boxes of box-drawing characters on standard output (`--draw` alone).
    case terminal
    /// SVG on standard output (`--draw -`).
    case standardOutput
    /// SVG into a file.
    case file(String)
}

/// A command line turned into a plan: validated against numactl's ordering
/// rules, but not yet resolved against the system.
package struct Invocation: Equatable, Sendable {
    package var steps: [Step] = []
    package var action: Action = .help
    package var cpuCompress = false
    package var json = false
    /// `--devices`: list each node's devices (after `--hardware`'s output when both are given).
    package var devices = false
    package var root: String?
    package var requirements: [String] = []
    /// Warnings to print before acting (numactl prints them too).
    package var warnings: [String] = []
    /// The shared-memory options, in order, for ``Action/sharedMemory``.
    package var sharedMemoryOptions: [ScannedOption] = []
    /// In shared-memory mode, the policy for the region (its option is in
    /// ``sharedMemoryOptions`` at its place); it is not in ``steps``, which
    /// act on the process.
    package var sharedMemoryPolicy: Step?
    /// The words of `--process`, in order.
    package var processes: [String] = []
    /// Where `--draw` draws, when given.
    package var draw: DrawTarget?
    /// `--label`, `--expiry` and `--output`, in order, for ``Action/nfdFeatures``.
    package var nfdOptions: [ScannedOption] = []
}

/// A command line that breaks the rules; printed with a usage hint, exit 1.
package struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

extension Invocation {
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
    /// options on the right side of `--shm`/`--file`; a command where one is needed.
    ///
    /// `scanError` is where the scan of the command line stopped, if it did:
    /// the options before it are checked first, in order (a `<nodes>` that is
    /// not one is named before the unknown option after it), then it is thrown.
    package static func plan(_ line: ScannedLine, scanError: ScanError? = nil) throws(UsageError) -> Invocation {
        var plan = Invocation()
        var policyOption: ScannedOption?
        var spec: String?
        var all = false
        var balancing = false
        var sawSpec = false
        var sawCPUBinding = false
        var attached = false
        var strict = false
        var hardware = false
        var lastPreShared: ScannedOption?
        var nfdFeatures = false
        // --json may follow a terminal --show (see Scanner), so it is read up front.
        plan.json = line.options.contains { $0.id == .json }

        func name(_ option: ScannedOption) -> String { OptionTable.spec(option.id).displayName }
        func mustPrecedePolicy(_ option: ScannedOption) throws(UsageError) {
            if let policy = policyOption {
                throw UsageError("\(name(option)) must come before the memory policy option \(name(policy))")
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
            let cpus = OptionTable.spec(option.id).value == .cpus
            if !cpus && value == "same" { return }
            let problem =
                cpus
                ? CPUSet.syntaxProblem(in: value, devices: false) : NodeSet.syntaxProblem(in: value, devices: true)
            if let problem {
                let kind = cpus ? "<cpus>" : "<nodes>"
                throw UsageError("\(option.spelling) needs \(kind); '\(value)' is not \(kind) (\(problem))")
            }
        }

        for option in line.options {
            switch option.id {
            case .all:
                if sawSpec { throw UsageError("--all/-a must come before every <nodes> and <cpus> option") }
                all = true
            case .interleave, .weightedInterleave, .preferred, .preferredMany, .membind, .localalloc:
                // numactl parses the nodes of all but -m before it looks for a second policy.
                if option.id != .membind && option.id != .localalloc { try checkForm(option) }
                if let policy = policyOption {
                    throw UsageError("conflicting memory policies \(name(policy)) and \(name(option)): give one")
                }
                if option.id == .membind { try checkForm(option) }
                policyOption = option
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
                if !plan.processes.isEmpty || plan.draw != nil {
                    throw UsageError("\(plan.processes.isEmpty ? "--draw" : "--process") cannot be combined with --show")
                }
                plan.action = .show
                return plan
            case .help:
                plan.action = .help
                return plan
            case .cpuCompress:
                plan.cpuCompress = true
            case .cpunodebind, .cpubind, .physcpubind:
                if let pre = lastPreShared {
                    throw UsageError("\(name(option)) cannot follow the shared-memory option \(name(pre))")
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
                lastPreShared = option
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
            case .process:
                let word = option.value ?? ""
                if word.isEmpty { throw UsageError("\(option.spelling) needs a process id or a name") }
                if word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), (Int(decimal: word) ?? .max) > Int(Int32.max) {
                    throw UsageError("\(option.spelling): process id '\(word)' is out of range")
                }
                plan.processes.append(word)
            case .draw:
                switch option.value {
                case nil: plan.draw = .terminal
                case "-": plan.draw = .standardOutput
                case "": throw UsageError("--draw=: the file name is empty")
                case let path?: plan.draw = .file(path)
                }
            case .kubeletCheck, .kubeletSuggest, .kubeletState:
                if !plan.steps.isEmpty || attached || hardware || !plan.requirements.isEmpty || lastPreShared != nil {
                    throw UsageError("\(name(option)) cannot be combined with a policy, a binding, --hardware, --require or shared memory")
                }
                let mode: KubeletRequest.Mode = option.id == .kubeletCheck ? .check : option.id == .kubeletSuggest ? .suggest : .state
                // The kubelet's arguments follow the option as words; only
                // --kubelet-state's one file may be attached (`=FILE`).
                if mode != .state, let value = option.value {
                    throw UsageError("\(name(option)) takes no value: write the kubelet's arguments after it, not '=\(value)'")
                }
                let arguments = (option.value.map { [$0] } ?? []) + option.rest
                if mode == .state, arguments.count > 1 {
                    throw UsageError("\(name(option)) takes at most one checkpoint file; '\(arguments[1])' is one too many")
                }
                plan.action = .kubelet(KubeletRequest(mode: mode, arguments: arguments))
                return plan
            case .nfdFeatures:
                nfdFeatures = true
            case .label, .expiry, .output:
                plan.nfdOptions.append(option)
            }
        }
        if let scanError { throw UsageError(scanError.description) }

        if nfdFeatures {
            if hardware { throw UsageError("--hardware and --nfd-features cannot be combined: give one") }
            if let policy = policyOption { throw UsageError("\(name(policy)) cannot be combined with --nfd-features") }
            if let step = line.options.first(where: { [.cpunodebind, .cpubind, .physcpubind].contains($0.id) }) {
                throw UsageError("\(name(step)) cannot be combined with --nfd-features")
            }
            if let shared = plan.sharedMemoryOptions.first {
                throw UsageError("\(name(shared)) cannot be combined with --nfd-features")
            }
            if plan.json { throw UsageError("--json cannot be combined with --nfd-features: the feature file is text") }
            if plan.devices { throw UsageError("--devices cannot be combined with --nfd-features: give one") }
            if !line.command.isEmpty {
                throw UsageError("unexpected '\(line.command[0])': --nfd-features runs no command")
            }
            // Names, expressions and durations are refused here, before anything is read or written.
            _ = try NFDFeaturesMode.request(plan.nfdOptions)
            plan.action = .nfdFeatures
            return plan
        }
        if let option = plan.nfdOptions.first {
            throw UsageError("\(name(option)) needs --nfd-features")
        }

        if !plan.processes.isEmpty || plan.draw != nil {
            if plan.devices && !plan.processes.isEmpty {
                throw UsageError("--process cannot be combined with --devices")
            }
            // --draw draws the devices anyway: --devices beside it changes nothing.
            try planView(&plan, line: line, hardware: hardware, policy: policyOption, binding: sawCPUBinding || attached)
            return plan
        }

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
            throw UsageError("\(name(pre)) applies to shared memory, but there is no --shm or --file")
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

    /// The rules of the views `--process` and `--draw`: they show the
    /// machine or a process and do nothing else, so they take no policy,
    /// binding, shared memory, requirement or command, nor each other.
    private static func planView(
        _ plan: inout Invocation, line: ScannedLine, hardware: Bool, policy: ScannedOption?, binding: Bool
    ) throws(UsageError) {
        let mode = plan.processes.isEmpty ? "--draw" : "--process"
        if !plan.processes.isEmpty && plan.draw != nil {
            throw UsageError("--process and --draw are separate views: give one")
        }
        if hardware { throw UsageError("\(mode) cannot be combined with --hardware") }
        if let policy {
            throw UsageError("\(mode) cannot be combined with \(OptionTable.spec(policy.id).displayName): it only shows")
        }
        if binding { throw UsageError("\(mode) cannot be combined with CPU binding or shared-memory options: it only shows") }
        if !plan.requirements.isEmpty { throw UsageError("\(mode) cannot be combined with --require") }
        if let word = line.command.first {
            if plan.draw == .terminal {
                throw UsageError(
                    "unexpected '\(word)' after --draw: it runs no command; write --draw=\(word) to draw into that file")
            }
            throw UsageError("unexpected '\(word)': \(mode) runs no command")
        }
        if let draw = plan.draw {
            if plan.json { throw UsageError("--json does not apply to --draw: it draws SVG or text") }
            plan.action = .draw(draw)
        } else {
            plan.action = .process(plan.processes)
        }
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
