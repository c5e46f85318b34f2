/// An option's identity: its long name. Each mode declares the ids of its
/// own options beside its rows (`extension OptionID { static let draw = ... }`),
/// so that a new mode adds its options without touching a shared list.
package struct OptionID: Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String

    package init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    package var description: String { rawValue }
}

/// What an option's value is, which decides how it is parsed and completed.
package enum ValueKind: String, Sendable {
    /// No value.
    case none
    /// A `<nodes>` spec.
    case nodes
    /// A `<nodes>` spec that must name exactly one node.
    case node
    /// A `<cpus>` spec.
    case cpus
    /// A size with an optional k, m or g suffix.
    case size
    /// A file path.
    case path
    /// A folder path.
    case directory
    /// A process id or a name (`--process`, numastat's `-p`).
    case process
    /// An octal file mode.
    case mode
    /// A number.
    case number
    /// A `--require` expression.
    case expression
    /// A kubelet's command line (`--kubelet-check`'s words): its flags.
    case kubeletArguments = "kubelet-arguments"
}

/// Where an option belongs, for grouping in help and the man page.
package enum OptionGroup: String, CaseIterable, Sendable {
    case policy = "Memory policy (one per command line)"
    case cpu = "CPU binding"
    case info = "Information"
    case shm = "Shared memory (policy for a region instead of a process)"
    case swnuma = "swnuma extensions"
    /// numastat's and migratepages' options.
    case options = "Options"
}

/// One row of an option table: everything the scanner, `--help`, the man
/// page and the shell completions know of an option.
package struct OptionSpec: Sendable {
    package let id: OptionID
    /// The long name without dashes.
    package var long: String { id.rawValue }
    /// The short letter, if any.
    package let short: Character?
    package let value: ValueKind
    /// The value's name in help text (`nodes`, `cpus`, `size`).
    package let valueName: String
    package let group: OptionGroup
    /// One line for `--help`.
    package let summary: String
    /// A paragraph for the man page.
    package let details: String
    /// True for numactl's (or numastat's, migratepages') own options; false
    /// for swnuma's additions. Prefixes match the former first.
    package let fromNumactl: Bool
    /// Left out of `--help` (still in the man page).
    package let hidden: Bool
    /// The value may be left out (`--draw` alone); see ``Scanner``.
    package var valueIsOptional = false
    /// The value is read only when attached to the letter (numastat's `-s2`);
    /// a following word is not taken. Implies ``valueIsOptional``.
    package var valueOnlyAttached = false
    /// The option acts where it appears and ends the scan (`--show`, `--help`).
    package var endsScan = false
    /// May be given more than once (completions offer it again).
    package var repeatable = false
    /// Has no long form (numastat's `-c`): only its letter is scanned.
    package var shortOnly = false
    /// For an option that takes every word after it (`--kubelet-check
    /// KUBELET-ARGS...`), the name of those words; nil otherwise.
    package let rest: String?
    /// What those words are, for the completions: the kubelet's flags, or a file.
    package let restValue: ValueKind
    /// What the scanner says the option needs when its value is missing.
    package var missingValue = "a value"

    package init(
        _ id: OptionID, short: Character? = nil, value: ValueKind = .none, valueName: String? = nil, group: OptionGroup,
        summary: String, details: String, fromNumactl: Bool = true, hidden: Bool = false, valueIsOptional: Bool = false,
        valueOnlyAttached: Bool = false, endsScan: Bool = false, repeatable: Bool = false, shortOnly: Bool = false,
        rest: String? = nil, restValue: ValueKind = .none, missingValue: String = "a value"
    ) {
        self.id = id
        self.short = short
        self.value = value
        self.valueName = valueName ?? value.rawValue
        self.group = group
        self.summary = summary
        self.details = details
        self.fromNumactl = fromNumactl
        self.hidden = hidden
        self.valueIsOptional = valueIsOptional || valueOnlyAttached
        self.valueOnlyAttached = valueOnlyAttached
        self.endsScan = endsScan
        self.repeatable = repeatable
        self.shortOnly = shortOnly
        self.rest = rest
        self.restValue = restValue
        self.missingValue = missingValue
    }

    package var takesValue: Bool { value != .none }

    /// The option as written in help: `-m, --membind=nodes`.
    package var synopsis: String {
        if shortOnly, let short { return "-\(short)" + (takesValue ? (valueIsOptional ? "[\(valueName)]" : " \(valueName)") : "") }
        let value = valueIsOptional ? "[=\(valueName)]" : takesValue ? "=\(valueName)" : ""
        let longForm = "--\(long)" + value + (rest.map { " [\($0)]" } ?? "")
        return short.map { "-\($0), \(longForm)" } ?? longForm
    }

    /// The option as written in messages: `-m/--membind` or `--cpu-compress`.
    package var displayName: String {
        if shortOnly, let short { return "-\(short)" }
        return short.map { "-\($0)/--\(long)" } ?? "--\(long)"
    }
}
