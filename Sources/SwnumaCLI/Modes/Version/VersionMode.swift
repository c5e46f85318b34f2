/// `--version`: `swnuma <version>` on one line.
package struct VersionMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.version, group: .info, summary: "Print the version and exit", details: "Print the version and exit.", endsScan: true),
    ]

    package static let usage = [Usage(.option("--version"))]

    package func perform(_ context: inout Context) -> Outcome {
        Outcome(stdout: "\(Program.swnumaName) \(Program.version)\n")
    }
}

extension OptionID {
    package static let version = OptionID("version")
}
