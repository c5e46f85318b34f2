internal import NUMA

/// `--nfd-features`: the machine's NUMA labels as a feature file for
/// node-feature-discovery's local source, on stdout or written atomically
/// to `--output`. `--require` gates it.
package struct NFDFeaturesMode: Mode, Equatable {
    package var plan: NumactlPlan
    package var request: NFDFeatures.Request

    package static let options: [OptionSpec] = [
        OptionSpec(.nfdFeatures, group: .swnuma, summary: "Print NUMA labels for node-feature-discovery", details: "Print a feature file for node-feature-discovery's local source: one name=value line per NUMA label (see NODE FEATURE LABELS), to be placed in /etc/kubernetes/node-feature-discovery/features.d/. A name or value that breaks Kubernetes' label rules is refused before anything is written. With --require, the file is printed or written only when every requirement holds (exit 3 otherwise).", fromNumactl: false),
        OptionSpec(.label, value: .expression, valueName: "name=expr", group: .swnuma, summary: "With --nfd-features, add NAME=true|false from a --require expression", details: "With --nfd-features, add the label NAME, true when the --require expression EXPR holds and false when it does not: --label db-ready='node(0).free>=64G'. NAME is written as given; node-feature-discovery prefixes a name without a prefix/ with feature.node.kubernetes.io/. Repeatable.", fromNumactl: false, repeatable: true),
        OptionSpec(.expiry, value: .number, valueName: "duration", group: .swnuma, summary: "With --nfd-features, labels expire after this duration (1h30m)", details: "With --nfd-features, write the directive # +expiry-time= with the time (UTC, RFC 3339) this duration from now, after which node-feature-discovery drops the labels unless the file is refreshed. A duration is one or more whole numbers each followed by s, m, h or d: 90s, 30m, 1h30m, 7d; from 1s to 3650d. As the time moves, each run rewrites the file.", fromNumactl: false),
        OptionSpec(.output, value: .path, valueName: "file", group: .swnuma, summary: "With --nfd-features, write the file atomically instead of to stdout (- is stdout)", details: "With --nfd-features, write the feature file to this path instead of standard output: through a hidden temporary file in the same folder, flushed and renamed over the path, so that a reader never sees a partial file. When the file already holds exactly the same text it is left untouched. --output - writes to standard output, as --draw - does.", fromNumactl: false),
    ]

    package static let usage = [
        Usage(
            .option("--nfd-features"), .optional([.repeating(.option("--label", "name=expr"))]),
            .optional([.option("--expiry", "duration")]), .optional([.option("--output", "file")]))
    ]

    package static let combines: [OptionID]? = [.require]

    package static var withoutJSON: String { "the feature file is text" }

    package static func manual(_ page: inout MdocWriter) {
        ManPage.nodeFeatureLabels(&page)
    }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> NFDFeaturesMode {
        // Names, expressions and durations are refused here, before anything is read or written.
        NFDFeaturesMode(plan: numactl, request: try NFDFeatures.request(line.options))
    }

    package func perform(_ context: inout Context) -> Outcome {
        let (outcome, done) = context.prepare(plan, topology: .hugePages, needsLiveSystem: false)
        if done { return outcome }
        return NFDFeatures.perform(request, context: &context, outcome: outcome)
    }
}

extension OptionID {
    package static let nfdFeatures = OptionID("nfd-features")
    package static let label = OptionID("label")
    package static let expiry = OptionID("expiry")
    package static let output = OptionID("output")
}
