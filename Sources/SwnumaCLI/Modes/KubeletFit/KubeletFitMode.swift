package import KubeletMemory
internal import NUMA

/// `--kubelet-fit [RESOURCES] [KUBELET-ARGS...]`: whether a Guaranteed pod
/// of that size would still be admitted on this node, and on which NUMA
/// nodes; without resources, what is still free on each.
package struct KubeletFitMode: Mode, Equatable {
    package var resources: String?
    package var arguments: [String]
    /// `--json`: the verdict as a document (docs/schema/kubelet-fit.schema.json).
    package var json = false
    /// `--kubelet-version`: the release whose rules apply.
    package var release: KubeletRelease = .current

    package static let options: [OptionSpec] = [
        OptionSpec(.kubeletFit, group: .swnuma, summary: "Say on which NUMA nodes a Guaranteed pod of a given size would still be admitted", details: "Say whether a Guaranteed pod whose containers ask for RESOURCES (cpu=8,memory=32Gi,hugepages-1Gi=4Gi; the containers of one pod separated by ';') would be admitted on this node under its Topology Manager policy and scope, on which NUMA nodes, and why not on the others; from the machine, the kubelet's settings (the words after RESOURCES, or the running kubelet's) and the assignments of cpu_manager_state and memory_manager_state. Without RESOURCES (the first word is a kubelet flag, or there is none), a table per NUMA node of the exclusive CPUs, memory and huge pages still free. With --json, one document (docs/schema/kubelet-fit.schema.json): the policies and release applied, per container (or pod) whether it is admitted, the merged hint chosen and why each NUMA node cannot take it alone, and the free resources per node. Exit 0 when it fits, 3 when it does not, 1 when the settings cannot be read.", fromNumactl: false, rest: "RESOURCES KUBELET-ARGS..."),
    ]

    package static let usage = [
        Usage(
            .optional([.option("--root", "dir")]), .optional([.option("--json")]), .option("--kubelet-fit"), .optional([.argument("resources")]),
            .optional([.repeating(.argument("kubelet-arg"))]))
    ]

    package static var runsCommand: Bool { true }
    package static var hasJSON: Bool { true }
    package static var combines: [OptionID]? { [.kubeletVersion] }

    package static func manual(_ page: inout MdocWriter) {
        page.macro("Sh WHAT STILL FITS")
        page.text("""
            --kubelet-fit says whether a Guaranteed pod would still be admitted on this node, and where. \
            RESOURCES is cpu=N (whole CPUs, given exclusively by the static CPU manager; a fraction uses the shared pool), \
            memory=QUANTITY and hugepages-SIZE=QUANTITY, a container's resources separated by ',' and the pod's containers by ';'. \
            The free CPUs are the online CPUs less the reserved ones and those assigned in cpu_manager_state; \
            the free memory is the memory manager's (Static) state with the assignments of memory_manager_state taken off. \
            Each container (or, under --topology-manager-scope=pod, the whole pod) gets the CPU and memory managers' hints: \
            every set of NUMA nodes whose free resources cover it, preferred when no smaller set could hold it; \
            the Topology Manager merges them and keeps the best. \
            single-numa-node admits only a preferred single node, restricted only a preferred hint, \
            best-effort and none admit whatever fits on the node as a whole. \
            Exit 0 when it fits, 3 when it does not. \
            Without RESOURCES, it prints per NUMA node the exclusive CPUs, memory and huge pages still free.
            """)
        page.macro("Bd -literal -offset indent")
        page.text("swnuma --kubelet-fit 'cpu=8,memory=32Gi,hugepages-1Gi=4Gi'")
        page.text("swnuma --kubelet-fit 'cpu=6;cpu=6' --cpu-manager-policy=static --reserved-cpus=0 --topology-manager-policy=restricted --topology-manager-scope=pod")
        page.text("swnuma --root /tmp/sosreport --kubelet-fit --config /tmp/sosreport/var/lib/kubelet/config.yaml")
        page.text("swnuma --json --kubelet-fit 'cpu=4,memory=8Gi' | jq '.decisions[] | {label, admitted, hint}'")
        page.macro("Ed")
        page.text("""
            With --json the verdict is one document (docs/schema/kubelet-fit.schema.json): \
            verdict is fits, does-not-fit, refused (the kubelet would not start; refusal says why) or free (no RESOURCES); \
            policies and kubernetes_rules say what was applied; \
            each of decisions holds the merged hint chosen (its NUMA nodes and whether it is preferred) \
            and, per NUMA node, why that node cannot take the container alone; \
            free lists per NUMA node the exclusive CPUs, memory and huge pages still free before the request.
            """)
    }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> KubeletFitMode {
        let release = try KubeletCommand.release(line)
        guard let option = line.options.last(where: { $0.id == .kubeletFit }) else {
            return KubeletFitMode(resources: nil, arguments: [], json: numactl.json, release: release)
        }
        var words = (option.value.map { [$0] } ?? []) + option.rest
        var resources: String?
        if let first = words.first, !first.hasPrefix("-") {
            resources = first
            words.removeFirst()
        }
        if let resources {
            do {
                _ = try KubeletFit.parse(resources)
            } catch {
                throw UsageError("--kubelet-fit: \(error.description)")
            }
        }
        return KubeletFitMode(resources: resources, arguments: words, json: numactl.json, release: release)
    }

    package func perform(_ context: inout Context) -> Outcome {
        let root = context.root
        return KubeletCommand.withSettingsOrDefaults(arguments, root: root, release: release) { source, settings in
            fit(source, settings, root: root)
        }
    }

    /// The verdict (or the free resources) under the kubelet's `settings`.
    func fit(_ source: KubeletCommand.Source?, _ settings: KubeletSettings, root: SystemRoot) -> Outcome {
        // A kubelet that would not start admits nothing.
        let cpus = MachineCPUs.read(from: root)
        let refusals = (CPUManagerRules.check(settings, machine: cpus, release: release).findings
            + TopologyManagerRules.check(settings, numaNodes: cpus.nodeIDs.count, release: release).findings).filter { $0.severity == .refusal }
        let containers = resources.flatMap { try? KubeletFit.parse($0) }
        if let refusal = refusals.first {
            var outcome = Outcome(status: 3)
            if json {
                outcome.stdout = document(settings, source: source, verdict: "refused", refusal: refusal, containers: containers, decisions: [], free: [], notes: [])
                    .render()
            } else {
                outcome.stdout = "refused: \(escapedForDisplay(refusal.message)); to fix: \(escapedForDisplay(refusal.advice))\nverdict: does not fit (the kubelet would not start; see --kubelet-check)\n"
            }
            return outcome
        }
        let usage = NodeResourceTopology.usage(settings, root: root)
        var outcome = Outcome()
        KubeletCommand.complainAboutOrigin(source, &outcome)
        for note in usage.notes { outcome.complain("note: \(note)") }
        let free = KubeletFit.freeNodes(usage)
        guard let containers else {
            outcome.stdout = json
                ? document(settings, source: source, verdict: "free", refusal: nil, containers: nil, decisions: [], free: free, notes: usage.notes).render()
                : escapedForDisplay(header(settings, source: source)) + "\n" + KubeletFit.table(usage)
            return outcome
        }
        // The nodes' distances, for prefer-closest-numa-nodes only (and up
        // to 64 nodes, what the kubelet's masks hold: the table is squared).
        var distances: [Int: [Int: Int]] = [:]
        let closest = settings.topologyManagerPolicyOptions.contains { $0.0 == "prefer-closest-numa-nodes" }
        if closest, settings.topologyManagerPolicy == "best-effort" || settings.topologyManagerPolicy == "restricted", cpus.nodeIDs.count <= 64 {
            let topology = Topology.load(from: root, options: [.skipMemory])
            for a in topology.nodes { for b in topology.nodes { distances[a.id, default: [:]][b.id] = topology.distance(from: a.id, to: b.id) } }
        }
        let decisions = KubeletFit.fit(containers, usage: usage, settings: settings, distances: distances)
        let fits = decisions.count == (settings.topologyManagerScope == "pod" ? 1 : containers.count) && decisions.allSatisfy(\.admitted)
        outcome.status = fits ? 0 : 3
        if json {
            outcome.stdout = document(
                settings, source: source, verdict: fits ? "fits" : "does-not-fit", refusal: nil, containers: containers, decisions: decisions, free: free,
                notes: usage.notes
            ).render()
            return outcome
        }
        var out = escapedForDisplay(header(settings, source: source)) + "\n"
        for decision in decisions {
            out += "\(decision.label): \(escapedForDisplay(decision.message))\n"
            for reason in decision.reasons { out += "  not alone on \(reason)\n" }
        }
        out += fits ? "verdict: fits\n" : "verdict: does not fit\n"
        outcome.stdout = out
        return outcome
    }

    func header(_ settings: KubeletSettings, source: KubeletCommand.Source?) -> String {
        "kubelet: \(source?.origin ?? "defaults"); CPU manager \(settings.cpuManagerPolicy), memory manager \(settings.memoryManagerPolicy), Topology Manager \(settings.topologyManagerPolicy) (scope \(settings.topologyManagerScope))"
    }

    /// The document of docs/schema/kubelet-fit.schema.json.
    func document(
        _ settings: KubeletSettings, source: KubeletCommand.Source?, verdict: String, refusal: Finding?, containers: [KubeletFit.Request]?,
        decisions: [KubeletFit.Decision], free: [KubeletFit.FreeNode], notes: [String]
    ) -> JSONValue {
        func bytes(_ map: [String: UInt64]) -> JSONValue { .object(map.keys.sorted().map { ($0, .uint(map[$0] ?? 0)) }) }
        let kubelet: JSONValue = .object([
            ("origin", .string(source?.origin ?? "defaults")), ("pid", source?.pid.map { .number($0) } ?? .null),
            ("config", source?.settings.configFile.map(JSONValue.string) ?? .null),
        ])
        let options = settings.topologyManagerPolicyOptions.map { ($0.0, JSONValue.string($0.1)) }
        let cpuOptions = settings.cpuManagerPolicyOptions.map { ($0.0, JSONValue.string($0.1)) }
        let policies: JSONValue = .object([
            ("cpu_manager", .string(settings.cpuManagerPolicy)), ("cpu_manager_options", .object(cpuOptions)),
            ("memory_manager", .string(settings.memoryManagerPolicy)),
            ("topology_manager", .string(settings.topologyManagerPolicy)), ("topology_manager_scope", .string(settings.topologyManagerScope)),
            ("topology_manager_options", .object(options)),
        ])
        let request: JSONValue = containers.map { list in
            .array(list.map { .object([("cpus", .number($0.cpus)), ("memory", bytes($0.memory))]) })
        } ?? .null
        let nodeIDs = free.map(\.node)
        let decided: [JSONValue] = decisions.map { decision in
            let hint: JSONValue = decision.admitted
                ? .object([("nodes", decision.nodes.map { .array($0.map { .number($0) }) } ?? .null), ("preferred", .bool(decision.preferred))])
                : .null
            return .object([
                ("label", .string(decision.label)), ("admitted", .bool(decision.admitted)), ("message", .string(decision.message)), ("hint", hint),
                ("nodes", .array(nodeIDs.map { node in
                    let why = decision.whyNot[node] ?? []
                    return .object([("node", .number(node)), ("fits_alone", .bool(why.isEmpty)), ("why_not", .array(why.map(JSONValue.string)))])
                })),
            ])
        }
        return .object([
            ("schema_version", .number(jsonSchemaVersion)),
            ("kubernetes_rules", .string(settings.release.description)),
            ("kubelet", kubelet),
            ("policies", policies),
            ("verdict", .string(verdict)),
            ("refusal", refusal.map { item in
                .object([("severity", .string(item.severity.rawValue)), ("rule", .string(item.rule)), ("message", .string(item.message)), ("advice", .string(item.advice))])
            } ?? .null),
            ("request", request),
            ("decisions", .array(decided)),
            ("free", .array(free.map { node in
                .object([
                    ("node", .number(node.node)), ("cpus", .number(node.cpus.count)), ("cpu_list", .string(CPUList.format(node.cpus))),
                    ("memory", bytes(node.memory)),
                ])
            })),
            ("notes", .array(notes.map(JSONValue.string))),
        ])
    }
}

extension OptionID {
    package static let kubeletFit = OptionID("kubelet-fit")
}
