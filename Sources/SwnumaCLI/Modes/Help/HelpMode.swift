/// `--help` (`-h`): the options and rules, generated from the option table,
/// on standard output.
package struct HelpMode: Mode, Equatable {
    package static let options: [OptionSpec] = [
        OptionSpec(
            .help, short: "h", group: .info,
            summary: "Print this help and exit",
            details: "Print a summary of the options on standard output and exit.", endsScan: true),
    ]

    package static let usage = [Usage(.option("--help"))]

    package static var combines: [OptionID]? { nil }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> HelpMode { HelpMode() }

    package func perform(_ context: inout Context) -> Outcome {
        Outcome(stdout: HelpText.render())
    }
}

extension OptionID {
    package static let help = OptionID("help")
}
