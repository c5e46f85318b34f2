internal import NUMA

/// One thing swnuma does, chosen on the command line by its own options.
///
/// A mode is a type in a folder of its own under `Modes/`. It declares its
/// option rows, its usage lines, which other modes' options it takes, its
/// part of the man page, how it plans itself from the scanned command line,
/// and how it performs. It returns what it found as an ``Outcome`` (text,
/// JSON, a file to write, a command to execute); ``Program`` alone writes
/// and exits. ``ModeList/all`` lists every mode once: the scanner, `--help`,
/// the man page's SYNOPSIS and OPTIONS and the completions read the modes
/// from there, so a mode cannot be missing from any of them.
package protocol Mode: Sendable {
    /// The rows of the options this mode brings, in help order; the first
    /// selects the mode and names it in messages.
    static var options: [OptionSpec] { get }
    /// The mode's lines in `--help`'s Usage and the man page's SYNOPSIS.
    static var usage: [Usage] { get }
    /// Options of other modes it takes beside its own and ``CommonOptions``,
    /// or nil for numactl's modes, whose combinations numactl's own ordered
    /// rules decide (``NumactlPlan``).
    static var combines: [OptionID]? { get }
    /// Whether numactl's rules choose the mode (``combines`` is nil), without
    /// building the list of what it combines with.
    static var isNumactls: Bool { get }
    /// Whether `--json` gives a JSON document.
    static var hasJSON: Bool { get }
    /// Whether the words after the options are a command it runs.
    static var runsCommand: Bool { get }
    /// The mode's own section of the man page, if any.
    static func manual(_ page: inout MdocWriter)
    /// The mode a command line asks for: called only when the line names one
    /// of ``options`` (or, for numactl's modes, when numactl's rules chose
    /// it), after the combinations were checked.
    static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> Self
    /// The refusal of a command after the mode's options, for a mode that runs none.
    static func refusal(ofCommand word: String) -> String
    /// Why `--json` does not apply, for a mode without JSON.
    static var withoutJSON: String { get }
    /// Carries the mode out against the system under `context`.
    func perform(_ context: inout Context) -> Outcome
}

extension Mode {
    package static var combines: [OptionID]? { [] }
    package static var isNumactls: Bool { combines == nil }
    package static var hasJSON: Bool { false }
    package static var runsCommand: Bool { false }
    package static func manual(_ page: inout MdocWriter) {}
    package static func refusal(ofCommand word: String) -> String { "unexpected '\(word)': \(name) runs no command" }
    package static var withoutJSON: String { "it has no JSON output" }
    /// ``plan(_:_:)`` as any mode, for callers that hold the type as `any Mode.Type`.
    static func planned(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> any Mode {
        try plan(line, numactl)
    }

    /// The option that names the mode in messages: `--draw`.
    static var name: String { options.first.map { "--\($0.long)" } ?? "swnuma" }
}

/// One of numactl's modes (`--hardware`, `--show`, shared memory, ...):
/// chosen by numactl's ordered rules, it holds their plan and combines with
/// whatever those rules allow.
protocol NumactlMode: Mode {
    var plan: NumactlPlan { get }
    init(plan: NumactlPlan)
}

extension NumactlMode {
    package static var combines: [OptionID]? { nil }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> Self {
        Self(plan: numactl)
    }
}

/// Every mode of the `swnuma` program, once. Adding a mode is its folder and
/// one line here.
///
/// The order is the order of `--help`, the man page and the completions.
/// numactl's modes (launch, `--hardware`, `--show`, `--version`, `--help`,
/// shared memory, `--require`) are chosen by numactl's ordered rules;
/// swnuma's own (`--devices` alone, `--process`, `--draw`, `--nfd-features`,
/// the kubelet modes) by their options, each refusing the options it does
/// not combine with.
package enum ModeList {
    package static let all: [any Mode.Type] = [
        LaunchMode.self,
        HardwareMode.self,
        ShowMode.self,
        VersionMode.self,
        HelpMode.self,
        SharedMemoryMode.self,
        DevicesMode.self,
        RequireMode.self,
        ProcessMode.self,
        DrawMode.self,
        NFDFeaturesMode.self,
        KubeletCheckMode.self,
        KubeletSuggestMode.self,
        KubeletStateMode.self,
        NodeResourceTopologyMode.self,
        KubeletFitMode.self,
    ]
}

/// One line of usage: `swnuma --hardware [--cpu-compress] [--json]`, written
/// as words so that `--help` and the man page's SYNOPSIS (mdoc) both come
/// from it.
package struct Usage: Sendable {
    package indirect enum Word: Sendable {
        /// An option, with its value's name: `--require expr`.
        case option(String, String? = nil)
        /// A word the user fills in: `command`.
        case argument(String)
        /// Words that may be left out: `[--json]`.
        case optional([Word])
        /// One of two: `--shm keyfile | --file path`.
        case either([Word], [Word])
        /// A word that may repeat: `arg...`.
        case repeating(Word)
    }

    package var words: [Word]

    package init(_ words: Word...) {
        self.words = words
    }

    /// The line as `--help` prints it, after the program's name.
    package var text: String {
        words.map(Self.text).joined(separator: " ")
    }

    private static func text(_ word: Word) -> String {
        switch word {
        case .option(let name, let value): value.map { "\(name) \($0)" } ?? name
        case .argument(let name): name
        case .optional(let words): "[" + words.map(text).joined(separator: " ") + "]"
        case .either(let first, let second):
            first.map(text).joined(separator: " ") + " | " + second.map(text).joined(separator: " ")
        case .repeating(let word): text(word) + "..."
        }
    }

    /// The line as mdoc macros, one per top-level word, after `.Nm`.
    package var mdoc: [String] {
        words.map(Self.mdoc)
    }

    private static func mdoc(_ word: Word) -> String {
        switch word {
        case .option(let name, let value):
            let flag = name.hasPrefix("--") ? "Fl \\-" + name.dropFirst(2) : "Fl " + name.dropFirst()
            return value.map { "\(flag) Ar \($0)" } ?? flag
        case .argument(let name): return "Ar \(name)"
        case .optional(let words): return "Op " + words.map(mdoc).joined(separator: " ")
        case .either(let first, let second):
            return first.map(mdoc).joined(separator: " ") + " | " + second.map(mdoc).joined(separator: " ")
        case .repeating(let word): return mdoc(word) + " ..."
        }
    }
}
