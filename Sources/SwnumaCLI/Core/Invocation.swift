internal import NUMA

/// Options every mode takes: where to read the machine from, and JSON.
package enum CommonOptions {
    package static let rows: [OptionSpec] = [
        OptionSpec(.root, value: .directory, valueName: "dir", group: .swnuma, summary: "Read the topology from a snapshot folder instead of /", details: "Read sys/ and proc/ under the folder, a snapshot of another machine, instead of the running system. Also set by SWNUMA_ROOT. Policies and commands are refused under a snapshot.", fromNumactl: false),
        OptionSpec(.json, group: .swnuma, summary: "With --hardware, --show, --require, --process or --kubelet-*, print JSON", details: "Print one JSON document on standard output instead of text.", fromNumactl: false),
    ]
}

extension OptionID {
    package static let root = OptionID("root")
    package static let json = OptionID("json")
}

/// swnuma's option table: the common options, then each mode's rows, in
/// ``ModeList`` order. The scanner, `--help`, the man page and the shell
/// completions are all generated from it, so they cannot drift apart. The
/// numactl options keep numactl's names, letters and argument rules exactly.
///
/// The table is never assembled on a start-up: the scanner walks it in
/// place, group by group (group 0 the common options, group n the rows of
/// `ModeList.all[n - 1]`), and stops at the first row that answers, so a
/// launch reads the common and the launch mode's rows only. Each scanned
/// option keeps where its row is (``OptionPlace``), so that nothing after
/// the scan looks a row up again.
package enum OptionTable {
    /// Every row, in order: for the docs writers and tests.
    package static var all: [OptionSpec] {
        var rows: [OptionSpec] = []
        var group = 0
        while let more = self.rows(ofGroup: group) {
            rows += more
            group += 1
        }
        return rows
    }

    /// The rows of `group` (0: the common options; n: the n-th mode's), nil past the last.
    static func rows(ofGroup group: Int) -> [OptionSpec]? {
        if group == 0 { return CommonOptions.rows }
        let modes = ModeList.all
        return group <= modes.count ? modes[group - 1].options : nil
    }

    /// The row for `id`, found by search: for the docs writers.
    package static func spec(_ id: OptionID) -> OptionSpec {
        guard let place = place(of: id), let spec = rows(ofGroup: place.group)?[place.index] else {
            preconditionFailure("option \(id) has no row in the option table")
        }
        return spec
    }

    /// The row of a scanned option: where the scanner found it.
    package static func spec(of option: ScannedOption) -> OptionSpec {
        guard let place = place(of: option), let spec = rows(ofGroup: place.group)?[place.index] else {
            preconditionFailure("option \(option.id) has no row in the option table")
        }
        return spec
    }

    /// Where a scanned option's row is: the scanner's note, or a search for
    /// a line made by hand (tests).
    static func place(of option: ScannedOption) -> OptionPlace? {
        option.place ?? place(of: option.id)
    }

    private static func place(of id: OptionID) -> OptionPlace? {
        var group = 0
        while let rows = rows(ofGroup: group) {
            if let index = rows.firstIndex(where: { $0.id == id }) { return OptionPlace(group: group, index: index) }
            group += 1
        }
        return nil
    }

    /// The mode that brings a scanned option; nil for the common options.
    static func owner(of option: ScannedOption) -> (any Mode.Type)? {
        guard let place = place(of: option), place.group > 0 else { return nil }
        return ModeList.all[place.group - 1]
    }
}

/// Where a row is in ``OptionTable``: its group (0: the common options; n:
/// the rows of `ModeList.all[n - 1]`) and its index there.
package struct OptionPlace: Equatable, Sendable {
    package let group: Int
    package let index: Int

    /// Whether the row is its mode's first, the option that selects the mode.
    var selectsMode: Bool { group > 0 && index == 0 }
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
        // Found by index: copying an option into an optional is the first
        // optional of a type this module defines that a start-up would make,
        // and the runtime then registers every optional type the standard
        // library ships (a fifth of `--version`).
        var own: Int?
        for (index, option) in line.options.enumerated() where OptionTable.owner(of: option).map({ !$0.isNumactls }) ?? false {
            if own == nil { own = index }
            if OptionTable.place(of: option)?.selectsMode ?? false {
                own = index
                break
            }
        }
        let numactl = try NumactlPlan.plan(line, scanError: scanError, ownMode: own != nil)
        if numactl.action == .help { return Invocation(numactl: numactl, mode: HelpMode(plan: numactl)) }
        if numactl.action == .version { return Invocation(numactl: numactl, mode: VersionMode(plan: numactl)) }
        guard let own, let mode = OptionTable.owner(of: line.options[own]) else {
            return Invocation(numactl: numactl, mode: try numactlMode(numactl))
        }
        try check(line, for: mode, named: line.options[own])
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
        // Looked up in place: a list of the allowed ids is an array type no other path makes.
        func allowed(_ id: OptionID) -> Bool {
            mode.options.contains { $0.id == id } || (mode.combines?.contains(id) ?? false)
                || CommonOptions.rows.contains { $0.id == id }
        }
        guard let selector = mode.options.first, line.options.contains(where: { $0.id == selector.id }) else {
            throw UsageError("\(OptionTable.spec(of: first).displayName) needs \(mode.name)")
        }
        for option in line.options where !allowed(option.id) {
            if let other = OptionTable.owner(of: option), other.combines != nil {
                let otherSelector = other.options.first.map { $0.id } == option.id
                if !otherSelector, !line.options.contains(where: { $0.id == other.options.first?.id }) {
                    throw UsageError("\(OptionTable.spec(of: option).displayName) needs \(other.name)")
                }
            }
            throw UsageError("\(mode.name) cannot be combined with \(OptionTable.spec(of: option).displayName)")
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
