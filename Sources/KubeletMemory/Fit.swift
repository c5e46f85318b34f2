/// What still fits on a node: whether a Guaranteed pod of a given size
/// would be admitted under the node's Topology Manager policy and scope,
/// on which NUMA nodes, and why not elsewhere. swnuma's reading of the
/// Topology Manager's hint merge (every provider's hints combined, the
/// merged affinity the AND of the masks, preferred when every hint is; the
/// best hint preferred first, then the narrowest, then the lowest nodes)
/// and of the static CPU and memory managers' hints (a mask is a hint when
/// its free resources cover the request; preferred when it has as few
/// nodes as the smallest mask whose capacity could).
public enum KubeletFit {
    /// One container's request.
    public struct Request: Hashable, Sendable {
        /// Whole CPUs for exclusive use (0: none, or a fraction, which uses the shared pool).
        public var cpus: Int
        /// Memory and huge pages in bytes, by resource name.
        public var memory: [String: UInt64]
        public init(cpus: Int, memory: [String: UInt64]) {
            self.cpus = cpus
            self.memory = memory
        }
    }

    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `cpu=8,memory=32Gi,hugepages-1Gi=4Gi;cpu=2`: the containers of one pod.
    public static func parse(_ text: String) throws(ParseError) -> [Request] {
        var result: [Request] = []
        for container in text.split(separator: ";", omittingEmptySubsequences: false) {
            var request = Request(cpus: 0, memory: [:])
            if container.isEmpty { throw ParseError(description: "empty container in '\(text)': write cpu=N,memory=Q between the ';'") }
            for item in container.split(separator: ",", omittingEmptySubsequences: false) {
                guard let at = item.firstIndex(of: "="), !item[..<at].isEmpty else {
                    throw ParseError(description: "'\(item)' is not NAME=QUANTITY")
                }
                let name = String(item[..<at])
                let text = String(item[item.index(after: at)...])
                let quantity: Quantity
                do {
                    quantity = try Quantity.parse(text)
                } catch {
                    throw ParseError(description: "'\(text)' is not a quantity for \(name)")
                }
                if quantity.isNegative { throw ParseError(description: "'\(text)' for \(name) is negative") }
                if name == "cpu" {
                    let nanos = quantity.nanos
                    if nanos % 1_000_000_000 != 0 {
                        request.cpus = 0
                    } else {
                        guard let whole = Int(exactly: nanos / 1_000_000_000), whole < 1 << 20 else {
                            throw ParseError(description: "'\(text)' CPUs is too many")
                        }
                        request.cpus = whole
                    }
                } else if name == MemoryResource.memory || MemoryResource.isHugePages(name) {
                    guard let bytes = quantity.int64Value else { throw ParseError(description: "'\(text)' for \(name) is not a whole number of bytes") }
                    request.memory[name, default: 0] += UInt64(bytes)
                } else {
                    throw ParseError(description: "'\(name)' is not a resource swnuma can place: use cpu, memory or hugepages-SIZE")
                }
            }
            result.append(request)
        }
        return result
    }

    /// A NUMA affinity hint.
    public struct Hint: Hashable, Sendable {
        /// Nodes, ascending; nil for "any" (a provider with no preference).
        public var nodes: [Int]?
        public var preferred: Bool
        public init(nodes: [Int]?, preferred: Bool) {
            self.nodes = nodes
            self.preferred = preferred
        }
    }

    /// What was decided for one container (or the pod, under the pod scope).
    public struct Decision: Sendable {
        public var label: String
        public var admitted: Bool
        /// The NUMA nodes the resources come from (nil: any).
        public var nodes: [Int]?
        /// Whether the merged hint is preferred (false also when refused).
        public var preferred = false
        /// Why not on each node that cannot take it alone (empty: it can).
        public var whyNot: [Int: [String]] = [:]
        /// Why not on each node that cannot take it alone.
        public var reasons: [String]
        public var message: String
    }

    /// The node's usage, mutable as containers are placed.
    struct Free {
        var cpus: [Int: [Int]]
        var capacityCPUs: [Int: Int]
        var memory: [Int: [String: UInt64]]
        var allocatable: [Int: [String: UInt64]]
        var nodes: [Int]
    }

    static func free(_ usage: NodeResourceTopology.Usage) -> Free {
        var free = Free(cpus: [:], capacityCPUs: [:], memory: [:], allocatable: [:], nodes: usage.cpus.nodeIDs)
        for node in usage.cpus.nodeIDs {
            free.cpus[node] = usage.freeCPUs(ofNode: node)
            free.capacityCPUs[node] = usage.cpus.cpus(ofNode: node).count
            for (type, table) in usage.memory.nodes[node]?.memoryMap ?? [:] {
                free.memory[node, default: [:]][type] = table.free > table.total ? 0 : table.free
                free.allocatable[node, default: [:]][type] = table.allocatable > table.total ? 0 : table.allocatable
            }
        }
        return free
    }

    /// Masks to consider: every subset of up to 8 nodes; on a larger machine
    /// single nodes, pairs and the whole machine (the kubelet walks every
    /// subset, which is why it refuses more than 8 nodes by default).
    static func masks(_ nodes: [Int]) -> [[Int]] {
        if nodes.count <= 8 {
            var result: [[Int]] = []
            for bits in 1..<(1 << nodes.count) {
                result.append(nodes.indices.filter { bits & (1 << $0) != 0 }.map { nodes[$0] })
            }
            return result
        }
        // Beyond 64 nodes (more than the kubelet's 64-bit masks hold) only
        // single nodes and the whole machine: pairs would be millions.
        var result = nodes.map { [$0] }
        if nodes.count <= 64 {
            for i in nodes.indices { for j in nodes.indices where j > i { result.append([nodes[i], nodes[j]]) } }
        }
        result.append(nodes)
        return result
    }

    /// The most merges `merge` walks: beyond it each provider keeps its best
    /// hints only (preferred first, then the narrowest), so that a machine
    /// of hundreds of nodes answers in bounded time.
    public static let mergeBudget = 5_000_000

    static func cpuHints(_ request: Request, free: Free, masks: [[Int]]) -> [Hint]? {
        guard request.cpus > 0 else { return nil }
        var minimum = Int.max
        var hints: [[Int]] = []
        // The CPU manager's masks span the NUMA nodes that have CPUs.
        for mask in masks where mask.allSatisfy({ (free.capacityCPUs[$0] ?? 0) > 0 }) {
            let capacity = mask.reduce(0) { $0 + (free.capacityCPUs[$1] ?? 0) }
            if capacity >= request.cpus { minimum = min(minimum, mask.count) }
            if mask.reduce(0, { $0 + (free.cpus[$1]?.count ?? 0) }) >= request.cpus { hints.append(mask) }
        }
        return hints.map { Hint(nodes: $0, preferred: $0.count == minimum) }
    }

    static func memoryHints(_ request: Request, free: Free, masks: [[Int]], active: Bool) -> [Hint]? {
        guard active, !request.memory.isEmpty else { return nil }
        var minimum = Int.max
        var hints: [[Int]] = []
        for mask in masks {
            let allocatable = request.memory.allSatisfy { type, bytes in mask.reduce(UInt64(0)) { $0 &+ (free.allocatable[$1]?[type] ?? 0) } >= bytes }
            if allocatable { minimum = min(minimum, mask.count) }
            if request.memory.allSatisfy({ type, bytes in mask.reduce(UInt64(0)) { $0 &+ (free.memory[$1]?[type] ?? 0) } >= bytes }) {
                hints.append(mask)
            }
        }
        return hints.map { Hint(nodes: $0, preferred: $0.count == minimum) }
    }

    /// The bitmask order of two sets of equal size: the one whose highest
    /// differing node is absent is the smaller (the kubelet compares the
    /// masks as integers, so {1,2} comes before {0,3}).
    static func lessAsMask(_ a: [Int], _ b: [Int]) -> Bool {
        let left = Set(a), right = Set(b)
        for node in left.symmetricDifference(right).sorted(by: >) { return right.contains(node) }
        return false
    }

    /// Narrower: fewer nodes, then the smaller mask (`IsNarrowerThan`).
    static func narrower(_ a: [Int], _ b: [Int]) -> Bool {
        if a.count != b.count { return a.count < b.count }
        return lessAsMask(a, b)
    }

    /// The mean distance over every ordered pair of `nodes` (itself included),
    /// as `CalculateAverageFor` takes it.
    static func averageDistance(_ nodes: [Int], _ distances: [Int: [Int: Int]]) -> Double {
        guard !nodes.isEmpty else { return 0 }
        var sum = 0.0
        for a in nodes { for b in nodes { sum += Double(distances[a]?[b] ?? (a == b ? 10 : 20)) } }
        return sum / Double(nodes.count * nodes.count)
    }

    /// The Topology Manager's best hint from the providers' hints (nil
    /// provider: no preference; an empty list: cannot be satisfied, any
    /// affinity, not preferred). As the kubelet's `HintMerger` does it: a
    /// preferred merge beats a non-preferred one; two preferred ones, the
    /// narrower (or, with prefer-closest-numa-nodes outside single-numa-node,
    /// among sets of one size the one of least mean distance); two
    /// non-preferred ones, the one whose size comes closest to the largest
    /// of the providers' narrowest hints.
    public static func merge(
        _ providers: [[Hint]?], nodes: [Int], policy: String, preferClosest: Bool = false, distances: [Int: [Int: Int]] = [:]
    ) -> Hint {
        var lists: [[Hint]] = providers.map { hints in
            guard let hints else { return [Hint(nodes: nil, preferred: true)] }
            return hints.isEmpty ? [Hint(nodes: nil, preferred: false)] : hints
        }
        if policy == "single-numa-node" {
            lists = lists.map { $0.filter { ($0.nodes == nil && $0.preferred) || ($0.nodes?.count == 1 && $0.preferred) } }
        }
        // maxOfMinAffinityCounts: each provider's narrowest hint, the widest of those.
        let bestNonPreferred = lists.map { list in list.compactMap { $0.nodes?.count }.min() ?? 0 }.max() ?? 0
        let closest = preferClosest && policy != "single-numa-node"
        func fitter(_ current: Hint, _ candidate: Hint) -> Hint {
            let a = current.nodes ?? nodes, b = candidate.nodes ?? nodes
            if a == b { return current }
            if closest, a.count == b.count {
                let da = averageDistance(a, distances), db = averageDistance(b, distances)
                if da != db { return da < db ? current : candidate }
            }
            return narrower(a, b) ? current : candidate
        }
        func compare(_ current: Hint?, _ candidate: Hint) -> Hint? {
            let count = candidate.nodes?.count ?? nodes.count
            if count == 0 { return current }
            guard let current else { return candidate }
            if !current.preferred && candidate.preferred { return candidate }
            if current.preferred && !candidate.preferred { return current }
            if current.preferred && candidate.preferred { return fitter(current, candidate) }
            let have = current.nodes?.count ?? nodes.count
            if have > bestNonPreferred { return fitter(current, candidate) }
            if have == bestNonPreferred { return count != bestNonPreferred ? current : fitter(current, candidate) }
            if count > bestNonPreferred { return current }
            if count == bestNonPreferred { return candidate }
            if count > have { return candidate }
            if count < have { return current }
            return fitter(current, candidate)
        }
        // Each provider's hints bounded so that the walk stays within the budget.
        var product = 1.0
        for list in lists { product *= Double(max(list.count, 1)) }
        if product > Double(mergeBudget), !lists.isEmpty {
            // The largest k with k^providers within the budget.
            func power(_ k: Int) -> Double { (0..<lists.count).reduce(1.0) { product, _ in product * Double(k) } }
            var keep = 1
            while power(keep + 1) <= Double(mergeBudget) { keep += 1 }
            lists = lists.map { list in
                Array(list.sorted { a, b in
                    if a.preferred != b.preferred { return a.preferred }
                    return narrower(a.nodes ?? nodes, b.nodes ?? nodes)
                }.prefix(keep))
            }
        }
        var best: Hint?
        // Up to 64 nodes, the kubelet's own representation: one bit per node
        // (at its id when every id is below 64, else at its rank).
        if nodes.count <= 64 {
            let byID = nodes.allSatisfy { $0 >= 0 && $0 < 64 }
            let bit = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element, byID ? $0.element : $0.offset) })
            let all = nodes.reduce(UInt64(0)) { $0 | (1 << UInt64(bit[$1] ?? 0)) }
            let masks = lists.map { list in
                list.map { hint in (hint.nodes.map { $0.reduce(UInt64(0)) { $0 | (1 << UInt64(bit[$1] ?? 0)) } } ?? all, hint.preferred) }
            }
            let node = Dictionary(uniqueKeysWithValues: bit.map { ($0.value, $0.key) })
            func decode(_ mask: UInt64) -> [Int] { (0..<64).filter { mask & (1 << UInt64($0)) != 0 }.compactMap { node[$0] }.sorted() }
            var bestMask: (mask: UInt64, preferred: Bool)?
            func fitterMask(_ current: UInt64, _ candidate: UInt64) -> UInt64 {
                if current == candidate { return current }
                let ca = current.nonzeroBitCount, cb = candidate.nonzeroBitCount
                if closest, ca == cb {
                    let da = averageDistance(decode(current), distances), db = averageDistance(decode(candidate), distances)
                    if da != db { return da < db ? current : candidate }
                }
                if ca != cb { return ca < cb ? current : candidate }
                return current < candidate ? current : candidate
            }
            func walkMasks(_ index: Int, _ mask: UInt64, _ preferred: Bool) {
                if index == masks.count {
                    let count = mask.nonzeroBitCount
                    if count == 0 { return }
                    guard let current = bestMask else {
                        bestMask = (mask, preferred)
                        return
                    }
                    let have = current.mask.nonzeroBitCount
                    var keepCurrent: Bool
                    if !current.preferred && preferred {
                        keepCurrent = false
                    } else if current.preferred && !preferred {
                        keepCurrent = true
                    } else if current.preferred || have > bestNonPreferred {
                        keepCurrent = fitterMask(current.mask, mask) == current.mask
                    } else if have == bestNonPreferred {
                        keepCurrent = count != bestNonPreferred || fitterMask(current.mask, mask) == current.mask
                    } else if count > bestNonPreferred {
                        keepCurrent = true
                    } else if count == bestNonPreferred {
                        keepCurrent = false
                    } else if count != have {
                        keepCurrent = count < have
                    } else {
                        keepCurrent = fitterMask(current.mask, mask) == current.mask
                    }
                    if !keepCurrent { bestMask = (mask, preferred) }
                    return
                }
                for (hintMask, hintPreferred) in masks[index] {
                    walkMasks(index + 1, mask & hintMask, preferred && hintPreferred)
                }
            }
            walkMasks(0, all, true)
            if let bestMask { best = Hint(nodes: decode(bestMask.mask), preferred: bestMask.preferred) }
            return best ?? Hint(nodes: nodes, preferred: false)
        }
        func walk(_ index: Int, _ mask: Set<Int>, _ preferred: Bool) {
            if index == lists.count {
                best = compare(best, Hint(nodes: mask.sorted(), preferred: preferred))
                return
            }
            for hint in lists[index] {
                walk(index + 1, hint.nodes.map { mask.intersection($0) } ?? mask, preferred && hint.preferred)
            }
        }
        walk(0, Set(nodes), true)
        return best ?? Hint(nodes: nodes, preferred: false)
    }

    /// Whether `request` fits, as the admission decides it, and where; the
    /// resources taken from `free` when it does.
    static func decide(
        _ request: Request, label: String, free: inout Free, policy: String, memoryStatic: Bool, preferClosest: Bool = false,
        distances: [Int: [Int: Int]] = [:]
    ) -> Decision {
        let nodes = free.nodes
        var reasons: [String] = []
        var whyNot: [Int: [String]] = [:]
        func refused(_ message: String) -> Decision {
            var decision = Decision(label: label, admitted: false, nodes: nil, reasons: reasons, message: message)
            decision.whyNot = whyNot
            return decision
        }
        for node in nodes {
            var why: [String] = []
            let cpus = free.cpus[node]?.count ?? 0
            if request.cpus > cpus { why.append("\(request.cpus) CPUs wanted, \(cpus) free") }
            if memoryStatic {
                for (type, bytes) in request.memory.sorted(by: { $0.key < $1.key }) {
                    let have = free.memory[node]?[type] ?? 0
                    if bytes > have { why.append("\(type) \(format(bytes)) wanted, \(format(have)) free") }
                }
            }
            if !why.isEmpty { reasons.append("node \(node): " + why.joined(separator: "; ")) }
            whyNot[node] = why
        }
        let totalCPUs = free.cpus.values.reduce(0) { $0 + $1.count }
        if request.cpus > totalCPUs {
            return refused("not enough CPUs: \(request.cpus) wanted, \(totalCPUs) free for exclusive use on the whole node")
        }
        if memoryStatic {
            for (type, bytes) in request.memory.sorted(by: { $0.key < $1.key }) {
                let total = free.memory.values.reduce(UInt64(0)) { $0 &+ ($1[type] ?? 0) }
                if bytes > total {
                    return refused("not enough \(type): \(format(bytes)) wanted, \(format(total)) free on the whole node")
                }
            }
        }
        let all = masks(nodes)
        var best = Hint(nodes: nil, preferred: true)
        if policy != "none" {
            best = merge(
                [cpuHints(request, free: free, masks: all), memoryHints(request, free: free, masks: all, active: memoryStatic)], nodes: nodes,
                policy: policy, preferClosest: preferClosest, distances: distances)
            if (policy == "restricted" || policy == "single-numa-node") && !best.preferred {
                return refused(
                    policy == "single-numa-node"
                        ? "no single NUMA node has all of it: the Topology Manager (single-numa-node) refuses the pod (TopologyAffinityError)"
                        : "no NUMA set holding it is the narrowest possible for every resource: the Topology Manager (restricted) refuses the pod (TopologyAffinityError)")
            }
        }
        // Take the resources: from the hint's nodes first, then any.
        let order = (best.nodes ?? []) + nodes.filter { !(best.nodes ?? []).contains($0) }
        var left = request.cpus
        var outside = false
        for node in order where left > 0 {
            let take = min(left, free.cpus[node]?.count ?? 0)
            free.cpus[node]?.removeFirst(take)
            left -= take
            if take > 0, let chosen = best.nodes, !chosen.contains(node) { outside = true }
        }
        if memoryStatic {
            for (type, bytes) in request.memory {
                var want = bytes
                for node in order where want > 0 {
                    let have = free.memory[node]?[type] ?? 0
                    let take = min(want, have)
                    free.memory[node]?[type] = have - take
                    want -= take
                }
            }
        }
        let where_ = best.nodes.map { "NUMA node" + ($0.count == 1 ? " " : "s ") + $0.map(String.init).joined(separator: ",") } ?? "any NUMA node"
        let how = policy == "none" ? " (Topology Manager policy none: no alignment)" : best.preferred ? "" : " (best-effort: not aligned as it would like)"
        let spill = outside ? "; its CPUs come from other nodes too (the merged hint is narrower than the CPU hint)" : ""
        var decision = Decision(label: label, admitted: true, nodes: best.nodes, reasons: reasons, message: "admitted on \(where_)\(how)\(spill)")
        decision.preferred = best.preferred
        decision.whyNot = whyNot
        return decision
    }

    /// The pod's verdict: each container in turn under the container scope,
    /// their sum under the pod scope.
    /// `distances`: the nodes' distances, for prefer-closest-numa-nodes.
    public static func fit(
        _ containers: [Request], usage: NodeResourceTopology.Usage, settings: KubeletSettings, distances: [Int: [Int: Int]] = [:]
    ) -> [Decision] {
        var free = free(usage)
        let preferClosest = settings.topologyManagerPolicyOptions.last { $0.0 == "prefer-closest-numa-nodes" }.flatMap {
            KubeletSettings.goParseBool($0.1)
        } == true
        let memoryStatic = settings.memoryManagerPolicy == "Static"
        let cpuStatic = settings.cpuManagerPolicy == "static"
        var requests = containers
        if !cpuStatic { requests = requests.map { Request(cpus: 0, memory: $0.memory) } }
        if settings.topologyManagerScope == "pod" {
            var sum = Request(cpus: 0, memory: [:])
            for request in requests {
                sum.cpus += request.cpus
                for (type, bytes) in request.memory { sum.memory[type, default: 0] &+= bytes }
            }
            return [
                decide(
                    sum, label: "pod", free: &free, policy: settings.topologyManagerPolicy, memoryStatic: memoryStatic, preferClosest: preferClosest,
                    distances: distances)
            ]
        }
        var decisions: [Decision] = []
        for (index, request) in requests.enumerated() {
            let decision = decide(
                request, label: "container \(index + 1)", free: &free, policy: settings.topologyManagerPolicy, memoryStatic: memoryStatic,
                preferClosest: preferClosest, distances: distances)
            decisions.append(decision)
            if !decision.admitted { break }
        }
        return decisions
    }

    static func format(_ bytes: UInt64) -> String { Quantity(Int64(clamping: bytes), format: .binarySI).description }

    /// What one NUMA node still has free.
    public struct FreeNode: Hashable, Sendable {
        public var node: Int
        /// The CPUs still free for exclusive use.
        public var cpus: [Int]
        /// Memory and each huge page size still free, in bytes, by resource name.
        public var memory: [String: UInt64]
    }

    /// Per NUMA node: the exclusive CPUs, memory and huge pages still free.
    public static func freeNodes(_ usage: NodeResourceTopology.Usage) -> [FreeNode] {
        let free = free(usage)
        return free.nodes.map { FreeNode(node: $0, cpus: free.cpus[$0] ?? [], memory: free.memory[$0] ?? [:]) }
    }

    /// Per NUMA node: the exclusive CPUs, memory and huge pages still free.
    public static func table(_ usage: NodeResourceTopology.Usage) -> String {
        let free = free(usage)
        var types = Set<String>()
        for node in free.nodes { for (type, bytes) in free.allocatable[node] ?? [:] where type != MemoryResource.memory && bytes > 0 { types.insert(type) } }
        let columns = ["node", "cpus", "memory"] + types.sorted()
        var rows = [columns]
        for node in free.nodes {
            var row = ["\(node)", "\(free.cpus[node]?.count ?? 0)", format(free.memory[node]?[MemoryResource.memory] ?? 0)]
            for type in types.sorted() { row.append(format(free.memory[node]?[type] ?? 0)) }
            rows.append(row)
        }
        let widths = columns.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }.joined(separator: "  ")
                .reversed().drop { $0 == " " }.reversed().map(String.init).joined()
        }.joined(separator: "\n") + "\n"
    }
}
