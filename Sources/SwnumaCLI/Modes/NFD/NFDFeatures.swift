internal import NUMA

/// `--nfd-features`: the machine's NUMA labels as a feature file for
/// node-feature-discovery's local source, on stdout or written atomically
/// to `--output`.
package enum NFDFeatures {
    /// What `--label`, `--expiry` and `--output` ask for.
    package struct Request: Equatable, Sendable {
        /// `--label NAME=EXPR`, in order.
        var labels: [(name: String, requirement: Requirement)] = []
        /// `--expiry`, in seconds.
        var expiry: Int64?
        /// `--output`; nil for standard output (no `--output`, or `--output -`).
        var output: String?

        package static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.labels.map(\.name) == rhs.labels.map(\.name) && lhs.labels.map(\.requirement) == rhs.labels.map(\.requirement)
                && lhs.expiry == rhs.expiry && lhs.output == rhs.output
        }
    }

    /// Reads the options; every name, expression and duration is checked
    /// here, before anything is read or written.
    static func request(_ options: [ScannedOption]) throws(UsageError) -> Request {
        var request = Request()
        for option in options {
            let value = option.value ?? ""
            switch option.id {
            case .label:
                guard let equals = value.firstIndex(of: "=") else {
                    throw UsageError("invalid label '\(value)' for \(option.spelling): expected NAME=EXPR, as in db-ready='node(0).free>=64G'")
                }
                let name = String(value[..<equals])
                let expression = String(value[value.index(after: equals)...])
                do {
                    _ = try NodeFeatures.checkName(name)
                    request.labels.append((name, try Requirement.parse(expression)))
                } catch {
                    throw UsageError("\(option.spelling): \(error.description)")
                }
            case .expiry:
                do {
                    request.expiry = try NodeFeatures.parseDuration(value)
                } catch {
                    throw UsageError("\(option.spelling): \(error.description)")
                }
            case .output:
                guard !value.isEmpty else { throw UsageError("\(option.spelling) needs a file name") }
                // `-` is standard output, as after --draw; `./-` names a file called `-`.
                request.output = value == "-" ? nil : value
            default:
                break
            }
        }
        return request
    }

    /// The feature file's text for the machine under `context`'s root.
    static func render(_ request: Request, context: inout Context, now: Int64) throws(NUMAError) -> String {
        let topology = context.topology
        let root = context.root
        let kinds = MemoryKinds.read(from: root, topology: topology)
        var features = NodeFeatures(
            topology: topology, packages: NodeFeatures.packages(of: topology, root: root), cpuset: Cpuset.read(from: root),
            kinds: kinds)
        for label in request.labels {
            let holds = label.requirement.evaluate(in: topology, kinds: kinds).holds
            features.labels.append(NodeFeatures.Label(name: label.name, value: holds ? "true" : "false"))
        }
        return try features.render(expiry: request.expiry.map { now + $0 })
    }

    /// Prints the file, or writes it to `--output`.
    static func perform(_ request: Request, context: inout Context, outcome: Outcome) -> Outcome {
        var outcome = outcome
        let text: String
        do {
            text = try render(request, context: &context, now: NodeFeatures.now)
        } catch {
            return .failure(error.description)
        }
        for warning in context.topology.warnings { outcome.complain("warning: \(warning)") }
        guard let output = request.output else {
            outcome.stdout += text
            return outcome
        }
        // Written by the one file writer (``Program``), atomically.
        outcome.file = OutputFile(path: output, contents: text)
        return outcome
    }
}
