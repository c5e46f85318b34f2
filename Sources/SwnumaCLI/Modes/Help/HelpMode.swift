/// `--help` (`-h`): the options and rules, generated from the option table,
/// on standard output.
package struct HelpMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.help, short: "h", group: .info, summary: "Print this help and exit", details: "Print a summary of the options on standard output and exit.", endsScan: true),
    ]

    package static let usage = [Usage(.option("--help"))]

    package func perform(_ context: inout Context) -> Outcome {
        Outcome(stdout: HelpText.render())
    }
}

extension OptionID {
    package static let help = OptionID("help")
}
