public import NUMA

/// The machine as the kubelet's CPU manager sees it: the online CPUs, their
/// cores (SMT siblings), sockets and NUMA nodes.
public struct MachineCPUs: Hashable, Sendable {
    /// Online CPUs, ascending.
    public var online: [Int]
    /// Each online CPU's core: its sibling group (ascending), keyed by CPU.
    public var siblings: [Int: [Int]]
    /// Each online CPU's NUMA node.
    public var node: [Int: Int]
    /// Each online CPU's socket (physical package).
    public var socket: [Int: Int]
    /// Every NUMA node id, CPU-less ones included.
    public var nodeIDs: [Int]

    public init(online: [Int], siblings: [Int: [Int]], node: [Int: Int], socket: [Int: Int], nodeIDs: [Int]) {
        self.online = online
        self.siblings = siblings
        self.node = node
        self.socket = socket
        self.nodeIDs = nodeIDs
    }

    /// The machine under `root`: `online`, each CPU's `thread_siblings_list`
    /// and `physical_package_id`, the nodes' `cpulist`. A CPU whose topology
    /// files are missing is a core of its own on socket 0.
    public static func read(from root: SystemRoot) -> MachineCPUs {
        let topology = Topology.load(from: root, options: [.skipDistances, .skipMemory])
        var node: [Int: Int] = [:]
        for item in topology.nodes {
            for cpu in item.cpus.ranges.flatMap({ Array($0) }) { node[cpu] = item.id }
        }
        var online: [Int]
        // The kernel's limit on CPU ids (CONFIG_NR_CPUS at most 8192) bounds
        // what a snapshot's `online` may name: a longer list is not believed.
        if let text = root.readText("sys/devices/system/cpu/online"),
            let set = CPUSet(listBytes: Array(text.utf8), limit: CPUKind.kernelLimit)
        {
            online = Array(set)
        } else {
            online = node.keys.sorted()
        }
        if online.isEmpty { online = node.keys.sorted() }
        var siblings: [Int: [Int]] = [:]
        var socket: [Int: Int] = [:]
        let onlineSet = Set(online)
        for cpu in online {
            let base = "sys/devices/system/cpu/cpu\(cpu)/topology/"
            let group = root.readText(base + "thread_siblings_list").flatMap {
                CPUSet(listBytes: Array($0.utf8), limit: CPUKind.kernelLimit).map { Array($0) }
            } ?? [cpu]
            siblings[cpu] = group.contains(cpu) ? group.filter { onlineSet.contains($0) } : [cpu]
            socket[cpu] = root.readText(base + "physical_package_id").flatMap { Int(goTrimSpace($0)) } ?? 0
            if node[cpu] == nil { node[cpu] = topology.nodes.first?.id ?? 0 }
        }
        return MachineCPUs(online: online, siblings: siblings, node: node, socket: socket, nodeIDs: topology.nodes.map(\.id))
    }

    /// The cores, each its online siblings, ordered by their first CPU.
    public var cores: [[Int]] {
        var seen = Set<Int>()
        var result: [[Int]] = []
        for cpu in online where !seen.contains(cpu) {
            let group = siblings[cpu] ?? [cpu]
            group.forEach { seen.insert($0) }
            result.append(group)
        }
        return result
    }

    /// The most siblings any core has (1 without SMT).
    public var threadsPerCore: Int { siblings.values.map(\.count).max() ?? 1 }

    /// The online CPUs of NUMA node `id`.
    public func cpus(ofNode id: Int) -> [Int] { online.filter { node[$0] == id } }

    /// The CPUs the static policy reserves when `--reserved-cpus` is not
    /// given: whole cores first, in order of their first CPU, then single
    /// threads of the next cores. This is swnuma's reading of the kubelet's
    /// `takeByTopology` on a machine whose free CPUs are all of them (the
    /// kubelet prefers whole sockets and NUMA nodes first when the count
    /// covers them, which takes the same lowest-numbered cores on the usual
    /// numbering); nil when there are not `count` online CPUs.
    public func reservedCPUs(count: Int) -> [Int]? {
        guard count <= online.count else { return nil }
        var taken: [Int] = []
        var left = count
        let ordered = cores.sorted { (node[$0[0]] ?? 0, socket[$0[0]] ?? 0, $0[0]) < (node[$1[0]] ?? 0, socket[$1[0]] ?? 0, $1[0]) }
        var partial: [[Int]] = []
        for core in ordered {
            if left >= core.count {
                taken += core
                left -= core.count
            } else {
                partial.append(core)
            }
        }
        for core in partial where left > 0 {
            let some = core.prefix(left)
            taken += some
            left -= some.count
        }
        return taken.sorted()
    }
}

/// A Linux CPU list (`0-3,8`), read and written as the kubelet's `cpuset`
/// package does.
public enum CPUList {
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The CPUs of `text`, ascending and distinct. Empty text is no CPUs.
    public static func parse(_ text: String) throws(ParseError) -> [Int] {
        if text.isEmpty { return [] }
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            var numbers: [Int] = []
            for bound in bounds {
                guard !bound.isEmpty, bound.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(bound), number < 1 << 22 else {
                    throw ParseError(description: "strconv.Atoi: parsing \(goQuote(String(bound))): invalid syntax")
                }
                numbers.append(number)
            }
            if numbers.count == 2 {
                guard numbers[0] <= numbers[1] else {
                    throw ParseError(description: "invalid range \(goQuote(String(item))) (\(numbers[0]) > \(numbers[1]))")
                }
                for cpu in numbers[0]...numbers[1] { result.insert(cpu) }
            } else {
                result.insert(numbers[0])
            }
        }
        return result.sorted()
    }

    /// `0-3,8`: ascending ranges.
    public static func format<S: Sequence>(_ cpus: S) -> String where S.Element == Int {
        let sorted = Set(cpus).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}

// MARK: The CPU manager's start-up rules

/// A policy option's maturity in one release.
public enum OptionStage: String, Hashable, Sendable {
    case alpha, beta, ga
}

/// A resource manager whose policy takes options (`--cpu-manager-policy-options`,
/// `--topology-manager-policy-options`), each at a stage of a release.
protocol PolicyOptionRules {
    /// `CPU Manager`, `Topology Manager`: as the kubelet names it in its refusals.
    static var manager: String { get }
    /// The finding that refuses an option (`-beta`, `-alpha` added for those).
    static var optionFinding: String { get }
    /// Every option name any modelled release knows.
    static var optionNames: [String] { get }
    static func stage(of option: String, in release: KubeletRelease) -> OptionStage?
}

extension PolicyOptionRules {
    /// The kubelet's refusal of policy option `name`: one `release` does not
    /// know, a beta one whose beta-options gate is off, or an alpha one
    /// (its alpha-options gate is off at its default); nil when it takes it.
    static func refusal(of name: String, release: KubeletRelease, gates: [String: Bool]) -> Finding? {
        let id = optionFinding
        let prefix = manager.filter { $0 != " " } + "Policy"
        switch stage(of: name, in: release) {
        case nil:
            let known = optionNames.filter { stage(of: $0, in: release) != nil }.joined(separator: ", ")
            let later = optionNames.contains(name) ? " (\(name) is not in Kubernetes \(release))" : ""
            return Finding(.refusal, id, "unknown \(manager) Policy option: \"\(name)\"", advice: "use \(known.isEmpty ? "no option" : "one of " + known)\(later)")
        case .beta? where gates[prefix + "BetaOptions"] == false:
            return Finding(.refusal, id + "-beta", "\(manager) Policy Beta-level Options not enabled, but option \"\(name)\" provided",
                advice: "drop --feature-gates=\(prefix)BetaOptions=false, or drop \(name) (beta in \(release))")
        case .alpha? where gates[prefix + "AlphaOptions"] != true:
            return Finding(.refusal, id + "-alpha", "\(manager) Policy Alpha-level Options not enabled, but option \"\(name)\" provided",
                advice: "add --feature-gates=\(prefix)AlphaOptions=true, or drop \(name) (alpha in \(release))")
        default:
            return nil
        }
    }
}

/// What the CPU manager's static policy starts with.
public struct CPUManagerPlan: Hashable, Sendable {
    /// The reserved CPUs (nil when the policy is none or the kubelet refuses first).
    public var reserved: [Int]?
    /// The number of reserved CPUs (the reservation rounded up).
    public var reservedCount: Int
    /// The valid policy options, by name.
    public var options: [String: String]
}

public enum CPUManagerRules: PolicyOptionRules {
    static let manager = "CPU Manager"
    static let optionFinding = "cpu-policy-option"

    /// Each static policy option and its stage by release (nil: the
    /// release does not know it). From the kubelet's `policy_options.go`
    /// sets as the documentation and the KEPs date them (docs/kubelet-rules.md).
    public static func stage(of option: String, in release: KubeletRelease) -> OptionStage? {
        let m = release.minor
        switch option {
        case "full-pcpus-only": return m >= 33 ? .ga : m >= 22 ? .beta : nil
        case "distribute-cpus-across-numa": return m >= 33 ? .beta : m >= 23 ? .alpha : nil
        case "align-by-socket": return m >= 25 ? .alpha : nil
        case "distribute-cpus-across-cores": return m >= 31 ? .alpha : nil
        case "strict-cpu-reservation": return m >= 35 ? .ga : m >= 33 ? .beta : m >= 32 ? .alpha : nil
        case "prefer-align-cpus-by-uncorecache": return m >= 36 ? .ga : m >= 34 ? .beta : m >= 32 ? .alpha : nil
        default: return nil
        }
    }

    public static let optionNames = [
        "full-pcpus-only", "distribute-cpus-across-numa", "align-by-socket", "distribute-cpus-across-cores", "strict-cpu-reservation",
        "prefer-align-cpus-by-uncorecache",
    ]

    /// The cpu of a kube-/system-reserved list, in millicores (rounded up
    /// as `MilliValue` rounds); nil when absent or unreadable (the memory
    /// checks report an unreadable quantity).
    static func milliCPU(_ pairs: [(String, String)]) -> Int128? {
        guard let text = pairs.last(where: { $0.0 == "cpu" })?.1, let quantity = try? Quantity.parse(text), !quantity.isNegative else {
            return nil
        }
        let nanos = quantity.nanos
        return (nanos + 999_999) / 1_000_000
    }

    /// The CPU manager's start-up checks, in the kubelet's order: the policy
    /// name, `--reserved-cpus` against the online CPUs, the reservation the
    /// static policy needs, its options.
    public static func check(_ settings: KubeletSettings, machine: MachineCPUs, release: KubeletRelease = .current) -> (findings: [Finding], plan: CPUManagerPlan) {
        var findings: [Finding] = []
        var plan = CPUManagerPlan(reserved: nil, reservedCount: 0, options: [:])
        let online = CPUList.format(machine.online)
        var explicit: [Int]?
        if !settings.reservedSystemCPUs.isEmpty {
            do {
                let cpus = try CPUList.parse(settings.reservedSystemCPUs)
                let outside = cpus.filter { !machine.online.contains($0) }
                if !outside.isEmpty {
                    findings.append(
                        Finding(.refusal, "reserved-cpus-online",
                            "reserved-cpus: \(CPUList.format(cpus)) is not a subset of online-cpus: \(online)",
                            advice: "reserve online CPUs only (CPUs \(CPUList.format(outside)) are not online; online: \(online))"))
                } else {
                    explicit = cpus
                }
            } catch {
                findings.append(
                    Finding(.refusal, "reserved-cpus-syntax", "unable to parse reserved-cpus list: \(error.description)",
                        advice: "write --reserved-cpus as a CPU list such as 0-1 or 0,32"))
            }
            if explicit != nil, settings.kubeReserved.contains(where: { $0.0 == "cpu" }) || settings.systemReserved.contains(where: { $0.0 == "cpu" }) {
                findings.append(
                    Finding(.note, "reserved-cpus-override",
                        "--reserved-cpus replaces the cpu of --system-reserved with its \(explicit?.count ?? 0) CPUs and drops the cpu of --kube-reserved",
                        advice: "drop cpu from --system-reserved/--kube-reserved to say it once"))
            }
        }
        switch settings.cpuManagerPolicy {
        case "none":
            findings += Finding.ignored(
                "--cpu-manager-policy-options", given: !settings.cpuManagerPolicyOptions.isEmpty, id: "cpu-policy-none-options",
                policy: "the CPU manager policy is none", advice: "set --cpu-manager-policy=static to use them, or drop them")
            return (findings, plan)
        case "static":
            break
        default:
            findings.append(
                Finding(.refusal, "cpu-policy", "unknown policy: \"\(settings.cpuManagerPolicy)\"",
                    advice: "set --cpu-manager-policy to none or static"))
            return (findings, plan)
        }
        // The reservation: --reserved-cpus, else kube + system reserved cpu.
        var count = 0
        if let explicit {
            count = explicit.count
        } else if settings.reservedSystemCPUs.isEmpty {
            let system = milliCPU(settings.systemReserved)
            let kube = milliCPU(settings.kubeReserved)
            if system == nil && kube == nil {
                findings.append(
                    Finding(.refusal, "no-reserved-cpus", "[cpumanager] unable to determine reserved CPU resources for static policy",
                        advice: "reserve CPUs for the system: --reserved-cpus=0 (or --system-reserved=cpu=1 / --kube-reserved=cpu=1)"))
            } else {
                let milli = (system ?? 0) + (kube ?? 0)
                if milli == 0 {
                    findings.append(
                        Finding(.refusal, "no-reserved-cpus",
                            "[cpumanager] the static policy requires systemreserved.cpu + kubereserved.cpu to be greater than zero",
                            advice: "reserve at least one CPU: --system-reserved=cpu=1 or --reserved-cpus=0"))
                } else {
                    count = Int(clamping: (milli + 999) / 1000)
                    if milli % 1000 != 0 {
                        findings.append(
                            Finding(.note, "reserved-cpus-rounded",
                                "the cpu reservation of \(milli)m is rounded up to \(count) whole CPUs for the static policy",
                                advice: "reserve whole CPUs (cpu=\(count)) to say what the kubelet does"))
                    }
                }
            }
        }
        if findings.contains(where: { $0.severity == .refusal }) { return (findings, plan) }
        plan.reservedCount = count
        if let explicit {
            plan.reserved = explicit
        } else if let taken = machine.reservedCPUs(count: count) {
            plan.reserved = taken
        } else {
            findings.append(
                Finding(.refusal, "reserved-cpus-count",
                    // takeByTopology gives back the empty set when it cannot take them all.
                    "[cpumanager] unable to reserve the required amount of CPUs (size of  did not equal \(count))",
                    advice: "reserve fewer CPUs than the \(machine.online.count) online ones (\(count) asked for)"))
            return (findings, plan)
        }
        if let reserved = plan.reserved, reserved.count == machine.online.count {
            findings.append(
                Finding(.unsafe, "all-cpus-reserved", "every online CPU (\(online)) is reserved: no container can have an exclusive CPU",
                    advice: "reserve fewer CPUs"))
        }
        findings += checkOptions(settings, machine: machine, reserved: plan.reserved ?? [], release: release, options: &plan.options)
        return (findings, plan)
    }

    /// `--cpu-manager-policy-options`: names the release knows, values,
    /// the gates of alpha options (feature gates at their defaults:
    /// swnuma does not read --feature-gates), combinations, the machine.
    static func checkOptions(
        _ settings: KubeletSettings, machine: MachineCPUs, reserved: [Int], release: KubeletRelease, options: inout [String: String]
    ) -> [Finding] {
        var findings: [Finding] = []
        for (name, value) in settings.cpuManagerPolicyOptions {
            if let refusal = refusal(of: name, release: release, gates: settings.featureGates) {
                findings.append(refusal)
                continue
            }
            guard KubeletSettings.goParseBool(value) != nil else {
                findings.append(
                    Finding(.refusal, "cpu-policy-option-value", "bad value for option \"\(name)\": strconv.ParseBool: parsing \(goQuote(value)): invalid syntax",
                        advice: "give \(name)=true or \(name)=false"))
                continue
            }
            options[name] = value
        }
        func on(_ name: String) -> Bool { options[name].flatMap(KubeletSettings.goParseBool) == true }
        // NewStaticPolicyOptions' refused pairs, in its order and words.
        let pairs = [
            ("full-pcpus-only", "distribute-cpus-across-cores"), ("distribute-cpus-across-numa", "distribute-cpus-across-cores"),
            ("prefer-align-cpus-by-uncorecache", "distribute-cpus-across-cores"), ("prefer-align-cpus-by-uncorecache", "distribute-cpus-across-numa"),
        ]
        for (first, second) in pairs where on(first) && on(second) {
            findings.append(
                Finding(.refusal, "cpu-policy-option-combination",
                    "static policy options \(first) and \(second) can not be used at the same time",
                    advice: "keep one of \(first) and \(second)"))
        }
        // ValidateStaticPolicyOptions: align-by-socket against the Topology
        // Manager's policy and the machine.
        if on("align-by-socket") {
            let sockets = Set(machine.online.compactMap { machine.socket[$0] }).count
            if settings.topologyManagerPolicy == "single-numa-node" {
                findings.append(
                    Finding(.refusal, "cpu-policy-option-socket",
                        "Topolgy manager single-numa-node policy is incompatible with CPUManager align-by-socket policy option",
                        advice: "drop align-by-socket, or use --topology-manager-policy=restricted or best-effort"))
            } else if sockets > machine.nodeIDs.count {
                findings.append(
                    Finding(.refusal, "cpu-policy-option-socket",
                        "Align by socket is not compatible with hardware where number of sockets are more than number of NUMA",
                        advice: "drop align-by-socket: this machine has \(sockets) sockets and \(machine.nodeIDs.count) NUMA nodes"))
            }
        }
        if on("full-pcpus-only") {
            let threads = machine.threadsPerCore
            if threads == 1 {
                findings.append(
                    Finding(.note, "full-pcpus-no-smt", "full-pcpus-only: this machine has no SMT siblings, so every CPU is a whole core and the option changes nothing",
                        advice: "nothing to change if that is meant"))
            } else {
                let split = machine.cores.filter { core in
                    let inside = core.filter { reserved.contains($0) }.count
                    return inside > 0 && inside < core.count
                }
                if !split.isEmpty {
                    let cpus = split.flatMap { $0 }.filter { !reserved.contains($0) }
                    findings.append(
                        Finding(.unsafe, "full-pcpus-split-core",
                            "full-pcpus-only: the reserved CPUs \(CPUList.format(reserved)) split \(split.count) core(s) of \(threads) threads: CPUs \(CPUList.format(cpus)) can never be given to a container",
                            advice: "reserve whole cores: a multiple of \(threads) CPUs with their siblings, such as --reserved-cpus=\(CPUList.format(machine.cores.prefix(max(1, (reserved.count + threads - 1) / threads)).flatMap { $0 }))"))
                }
            }
        }
        return findings
    }
}

// MARK: cpu_manager_state

/// A CPU manager checkpoint: `{policyName, defaultCpuSet, entries, checksum}`,
/// entries by container ID (v1) or by pod UID and container name (v2).
public struct CPUCheckpoint: Hashable, Sendable {
    /// v1 (≤1.17: by container ID), v2 (by pod UID and container name), v3
    /// (1.36 with PodLevelResourceManagers: v2 plus `podEntries`, each pod's
    /// CPU set).
    public enum Format: String, Hashable, Sendable { case v1, v2, v3 }
    public var format: Format
    public var policyName: String
    public var defaultCPUSet: String
    /// (pod, container, cpus), pod empty in v1; in byte order.
    public var entries: [CPUEntry]
    /// v3's pod-level sets: (pod, "", cpus), in byte order.
    public var podEntries: [CPUEntry] = []
    public var checksum: UInt64
    /// Whether the kubelet would accept the checksum (0 is accepted).
    public var checksumValid: Bool

    public struct CPUEntry: Hashable, Sendable {
        public var pod: String
        public var container: String
        public var cpus: String
    }

    public static let sizeLimit = 16 << 20

    /// Reads a checkpoint as the kubelet of `release` does: v3 first when
    /// it reads it (1.36 with PodLevelResourceManagers on), then v2, then
    /// v1; the checksum verified against the layout that decoded. v2's
    /// checksum is taken over the type's rendering named
    /// `CPUManagerCheckpoint`; 1.36 with the gate off also accepts it named
    /// `CPUManagerCheckpointV2`, the name it writes. v3's is never 0.
    public static func parse(_ bytes: [UInt8], release: KubeletRelease = .current, podLevel: Bool = false) throws(CheckpointError) -> CPUCheckpoint {
        let json = try CheckpointError.object(bytes, of: "the CPU manager checkpoint")
        // Go's encoding/json matches field names without regard to case; the last one wins.
        func member(_ key: String) -> JSONDocument? {
            guard case .object(let members) = json else { return nil }
            return members.last { $0.0.lowercased() == key.lowercased() }?.1
        }
        func string(_ key: String) throws(CheckpointError) -> String {
            switch member(key) {
            case nil, .null?: return ""
            case .string(let text)?: return text
            default: throw CheckpointError("json: cannot unmarshal \(key): not a string")
            }
        }
        let policy = try string("policyName")
        let defaultSet = try string("defaultCpuSet")
        var checksum: UInt64 = 0
        switch member("checksum") {
        case nil, .null?: break
        case .number(let text)?:
            guard let value = UInt64(text), value <= UInt64(UInt32.max) else { throw CheckpointError("json: cannot unmarshal number \(text) into the checksum (uint32)") }
            checksum = value
        default: throw CheckpointError("json: cannot unmarshal checksum: not a number")
        }
        // v1: entries map to strings; v2: entries map to maps of strings.
        var entries: [CPUEntry] = []
        var format = Format.v1
        var entriesText = "map[]"
        switch member("entries") {
        case nil:
            break
        case .null?:
            entriesText = "<nil>"
        case .object(let members)?:
            let v1 = members.allSatisfy { if case .string = $0.1 { return true } else { return $0.1 == .null } }
            format = v1 ? .v1 : .v2
            var rendered: [(String, String)] = []
            for (key, value) in members {
                switch value {
                case .string(let text):
                    guard format == .v1 else { throw CheckpointError("json: cannot unmarshal entries.\(key): mixed formats") }
                    entries.append(CPUEntry(pod: "", container: key, cpus: text))
                    rendered.append((key, text))
                case .null:
                    if format == .v1 {
                        entries.append(CPUEntry(pod: "", container: key, cpus: ""))
                        rendered.append((key, ""))
                    } else {
                        rendered.append((key, "<nil>"))
                    }
                case .object(let containers):
                    var inner: [(String, String)] = []
                    for (name, cpus) in containers {
                        let text: String
                        switch cpus {
                        case .string(let value): text = value
                        case .null: text = ""
                        default: throw CheckpointError("json: cannot unmarshal entries.\(key).\(name): not a string")
                        }
                        entries.append(CPUEntry(pod: key, container: name, cpus: text))
                        inner.append((name, text))
                    }
                    inner.sort { byteOrder($0.0, $1.0) }
                    rendered.append((key, "map[" + inner.map { "\($0.0):\($0.1)" }.joined(separator: " ") + "]"))
                default:
                    throw CheckpointError("json: cannot unmarshal entries.\(key): not a string or an object")
                }
            }
            rendered.sort { byteOrder($0.0, $1.0) }
            entriesText = "map[" + rendered.map { "\($0.0):\($0.1)" }.joined(separator: " ") + "]"
        default:
            throw CheckpointError("json: cannot unmarshal entries: not an object")
        }
        // podEntries: pod UID -> {"cpuSet": LIST}, as v3 holds them.
        var podEntries: [CPUEntry] = []
        var podText: String? = "map[]"
        switch member("podEntries") {
        case nil: break
        case .null?: podText = "<nil>"
        case .object(let members)?:
            var rendered: [(String, String)] = []
            for (uid, value) in members {
                var list = ""
                switch value {
                case .null: break
                case .object(let fields):
                    switch fields.last(where: { $0.0.lowercased() == "cpuset" })?.1 {
                    case nil, .null?: break
                    case .string(let text)?: list = text
                    default: podText = nil
                    }
                default: podText = nil
                }
                guard podText != nil, let cpus = try? CPUList.parse(list) else {
                    podText = nil
                    break
                }
                podEntries.append(CPUEntry(pod: uid, container: "", cpus: list))
                let elems = cpus.map { "\($0):{}" }.joined(separator: " ")
                rendered.append((uid, "{CPUSet:(cpuset.CPUSet){elems:(map[int]struct {})map[\(elems)]}}"))
            }
            if podText != nil {
                rendered.sort { byteOrder($0.0, $1.0) }
                podText = "map[" + rendered.map { "\($0.0):\($0.1)" }.joined(separator: " ") + "]"
            }
        default:
            podText = nil
        }
        let readsV3 = release.hasPodLevelResourceManagersGate && podLevel
        let v2Names = release.hasPodLevelResourceManagersGate && !podLevel ? ["CPUManagerCheckpoint", "CPUManagerCheckpointV2"] : ["CPUManagerCheckpoint"]
        var valid = false
        if readsV3, format == .v2 || entries.isEmpty, let podText, checksum != 0 {
            let rendering =
                "(*state.CPUManagerCheckpoint){PolicyName:(string)\(policy) DefaultCPUSet:(string)\(defaultSet) Entries:(map[string]map[string]string)\(entriesText) PodEntries:(state.PodCPUAssignments)\(podText) Checksum:(checksum.Checksum)0}"
            if UInt64(fnv1a32(rendering)) == checksum {
                valid = true
                format = .v3
            }
        }
        if !valid {
            // The pod-level sets are not read by a kubelet that does not read v3.
            podEntries = []
            valid = checksum == 0
        }
        // With no entries both layouts decode: the kubelet tries v2, then v1.
        let types = entries.isEmpty && format == .v1 ? [Format.v1, .v2] : [format]
        for candidate in types where !valid {
            let type = candidate == .v1 ? "map[string]string" : "map[string]map[string]string"
            for name in candidate == .v1 ? ["CPUManagerCheckpoint"] : v2Names where !valid {
                let rendering = "(*state.\(name)){PolicyName:(string)\(policy) DefaultCPUSet:(string)\(defaultSet) Entries:(\(type))\(entriesText) Checksum:(checksum.Checksum)0}"
                if UInt64(fnv1a32(rendering)) == checksum {
                    valid = true
                    format = candidate
                }
            }
        }
        entries.sort { ($0.pod, $0.container) < ($1.pod, $1.container) }
        podEntries.sort { byteOrder($0.pod, $1.pod) }
        return CPUCheckpoint(
            format: format, policyName: policy, defaultCPUSet: defaultSet, entries: entries, podEntries: podEntries, checksum: checksum, checksumValid: valid)
    }
}

extension CPUManagerRules {
    /// The restart verdict of a CPU manager checkpoint against the settings
    /// and the machine: what the kubelet does when it restores
    /// `cpu_manager_state` (checksum, policy), then what the static policy's
    /// state validation refuses (swnuma's reading of `validateState`: the
    /// default set must hold every reserved CPU, no assignment may overlap
    /// it, and together they must be exactly the online CPUs).
    public static func checkState(
        _ checkpoint: CPUCheckpoint, path: String, settings: KubeletSettings, machine: MachineCPUs, reserved: [Int]?, strict: Bool = false
    ) -> [Finding] {
        var findings: [Finding] = []
        let steps = "drain the node, stop the kubelet, delete \(path), start the kubelet, uncordon"
        if !checkpoint.checksumValid {
            findings.append(
                Finding(.refusal, "cpu-checksum",
                    "could not restore state from checkpoint: checkpoint is corrupted, please drain this node and delete the CPU manager checkpoint file \"\(path)\" before restarting Kubelet",
                    advice: steps))
            return findings
        }
        if checkpoint.policyName != settings.cpuManagerPolicy {
            findings.append(
                Finding(.refusal, "cpu-policy-changed",
                    "could not restore state from checkpoint: configured policy \"\(settings.cpuManagerPolicy)\" differs from state checkpoint policy \"\(checkpoint.policyName)\", please drain this node and delete the CPU manager checkpoint file \"\(path)\" before restarting Kubelet",
                    advice: steps))
            return findings
        }
        guard settings.cpuManagerPolicy == "static" else { return findings }
        let defaultSet: [Int]
        do {
            defaultSet = try CPUList.parse(checkpoint.defaultCPUSet)
        } catch {
            return [Finding(.refusal, "cpu-state-syntax", "could not parse default cpu set \"\(checkpoint.defaultCPUSet)\": \(error.description)", advice: steps)]
        }
        // validateState: the CPUs the state must account for are the online
        // ones, less the reserved ones under strict-cpu-reservation.
        let reservedSet = Set(reserved ?? [])
        let allCPUs = strict ? machine.online.filter { !reservedSet.contains($0) } : machine.online
        let shown = CPUList.format(defaultSet)
        if defaultSet.isEmpty {
            if !checkpoint.entries.isEmpty {
                findings.append(Finding(.refusal, "cpu-state-default", "default cpuset cannot be empty", advice: steps))
            }
            return findings
        }
        // The reserved CPUs are all in the shared pool, or under
        // strict-cpu-reservation none of them is: those that break the rule.
        if let reserved, case let wrong = reserved.filter({ defaultSet.contains($0) == strict }), !wrong.isEmpty {
            let (message, advice) =
                strict
                ? ("some of strictly reserved cpus: \"\(CPUList.format(wrong))\" are present in defaultCpuSet: \"\(shown)\"",
                    "strict-cpu-reservation was turned on since the checkpoint was written (the shared pool still holds the reserved CPUs): \(steps)")
                : ("not all reserved cpus: \"\(CPUList.format(reserved))\" are present in defaultCpuSet: \"\(shown)\"",
                    "the reservation changed since the checkpoint was written (CPUs \(CPUList.format(wrong)) are assigned to containers there, or strict-cpu-reservation was turned off): \(steps)")
            findings.append(Finding(.refusal, "cpu-state-reserved", message, advice: advice))
        }
        var known = Set(defaultSet)
        for entry in checkpoint.entries {
            guard let cpus = try? CPUList.parse(entry.cpus) else {
                findings.append(
                    Finding(.refusal, "cpu-state-syntax",
                        "could not parse cpuset \(goQuote(entry.cpus)) for container \(goQuote(entry.container)) in pod \(goQuote(entry.pod))", advice: steps))
                continue
            }
            let overlap = cpus.filter { defaultSet.contains($0) }
            if !overlap.isEmpty {
                findings.append(
                    Finding(.refusal, "cpu-state-overlap",
                        "pod: \(entry.pod), container: \(entry.container) cpuset: \"\(CPUList.format(cpus))\" overlaps with default cpuset \"\(shown)\"",
                        advice: steps))
            }
            cpus.forEach { known.insert($0) }
        }
        // Pod-level sets count only where the kubelet reads them
        // (PodLevelResourceManagers on).
        if settings.podLevelResourceManagers {
            for entry in checkpoint.podEntries {
                (try? CPUList.parse(entry.cpus))?.forEach { known.insert($0) }
            }
        }
        if known.sorted() != allCPUs {
            findings.append(
                Finding(.refusal, "cpu-state-online",
                    "current set of available CPUs \"\(CPUList.format(allCPUs))\" doesn't match with CPUs in state \"\(CPUList.format(known))\"",
                    advice: strict
                        ? "CPUs came or went, or strict-cpu-reservation was turned on, since the checkpoint was written: \(steps)"
                        : "CPUs came or went since the checkpoint was written: \(steps)"))
        }
        return findings
    }
}
