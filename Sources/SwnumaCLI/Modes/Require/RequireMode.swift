internal import NUMA

/// `--require EXPR` alone: exit 0 when every requirement holds, 3 when one
/// does not, with one line on stderr per failure (before a command, `-H` or
/// `--show`, the requirements gate those modes instead: ``Context/prepare``).
package struct RequireMode: NumactlMode, Equatable {
    package var plan: NumactlPlan

    package static let options: [OptionSpec] = [
        OptionSpec(.require, value: .expression, valueName: "expr", group: .swnuma, summary: "Check the topology; launch only when it holds", details: "Check a requirement on the topology before anything else. Alone, exit 0 when every requirement holds and 3 when one does not; before a command, launch it only when all hold. Repeatable.", fromNumactl: false, repeatable: true),
    ]

    package static let usage = [Usage(.repeating(.option("--require", "expr")), .optional([.option("--json")]))]

    package func perform(_ context: inout Context) -> Outcome {
        context.prepare(plan, topology: nil, needsLiveSystem: false, requirementsAlone: true).outcome
    }
}

extension OptionID {
    package static let require = OptionID("require")
}
