package import KubeletMemory
internal import NUMA

/// `--node-resource-topology [KUBELET-ARGS...]`: the NodeResourceTopology
/// object (topology.node.k8s.io/v1alpha2) an exporter would publish for
/// this node, from sysfs, the kubelet's settings and its checkpoints.
package struct NodeResourceTopologyMode: Mode, Equatable {
    package var arguments: [String]
    package var json: Bool
    /// `--kubelet-version`: the release whose rules apply.
    package var release: KubeletRelease = .current

    package static let options: [OptionSpec] = [
        OptionSpec(.nodeResourceTopology, group: .swnuma, summary: "Print the NodeResourceTopology object an exporter would publish for this node", details: "Print the topology.node.k8s.io/v1alpha2 NodeResourceTopology object that NFD's topology-updater would publish for this node, as YAML for kubectl apply -f - (or JSON with --json): one zone per NUMA node with its distances as costs, and cpu, memory and each huge page size as capacity, allocatable (less the kubelet's reserved CPUs and reserved memory) and available (less the exclusive CPUs of cpu_manager_state and the memory of memory_manager_state); the Topology Manager policy and scope as attributes. The kubelet's arguments follow the option, as for --kubelet-check; without them, those of the kubelet running under the root, or the kubelet's defaults when none runs (a snapshot). Exit 0, or 1 when the settings cannot be read.", fromNumactl: false, rest: "KUBELET-ARGS..."),
    ]

    package static let usage = [
        Usage(
            .optional([.option("--root", "dir")]), .optional([.option("--json")]), .option("--node-resource-topology"),
            .optional([.repeating(.argument("kubelet-arg"))]))
    ]

    package static var hasJSON: Bool { true }
    package static var combines: [OptionID]? { [.kubeletVersion] }
    package static var runsCommand: Bool { true }

    package static func manual(_ page: inout MdocWriter) {
        page.macro("Sh NODERESOURCETOPOLOGY")
        page.text("""
            --node-resource-topology prints the NodeResourceTopology object (topology.node.k8s.io/v1alpha2) \
            that the scheduler's topology-aware plugins read, as NFD's topology-updater would publish it for this node, \
            computed from sysfs, the kubelet's settings and its cpu_manager_state and memory_manager_state \
            instead of the kubelet's podresources API. \
            Zones are named node-N, of type Node, with the node distances as costs. \
            Each zone has cpu (its online CPUs; allocatable without the reserved CPUs of the static CPU manager; \
            available without the CPUs assigned to containers in cpu_manager_state), \
            memory and hugepages-SIZE (the memory manager's total, allocatable and free bytes, \
            the assignments of memory_manager_state taken off). \
            The Topology Manager policy and scope are the attributes topologyManagerPolicy and topologyManagerScope. \
            It works on a snapshot under --root, which no exporter can: the scheduler's view of a node as it was. \
            Messages on what was counted go to standard error.
            """)
        page.macro("Pp")
        page.text("Publish the object of the running kubelet, or save a JSON copy of a snapshot's:")
        page.macro("Bd -literal -offset indent")
        page.text("swnuma --node-resource-topology | kubectl apply -f -")
        page.text("swnuma --root /tmp/sosreport --json --node-resource-topology --cpu-manager-policy=static --reserved-cpus=0 > nrt.json")
        page.macro("Ed")
    }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> NodeResourceTopologyMode {
        guard let option = line.options.last(where: { $0.id == .nodeResourceTopology }) else {
            return NodeResourceTopologyMode(arguments: [], json: numactl.json, release: try KubeletCommand.release(line))
        }
        if let value = option.value {
            throw UsageError("--node-resource-topology takes no value: write the kubelet's arguments after it, not '=\(value)'")
        }
        return NodeResourceTopologyMode(arguments: option.rest, json: numactl.json, release: try KubeletCommand.release(line))
    }

    package func perform(_ context: inout Context) -> Outcome {
        let root = context.root
        return KubeletCommand.withSettingsOrDefaults(arguments, root: root, release: release) { source, settings in
            let result = NodeResourceTopology.build(settings, root: root)
            var outcome = Outcome()
            KubeletCommand.complainAboutOrigin(source, &outcome)
            for note in result.notes { outcome.complain("note: \(note)") }
            outcome.stdout = json ? result.document.render(inlineScalarArrays: false) : result.document.renderedYAML()
            return outcome
        }
    }
}

extension OptionID {
    package static let nodeResourceTopology = OptionID("node-resource-topology")
}
