internal import NUMA

extension OptionID {
    /// A word that is not an option, among the options of a program that
    /// permutes (``Program/permutes``).
    package static let operand = OptionID("")
}

/// One option as it appeared on the command line.
package struct ScannedOption: Equatable, Sendable {
    package var id: OptionID
    /// Where its row is in swnuma's ``OptionTable``, noted by the scanner
    /// (nil for a program's own rows and for options made by hand). Not part
    /// of equality: it follows from ``id``.
    package var place: OptionPlace?
    /// The value, for options that take one (possibly empty: `--membind=`).
    package var value: String?
    /// The option as the user spelled it: `-m`, `--mem`, `--membind`.
    package var spelling: String
    /// For an option that takes the rest of the line, the words after it.
    package var rest: [String]

    package init(_ id: OptionID, _ value: String? = nil, spelling: String, rest: [String] = []) {
        self.id = id
        self.value = value
        self.spelling = spelling
        self.rest = rest
    }

    package static func == (left: ScannedOption, right: ScannedOption) -> Bool {
        left.id == right.id && left.value == right.value && left.spelling == right.spelling && left.rest == right.rest
    }
}

/// The command line split into options, in order, and the command to run.
package struct ScannedLine: Equatable, Sendable {
    package var options: [ScannedOption] = []
    /// The first non-option word and everything after it (empty when none);
    /// for a program that permutes, every word that is not an option.
    package var command: [String] = []
}

/// A command line that does not follow the option grammar.
package enum ScanError: Error, Equatable, Sendable {
    case unknownShort(Character)
    case unknownLong(String)
    case ambiguous(String, candidates: [String])
    case missingValue(String, what: String)
    case unexpectedValue(String)
}

extension ScanError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .unknownShort(let letter):
            "unknown option '-\(letter)'"
        case .unknownLong(let word):
            "unknown option '\(word)'"
        case .ambiguous(let word, let candidates):
            "option '\(word)' is ambiguous; it could be " + candidates.map { "'--\($0)'" }.joined(separator: ", ")
        case .missingValue(let spelling, let what):
            "option '\(spelling)' needs \(what)"
        case .unexpectedValue(let spelling):
            "option '\(spelling)' takes no value"
        }
    }
}

/// Splits argv the way numactl's getopt_long with a leading `+` does (or,
/// for numastat and migratepages, as getopt_long permuting options and words).
///
/// - Scanning stops at the first word that is not an option; it and all after
///   it are the command. `--` ends the options and is dropped. A lone `-` is a
///   command word.
/// - Short options cluster (`-aC0`) and take attached values (`-m0`) or the
///   next word.
/// - Long options take `--opt=value` (possibly empty) or the next word, and
///   may be shortened to any unambiguous prefix (`--mem=0`).
/// - `--show`, `--version` and `--help` end the scan where they appear:
///   nothing after them is read (`numactl -s --bogus` succeeds), except
///   swnuma's own `--json` word, so that `--show --json` means what it says.
package enum Scanner {
    /// Scans `arguments` by `rows` (nil: swnuma's option table, walked in
    /// place); `permutes` for a program whose options and words mix (``Program/permutes``).
    package static func scan(_ arguments: [String], rows: [OptionSpec]? = nil, permutes: Bool = false) throws(ScanError) -> ScannedLine {
        let (line, error) = scanPartially(arguments, rows: rows, permutes: permutes)
        if let error { throw error }
        return line
    }

    /// Like ``scan(_:)``, but on an error also returns the options read
    /// before it, so that the plan can check them first, in order, as
    /// numactl does (`-i redis-server --port 1` is about `redis-server`).
    package static func scanPartially(_ arguments: [String], rows: [OptionSpec]? = nil, permutes: Bool = false) -> (line: ScannedLine, error: ScanError?) {
        var line = ScannedLine()
        do {
            try scan(arguments, rows: RowSource(rows: rows), permutes: permutes, into: &line)
            return (line, nil)
        } catch {
            return (line, error)
        }
    }

    private static func scan(_ arguments: [String], rows: RowSource, permutes: Bool, into line: inout ScannedLine) throws(ScanError) {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                if permutes {
                    line.options += arguments[index...].map { ScannedOption(.operand, $0, spelling: $0) }
                }
                line.command += arguments[index...]
                return
            }
            if Scanner.startsWith(word, "--") {
                var (option, spec) = try scanLong(word, rows, arguments, &index)
                if spec.rest != nil {
                    // Every word after it is its own (a kubelet's command line), as after a command.
                    // A value attached with `=` stays the option's value.
                    option.rest = Array(arguments[index...])
                    line.options.append(option)
                    return
                }
                line.options.append(option)
                if spec.endsScan {
                    line = finishTerminal(line, rest: arguments[index...])
                    return
                }
                continue
            }
            guard Scanner.startsWith(word, "-"), word.count > 1 else {
                if permutes {
                    // In order among the options, for programs that read them so (numastat's PIDs).
                    line.options.append(ScannedOption(.operand, word, spelling: word))
                    line.command.append(word)
                    continue
                }
                line.command = Array(arguments[(index - 1)...])
                return
            }
            var rest = Substring(word.dropFirst())
            while let letter = rest.first {
                rest = rest.dropFirst()
                guard let (spec, place) = rows.first(where: { $0.short == letter }) else {
                    throw .unknownShort(letter)
                }
                var value: String?
                if spec.takesValue {
                    if !rest.isEmpty {
                        value = String(rest)
                        rest = ""
                    } else if spec.valueOnlyAttached {
                        value = nil
                    } else if index < arguments.count {
                        value = arguments[index]
                        index += 1
                    } else {
                        throw .missingValue("-\(letter)", what: spec.missingValue)
                    }
                }
                var option = ScannedOption(spec.id, value, spelling: "-\(letter)")
                option.place = place
                line.options.append(option)
                if spec.endsScan {
                    line = finishTerminal(line, rest: arguments[index...])
                    return
                }
            }
        }
    }

    /// After a terminal option the rest is ignored, but for a `--json` word before any `--`.
    private static func finishTerminal(_ line: ScannedLine, rest: ArraySlice<String>) -> ScannedLine {
        var line = line
        if rest.prefix(while: { $0 != "--" }).contains("--json") {
            line.options.append(ScannedOption(.json, spelling: "--json"))
        }
        return line
    }

    private static func scanLong(_ word: String, _ rows: RowSource, _ arguments: [String], _ index: inout Int) throws(ScanError)
        -> (ScannedOption, OptionSpec)
    {
        let body = word.dropFirst(2)
        let (name, attached) = splitAtEquals(body)
        var value = attached
        let (spec, place) = try lookUp(name, word: word, in: rows)
        let spelling = "--\(name)"
        var option = ScannedOption(spec.id, spelling: spelling)
        option.place = place
        if spec.rest != nil {
            option.value = value
            return (option, spec)
        }
        if spec.valueIsOptional {
            // `--draw` takes the next word only when it is `-` or names an
            // .svg file: any other word is a command (refused by the plan).
            if value == nil, index < arguments.count,
                arguments[index] == "-" || arguments[index].lowercased().hasSuffix(".svg")
            {
                value = arguments[index]
                index += 1
            }
        } else if spec.takesValue {
            if value == nil {
                guard index < arguments.count else { throw .missingValue(spelling, what: spec.missingValue) }
                value = arguments[index]
                index += 1
            }
        } else if value != nil {
            throw .unexpectedValue("--\(spec.long)")
        }
        option.value = value
        return (option, spec)
    }

    /// `word.hasPrefix(prefix)` for an ASCII prefix not ending in a carriage return:
    /// by bytes when the word is ASCII too (every byte then starts a character, so the
    /// answers agree), by characters otherwise. Saves each start-up the standard
    /// library's grapheme-boundary code (a 64 KB window of it) for `-` and `--`.
    static func startsWith(_ word: String, _ prefix: StaticString) -> Bool {
        guard word.hasBytePrefix(prefix) else { return false }
        return word.utf8.allSatisfy { $0 < 0x80 } || word.hasPrefix(prefix.description)
    }

    /// The option a long name or unambiguous prefix of one names.
    ///
    /// numactl's own options are matched first: a prefix that names one
    /// numactl option names it here too, whatever swnuma options share it
    /// (`--o` stays `--offset` beside any `--o...` of swnuma's), and a prefix
    /// ambiguous among numactl's options stays ambiguous. Only a prefix that
    /// matches no numactl option is looked up among swnuma's additions.
    static func lookUp(_ name: Substring, word: String, in rows: RowSource) throws(ScanError) -> (OptionSpec, OptionPlace?) {
        if let exact = rows.exact(name) { return exact }
        let matching = name.isEmpty ? [] : rows.all { !$0.shortOnly && $0.long.hasPrefix(name) }
        let numactls = matching.filter(\.0.fromNumactl)
        let candidates = numactls.isEmpty ? matching : numactls
        switch candidates.count {
        case 0: throw .unknownLong(word)
        case 1: return candidates[0]
        default: throw .ambiguous(word, candidates: candidates.map(\.0.long))
        }
    }
}

/// The rows a scan reads: a program's own, or swnuma's ``OptionTable``
/// walked group by group in place, so that a scan reads no further than the
/// first row that answers (a launch never reaches the kubelet modes' rows).
struct RowSource {
    /// A program's own rows; nil for swnuma's table.
    let rows: [OptionSpec]?

    private func group(_ number: Int) -> [OptionSpec]? {
        guard let rows else { return OptionTable.rows(ofGroup: number) }
        return number == 0 ? rows : nil
    }

    /// The first row that `matches` accepts, with its place in swnuma's table.
    func first(where matches: (OptionSpec) -> Bool) -> (OptionSpec, OptionPlace?)? {
        var number = 0
        while let group = group(number) {
            if let index = group.firstIndex(where: matches) {
                return (group[index], rows == nil ? OptionPlace(group: number, index: index) : nil)
            }
            number += 1
        }
        return nil
    }

    /// The first row whose long name is `name`: in swnuma's table found by
    /// the index of long names (``OptionTable/place(ofLongName:)``), which
    /// builds no rows but its own mode's; in a program's own rows by search.
    func exact(_ name: Substring) -> (OptionSpec, OptionPlace?)? {
        guard rows == nil else { return first { !$0.shortOnly && $0.long == name } }
        guard let place = OptionTable.place(ofLongName: name), let group = group(place.group), place.index < group.count
        else { return nil }
        return (group[place.index], place)
    }

    /// Every row that `matches` accepts, in table order.
    func all(where matches: (OptionSpec) -> Bool) -> [(OptionSpec, OptionPlace?)] {
        var found: [(OptionSpec, OptionPlace?)] = []
        var number = 0
        while let group = group(number) {
            for index in group.indices where matches(group[index]) {
                found.append((group[index], rows == nil ? OptionPlace(group: number, index: index) : nil))
            }
            number += 1
        }
        return found
    }
}
