internal import NUMA

/// Options every mode takes: where to read the machine from, and JSON.
package enum CommonOptions {
    package static let rows: [OptionSpec] = [
        OptionSpec(
            .root, value: .directory, valueName: "dir", group: .swnuma,
            summary: "Read the topology from a snapshot folder instead of /",
            details: "Read sys/ and proc/ under the folder, a snapshot of another machine, instead of the running system. Also set by SWNUMA_ROOT. Policies and commands are refused under a snapshot.",
            fromNumactl: false),
        OptionSpec(
            .json, group: .swnuma,
            summary: "With --hardware, --show, --require, --process or --kubelet-*, print JSON",
            details: "Print one JSON document on standard output instead of text.",
            fromNumactl: false),
    ]
}

extension OptionID {
    package static let root = OptionID("root")
    package static let json = OptionID("json")
}

/// swnuma's option table: the common options, then each mode's, in
/// ``ModeList`` order. The scanner, `--help`, the man page and the shell
/// completions are all generated from it, so they cannot drift apart. The
/// numactl options keep numactl's names, letters and argument rules exactly.
package enum OptionTable {
    package static let all: [OptionSpec] = {
        // Every launch builds this table: rows are appended whole and marked
        // in place, into storage reserved once, so no row is copied twice.
        let modes = ModeList.all
        var rows = CommonOptions.rows
        rows.reserveCapacity(rows.count + modes.count * 8)
        for index in modes.indices {
            let mode = modes[index]
            let first = rows.count
            rows.append(contentsOf: mode.options)
            let own = !mode.isNumactls
            for position in first..<rows.count {
                rows[position].modeIndex = index
                rows[position].selectsOwnMode = own
                rows[position].selectsMode = position == first
            }
        }
        return rows
    }()

    /// The row for `id`.
    package static func spec(_ id: OptionID) -> OptionSpec {
        guard let spec = all.first(where: { $0.id == id }) else {
            preconditionFailure("option \(id) has no row in the option table")
        }
        return spec
    }

    /// The mode that brings option `id`; nil for the common options.
    static func owner(_ id: OptionID) -> (any Mode.Type)? {
        all.first { $0.id == id }?.modeIndex.map { ModeList.all[$0] }
    }
}

/// A command line turned into a plan: the options common to all modes and
/// the one mode it asks for, validated but not yet resolved against the system.
package struct Invocation: Sendable {
    /// numactl's reading of the line: steps, `--root`, `--json`, `--require`, warnings.
    package var numactl: NumactlPlan
    package var mode: any Mode

    package var root: String? { numactl.root }
    package var json: Bool { numactl.json }
    package var steps: [Step] { numactl.steps }
    package var warnings: [String] { numactl.warnings }
    package var sharedMemoryOptions: [ScannedOption] { numactl.sharedMemoryOptions }
    package var sharedMemoryPolicy: Step? { numactl.sharedMemoryPolicy }

    /// Plans a scanned command line: numactl's ordered rules first (they
    /// check every numactl option in order), then the mode it names.
    ///
    /// `--help` and `--version` act where they appear. A mode of swnuma's own
    /// is chosen by its options and refuses the options of modes it does not
    /// combine with, a command unless it runs one, and `--json` unless it has
    /// JSON. Otherwise numactl's rules choose among numactl's modes.
    package static func plan(_ line: ScannedLine, scanError: ScanError? = nil) throws(UsageError) -> Invocation {
        // Only an option of a mode of swnuma's own leads to its type: -H and launches look no further.
        // The mode is the one whose selecting option comes first (`--kubelet-version V --kubelet-state`
        // is --kubelet-state's); an option of such a mode without its selector is refused below.
        let owned = line.options.filter { option in OptionTable.all.contains { $0.id == option.id && $0.selectsOwnMode } }
        let own = owned.first { option in OptionTable.all.contains { $0.id == option.id && $0.selectsMode } } ?? owned.first
        let numactl = try NumactlPlan.plan(line, scanError: scanError, ownMode: own != nil)
        if numactl.action == .help { return Invocation(numactl: numactl, mode: HelpMode(plan: numactl)) }
        if numactl.action == .version { return Invocation(numactl: numactl, mode: VersionMode(plan: numactl)) }
        guard let own, let mode = OptionTable.owner(own.id) else {
            return Invocation(numactl: numactl, mode: try numactlMode(numactl))
        }
        try check(line, for: mode, named: own)
        return Invocation(numactl: numactl, mode: try mode.planned(line, numactl))
    }

    /// The mode numactl's rules chose.
    private static func numactlMode(_ plan: NumactlPlan) throws(UsageError) -> any Mode {
        switch plan.action {
        case nil, .help: HelpMode(plan: plan)
        case .version: VersionMode(plan: plan)
        case .show: ShowMode(plan: plan)
        case .hardware: HardwareMode(plan: plan)
        case .devices: DevicesMode(plan: plan)
        case .check: RequireMode(plan: plan)
        case .sharedMemory: SharedMemoryMode(plan: plan)
        case .launch(let command): LaunchMode(plan: plan, command: command)
        }
    }

    /// The rules every mode of swnuma's own shares: its selecting option is
    /// there, no option of a mode it does not combine with, no command
    /// unless it runs one, no `--json` unless it has JSON.
    private static func check(_ line: ScannedLine, for mode: any Mode.Type, named first: ScannedOption) throws(UsageError) {
        let allowed = mode.options.map(\.id) + (mode.combines ?? []) + CommonOptions.rows.map(\.id)
        guard let selector = mode.options.first, line.options.contains(where: { $0.id == selector.id }) else {
            throw UsageError("\(OptionTable.spec(first.id).displayName) needs \(mode.name)")
        }
        for option in line.options where !allowed.contains(option.id) {
            if let other = OptionTable.owner(option.id), other.combines != nil {
                let otherSelector = other.options.first.map { $0.id } == option.id
                if !otherSelector, !line.options.contains(where: { $0.id == other.options.first?.id }) {
                    throw UsageError("\(OptionTable.spec(option.id).displayName) needs \(other.name)")
                }
            }
            throw UsageError("\(mode.name) cannot be combined with \(OptionTable.spec(option.id).displayName)")
        }
        if !mode.runsCommand, let word = line.command.first {
            throw UsageError(mode.refusal(ofCommand: word))
        }
        if !mode.hasJSON, line.options.contains(where: { $0.id == .json }) {
            throw UsageError("--json does not apply to \(mode.name): \(mode.withoutJSON)")
        }
    }
}

/// A command line that breaks the rules; printed with a usage hint, exit 1.
package struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
