package import NUMA

/// The outcome of checking `--require` expressions, rendered as lines for
/// stderr and as JSON (docs/schema/require.schema.json).
package struct RequirementReport: Sendable {
    package var results: [(requirement: Requirement, evaluation: Requirement.Evaluation)]

    /// Checks every requirement against `topology`, in command-line order.
    /// Evaluates each requirement; `kinds` is read only when one needs the
    /// nodes' memory kinds (`nodes(gpu)`, `tiers`).
    package init(_ requirements: [Requirement], in topology: Topology, kinds: () -> MemoryKinds? = { nil }) {
        let kinds = requirements.contains { $0.quantity.needsMemoryKinds } ? kinds() : nil
        results = requirements.map { ($0, $0.evaluate(in: topology, kinds: kinds)) }
    }

    /// Whether every requirement holds.
    package var allHold: Bool { results.allSatisfy(\.evaluation.holds) }

    /// One line per failed requirement, without the `swnuma: ` prefix:
    /// `requirement 'node(1).free>=64G' failed: node 1 has 12.0 GiB free`.
    package var failures: [String] {
        results.filter { !$0.evaluation.holds }.map { result in
            "requirement '\(result.requirement.text)' failed: \(result.evaluation.message)"
        }
    }

    package func document() -> JSONValue {
        .object([
            ("schema_version", .number(jsonSchemaVersion)),
            ("holds", .bool(allHold)),
            ("requirements", .array(results.map { result in
                .object([
                    ("expression", .string(result.requirement.text)),
                    ("holds", .bool(result.evaluation.holds)),
                    ("actual", .optional(result.evaluation.actual)),
                    ("unit", .string(result.requirement.quantity.isBytes ? "bytes" : "count")),
                    ("message", .string(result.evaluation.message)),
                ])
            })),
        ])
    }

    package func renderJSON() -> String { document().render() }
}
