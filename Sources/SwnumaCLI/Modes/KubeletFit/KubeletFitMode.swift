package import KubeletMemory
internal import NUMA

/// `--kubelet-fit [RESOURCES] [KUBELET-ARGS...]`: whether a Guaranteed pod
/// of that size would still be admitted on this node, and on which NUMA
/// nodes; without resources, what is still free on each.
package struct KubeletFitMode: Mode, Equatable {
    package var resources: String?
    package var arguments: [String]
    /// `--kubelet-version`: the release whose rules apply.
    package var release: KubeletRelease = .current

    package static let options: [OptionSpec] = [
        OptionSpec(.kubeletFit, group: .swnuma, summary: "Say on which NUMA nodes a Guaranteed pod of a given size would still be admitted", details: "Say whether a Guaranteed pod whose containers ask for RESOURCES (cpu=8,memory=32Gi,hugepages-1Gi=4Gi; the containers of one pod separated by ';') would be admitted on this node under its Topology Manager policy and scope, on which NUMA nodes, and why not on the others; from the machine, the kubelet's settings (the words after RESOURCES, or the running kubelet's) and the assignments of cpu_manager_state and memory_manager_state. Without RESOURCES (the first word is a kubelet flag, or there is none), a table per NUMA node of the exclusive CPUs, memory and huge pages still free. Exit 0 when it fits, 3 when it does not, 1 when the settings cannot be read.", fromNumactl: false, rest: "RESOURCES KUBELET-ARGS..."),
    ]

    package static let usage = [
        Usage(
            .optional([.option("--root", "dir")]), .option("--kubelet-fit"), .optional([.argument("resources")]),
            .optional([.repeating(.argument("kubelet-arg"))]))
    ]

    package static var runsCommand: Bool { true }
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
        page.macro("Ed")
    }

    package static func plan(_ line: ScannedLine, _ numactl: NumactlPlan) throws(UsageError) -> KubeletFitMode {
        let release = try KubeletCommand.release(line)
        guard let option = line.options.last(where: { $0.id == .kubeletFit }) else {
            return KubeletFitMode(resources: nil, arguments: [], release: release)
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
        return KubeletFitMode(resources: resources, arguments: words, release: release)
    }

    package func perform(_ context: inout Context) -> Outcome {
        let source: KubeletCommand.Source?
        do throws(KubeletInputError) {
            source = try KubeletCommand.settings(arguments, root: context.root, required: false, release: release)
        } catch {
            return .failure(error.description)
        }
        var settings = source?.settings ?? KubeletSettings()
        settings.release = release
        if let refusal = settings.refusals.first(where: { $0.severity == .refusal }) {
            return .failure("the kubelet's settings cannot be read: \(escapedForDisplay(refusal.message))")
        }
        // A kubelet that would not start admits nothing.
        let cpus = MachineCPUs.read(from: context.root)
        let refusals = (CPUManagerRules.check(settings, machine: cpus).findings
            + TopologyManagerRules.check(settings, numaNodes: cpus.nodeIDs.count).findings).filter { $0.severity == .refusal }
        if let refusal = refusals.first {
            var outcome = Outcome(status: 3)
            outcome.stdout = "refused: \(escapedForDisplay(refusal.message)); to fix: \(escapedForDisplay(refusal.advice))\nverdict: does not fit (the kubelet would not start; see --kubelet-check)\n"
            return outcome
        }
        let usage = NodeResourceTopology.usage(settings, root: context.root)
        var outcome = Outcome()
        if let note = source?.note { outcome.complain("warning: \(note)") }
        if source == nil { outcome.complain("note: no kubelet runs under the root and no arguments were given: the kubelet's defaults are used") }
        for note in usage.notes { outcome.complain("note: \(note)") }
        var out = escapedForDisplay("kubelet: \(source?.origin ?? "defaults"); CPU manager \(settings.cpuManagerPolicy), memory manager \(settings.memoryManagerPolicy), Topology Manager \(settings.topologyManagerPolicy) (scope \(settings.topologyManagerScope))") + "\n"
        guard let resources, let containers = try? KubeletFit.parse(resources) else {
            outcome.stdout = out + KubeletFit.table(usage)
            return outcome
        }
        let decisions = KubeletFit.fit(containers, usage: usage, settings: settings)
        for decision in decisions {
            out += "\(decision.label): \(escapedForDisplay(decision.message))\n"
            for reason in decision.reasons { out += "  not alone on \(reason)\n" }
        }
        let fits = decisions.count == (settings.topologyManagerScope == "pod" ? 1 : containers.count) && decisions.allSatisfy(\.admitted)
        out += fits ? "verdict: fits\n" : "verdict: does not fit\n"
        outcome.stdout = out
        outcome.status = fits ? 0 : 3
        return outcome
    }
}

extension OptionID {
    package static let kubeletFit = OptionID("kubelet-fit")
}
