/// Node labels for Kubernetes node-feature-discovery (NFD), computed from a
/// ``Topology``, checked against the rules a label must follow, and written
/// as a feature file for NFD's `local` source.
///
/// A feature file holds one `name=value` line per label. NFD reads every
/// file in `/etc/kubernetes/node-feature-discovery/features.d/` whose name does
/// not start with a dot, trims each line, skips lines that start with `#`
/// except the directive `# +expiry-time=TIME` (RFC 3339), which drops the
/// lines after it once TIME has passed. A name without a `prefix/` gets NFD's
/// default `feature.node.kubernetes.io/`; swnuma's own labels carry
/// ``prefix``, a subdomain of it that NFD accepts without configuration.
public struct NodeFeatures: Hashable, Sendable {
    /// One label: its full name and its value.
    public struct Label: Hashable, Sendable {
        /// The name as written in the file: with a `prefix/`, or bare for NFD to prefix.
        public var name: String
        /// The value: a number, `true` or `false`.
        public var value: String

        /// A label with its name as written in the file and its value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// What a label says, for documentation: `name` may hold `<size>`.
    public struct Description: Hashable, Sendable {
        /// The name after ``NodeFeatures/prefix``.
        public var name: String
        /// The value's form: `count`, `true|false`, ...
        public var value: String
        /// One or two sentences.
        public var meaning: String
    }

    /// The prefix of every label swnuma computes.
    public static let prefix = "swnuma.feature.node.kubernetes.io/"

    /// Every label swnuma can compute, in the order they are written.
    public static let catalog: [Description] = [
        ("nodes", "count", "The number of NUMA nodes."),
        ("nodes-with-memory", "count", "The number of nodes with memory (a node whose size cannot be read counts as having memory)."),
        ("cpu-only-nodes", "count", "The number of nodes with CPUs and no memory."),
        ("memory-only-nodes", "count", "The number of nodes with memory and no CPUs."),
        ("max-distance", "number", "The largest distance between two nodes (10 on a one-node machine). Left out when the distances are unknown."),
        ("node-cpus-min", "count", "The number of CPUs of the node with the fewest, among nodes with CPUs. Left out when no node has CPUs."),
        (
            "node-memory-mib-min", "MiB",
            "The memory (MemTotal) of the node with the least, among nodes with both CPUs and memory, in MiB rounded down: a plain number, so that node affinity can compare it with Gt and Lt. A GPU's, a persistent memory's or another memory-only node's size does not count. Left out when no node has both, or a node's size cannot be read."
        ),
        (
            "hugepages-<size>-total", "count",
            "Huge pages of that size configured on all nodes together (nr_hugepages), the size named as Kubernetes names the resource (hugepages-2Mi, hugepages-1Gi). One label per page size the kernel offers. Left out when a count cannot be read."
        ),
        (
            "hugepages-<size>-node-min", "count",
            "The smallest pool of huge pages of that size on one node, among nodes with both CPUs and memory. Left out when a count cannot be read or no node has both."
        ),
        ("memory-tiers", "count", "The number of memory tiers the kernel made (sys/devices/virtual/memory_tiering). Left out when the kernel has none."),
        (
            "memory-tier-<tier>-nodes", "count",
            "The number of nodes in memory tier <tier> (memory_tier<tier>: abstract distances from 128 × <tier> to 128 × <tier> + 127; smaller is faster, DRAM is tier 4). One label per tier."
        ),
        (
            "<kind>-nodes", "count",
            "The number of memory-only nodes of each kind the machine names: gpu-memory (a GPU's memory, from the NVIDIA driver's numa_status), persistent-memory (an NVDIMM region onlined through a DAX device), specific-purpose-memory (soft-reserved memory, often HBM, through a DAX device), cxl-memory (a CXL region), other-memory (memory without CPUs that is none of these), and generic-initiator (a device node). Written when the kinds could be read, 0 included."
        ),
        (
            "package-spans-nodes", "true|false",
            "Whether the CPUs of one package (socket) lie in several nodes, as under sub-NUMA clustering (SNC) or NPS2/NPS4. Left out when a CPU's physical_package_id cannot be read."
        ),
        ("cpuset-all-nodes", "true|false", "Whether the cpuset swnuma runs in grants every CPU of every node and every node with memory. Left out when no cpuset can be read."),
    ].map { Description(name: $0, value: $1, meaning: $2) }

    /// The labels, in catalog order.
    public var labels: [Label]

    /// Labels as given, for writing with ``render(expiry:)``.
    public init(labels: [Label]) {
        self.labels = labels
    }

    /// Computes the labels of a machine.
    ///
    /// - Parameters:
    ///   - topology: loaded with ``Topology/LoadOptions/hugePages``.
    ///   - packages: each CPU's package id (``packages(of:root:)``); nil when unknown.
    ///   - cpuset: the cpuset swnuma runs in; nil when unknown.
    ///   - kinds: what each node's memory is (``MemoryKinds/read(from:topology:)``);
    ///     nil leaves the tier and kind labels out.
    public init(topology: Topology, packages: [Int: Int]?, cpuset: Cpuset?, kinds: MemoryKinds? = nil) {
        var labels: [Label] = []
        func add(_ name: String, _ value: String) {
            labels.append(Label(name: NodeFeatures.prefix + name, value: value))
        }
        let nodes = topology.nodes
        add("nodes", "\(nodes.count)")
        let withMemory = nodes.filter(\.hasMemory)
        add("nodes-with-memory", "\(withMemory.count)")
        add("cpu-only-nodes", "\(nodes.filter { $0.hasCPUs && !$0.hasMemory }.count)")
        add("memory-only-nodes", "\(nodes.filter { !$0.hasCPUs && $0.hasMemory }.count)")
        if topology.hasDistances {
            let largest = nodes.flatMap { $0.distances.compactMap { $0 } }.max()
            if let largest { add("max-distance", "\(largest)") }
        }
        if let fewest = nodes.filter(\.hasCPUs).map(\.cpus.count).min() {
            add("node-cpus-min", "\(fewest)")
        }
        // Per-node minimums are over the nodes with CPUs and memory: a GPU's
        // or a memory tier's node is not where a pod's CPUs take memory from.
        let sizes = nodes.filter { $0.hasCPUs && $0.hasMemory }.map(\.memoryTotal)
        if !sizes.contains(nil), let smallest = sizes.compactMap({ $0 }).min() {
            add("node-memory-mib-min", "\(smallest >> 20)")
        }
        for size in Set(nodes.flatMap { $0.hugePages.map(\.pageSize) }).sorted() {
            let name = "hugepages-\(NodeFeatures.kubernetesSizeName(size))"
            let counts = nodes.map { node in node.hugePages.first { $0.pageSize == size }.map(\.total) ?? 0 }
            guard !counts.contains(nil) else { continue }
            let total = counts.reduce(UInt64(0)) { sum, count in
                let (next, overflow) = sum.addingReportingOverflow(count ?? 0)
                return overflow ? .max : next
            }
            add("\(name)-total", "\(total)")
            let perNode = zip(nodes, counts).filter { $0.0.hasCPUs && $0.0.hasMemory }.map { $0.1 ?? 0 }
            if let smallest = perNode.min() { add("\(name)-node-min", "\(smallest)") }
        }
        if let kinds {
            let tiers = Dictionary(grouping: kinds.nodes.compactMap(\.tier), by: { $0 })
            if !tiers.isEmpty {
                add("memory-tiers", "\(tiers.count)")
                for (tier, members) in tiers.sorted(by: { $0.key < $1.key }) {
                    add("memory-tier-\(tier)-nodes", "\(members.count)")
                }
            }
            for kind in NodeFeatures.labelledKinds {
                add("\(NodeFeatures.labelName(kind))-nodes", "\(kinds.nodes.filter { $0.kind == kind }.count)")
            }
        }
        if let packages, let spans = NodeFeatures.packageSpansNodes(topology, packages: packages) {
            add("package-spans-nodes", spans ? "true" : "false")
        }
        if let cpuset, let cpus = cpuset.cpus, let mems = cpuset.mems {
            let covers = topology.cpus.isSubset(of: cpus) && topology.nodesWithMemory.isSubset(of: mems)
            add("cpuset-all-nodes", covers ? "true" : "false")
        }
        self.labels = labels
    }

    /// The memory kinds counted by `<kind>-nodes` labels, in order.
    public static let labelledKinds: [MemoryKinds.Kind] = [.gpu, .persistent, .specificPurpose, .cxl, .memoryOnly, .initiator]

    /// The label word of a kind: `gpu-memory`, `persistent-memory`, `generic-initiator`.
    public static func labelName(_ kind: MemoryKinds.Kind) -> String {
        switch kind {
        case .gpu: "gpu-memory"
        case .persistent: "persistent-memory"
        case .specificPurpose: "specific-purpose-memory"
        case .cxl: "cxl-memory"
        case .initiator: "generic-initiator"
        case .memoryOnly: "other-memory"
        case .cpu: "cpu"
        case .empty: "empty"
        }
    }

    /// A page size as Kubernetes names its huge page resources: `2Mi`,
    /// `1Gi`, `64Ki` (the largest binary unit that divides it; bytes otherwise).
    public static func kubernetesSizeName(_ bytes: UInt64) -> String {
        for (shift, unit) in [(60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki")]
        where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes)"
    }

    /// Whether some package has CPUs in two nodes; nil when a CPU's package is unknown.
    static func packageSpansNodes(_ topology: Topology, packages: [Int: Int]) -> Bool? {
        var nodeOfPackage: [Int: Int] = [:]
        for node in topology.nodes {
            for cpu in node.cpus {
                guard let package = packages[cpu] else { return nil }
                if let seen = nodeOfPackage[package], seen != node.id { return true }
                nodeOfPackage[package] = node.id
            }
        }
        return false
    }

    /// The package (socket) id of each CPU of the topology, from
    /// `sys/devices/system/cpu/cpuN/topology/physical_package_id`; nil when
    /// one cannot be read.
    public static func packages(of topology: Topology, root: SystemRoot) -> [Int: Int]? {
        var result: [Int: Int] = [:]
        for cpu in topology.cpus {
            guard let text = root.readText("sys/devices/system/cpu/cpu\(cpu)/topology/physical_package_id", limit: 64),
                let id = Int(decimal: text.trimmingWhitespaceAndNUL())
            else { return nil }
            result[cpu] = id
        }
        return result
    }
}

// MARK: - Label rules

extension NodeFeatures {
    /// The prefix NFD gives a name that has none.
    public static let defaultPrefix = "feature.node.kubernetes.io/"

    /// Checks a label name as NFD does before it labels a node, and returns
    /// it as NFD will write it (``defaultPrefix`` added to a bare name).
    ///
    /// The rules are Kubernetes' for a qualified name: an optional prefix, a
    /// DNS subdomain of at most 253 characters (lower-case letters, digits,
    /// `-` and `.`, each dot-separated part starting and ending with a letter
    /// or digit), then `/`, then a name of 1 to 63 characters of letters,
    /// digits, `-`, `_` and `.` that starts and ends with a letter or digit.
    /// NFD refuses prefixes in `kubernetes.io` and its subdomains except
    /// `feature.node.kubernetes.io`, `profile.node.kubernetes.io` and their subdomains.
    ///
    /// - Throws: ``NUMAError`` (``NUMAError/Code/invalidArgument``) naming the name and the rule it breaks.
    public static func checkName(_ name: String) throws(NUMAError) -> String {
        func refuse(_ why: String) -> NUMAError {
            NUMAError(.invalidArgument, "invalid label name '\(name)': \(why)")
        }
        let parts = name.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw refuse("more than one '/'") }
        let bare = parts.count == 2 ? parts[1] : parts[0]
        if let why = nameProblem(bare) { throw refuse(why) }
        guard parts.count == 2 else { return defaultPrefix + name }
        let prefix = parts[0]
        if let why = subdomainProblem(prefix) { throw refuse("the prefix '\(prefix)' \(why)") }
        if prefix == "kubernetes.io" || prefix.hasSuffix(".kubernetes.io") {
            let allowed = ["feature.node.kubernetes.io", "profile.node.kubernetes.io"]
            guard allowed.contains(where: { prefix == $0 || prefix.hasSuffix("." + $0) }) else {
                throw refuse("NFD refuses the prefix '\(prefix)': under kubernetes.io only feature.node.kubernetes.io and profile.node.kubernetes.io (and their subdomains) are allowed")
            }
        }
        return name
    }

    /// Checks a label value: at most 63 characters, empty or letters, digits,
    /// `-`, `_` and `.` starting and ending with a letter or digit.
    ///
    /// - Throws: ``NUMAError`` (``NUMAError/Code/invalidArgument``) naming the value.
    public static func checkValue(_ value: String) throws(NUMAError) {
        if value.isEmpty { return }
        if let why = nameProblem(Substring(value)) {
            throw NUMAError(.invalidArgument, "invalid label value '\(value)': \(why)")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// Why `text` is not a label name (or non-empty value), or nil.
    private static func nameProblem(_ text: Substring) -> String? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last else { return "the name is empty" }
        guard bytes.count <= 63 else { return "\(bytes.count) characters, more than 63" }
        if let bad = bytes.first(where: { !isAlphanumeric($0) && $0 != 0x2D && $0 != 0x5F && $0 != 0x2E }) {
            let shown = bad < 0x80 ? "'\(Character(Unicode.Scalar(bad)))'" : "a non-ASCII character"
            return "\(shown) is not allowed: only letters, digits, '-', '_' and '.'"
        }
        guard isAlphanumeric(first), isAlphanumeric(last) else {
            return "must start and end with a letter or digit"
        }
        return nil
    }

    /// Why `text` is not a DNS subdomain (RFC 1123), or nil.
    private static func subdomainProblem(_ text: Substring) -> String? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return "is empty" }
        guard bytes.count <= 253 else { return "is \(bytes.count) characters, more than 253" }
        for part in bytes.split(separator: 0x2E, omittingEmptySubsequences: false) {
            let isLowerOrDigit = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
            guard let first = part.first, let last = part.last, isLowerOrDigit(first), isLowerOrDigit(last),
                part.allSatisfy({ isLowerOrDigit($0) || $0 == 0x2D })
            else {
                return "is not a DNS subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit"
            }
        }
        return nil
    }
}

// MARK: - The feature file

extension NodeFeatures {
    /// The feature file: a comment naming its writer, the expiry directive
    /// when `expiry` is given (seconds since the epoch), and one
    /// `name=value` line per label.
    ///
    /// - Throws: ``NUMAError`` when a label's name or value breaks the rules
    ///   (``checkName(_:)``, ``checkValue(_:)``), or a name appears twice.
    public func render(expiry: Int64? = nil) throws(NUMAError) -> String {
        var text = "# NUMA labels written by swnuma --nfd-features\n"
        if let expiry {
            guard let time = NodeFeatures.rfc3339(epochSeconds: expiry) else {
                throw NUMAError(.invalidArgument, "the expiry time is out of range")
            }
            text += "# +expiry-time=\(time)\n"
        }
        var seen: Set<String> = []
        for label in labels {
            let full = try NodeFeatures.checkName(label.name)
            try NodeFeatures.checkValue(label.value)
            guard seen.insert(full).inserted else {
                throw NUMAError(.invalidArgument, "label '\(label.name)' is given twice")
            }
            text += "\(label.name)=\(label.value)\n"
        }
        guard text.utf8.count <= NodeFeatures.maximumFileSize else {
            throw NUMAError(
                .invalidArgument,
                "the feature file would be \(text.utf8.count) bytes; NFD reads none larger than \(NodeFeatures.maximumFileSize)")
        }
        return text
    }

    /// The time now, in seconds since the epoch: the base of an expiry.
    public static var now: Int64 { Syscalls.epochSeconds }

    /// The largest feature file NFD reads, in bytes.
    public static let maximumFileSize = 65536

    /// A UTC time as RFC 3339 (`2026-12-01T13:15:00Z`); nil outside the years 1970 to 9999.
    public static func rfc3339(epochSeconds: Int64) -> String? {
        guard epochSeconds >= 0, epochSeconds < 253_402_300_800 else { return nil }
        let days = epochSeconds / 86_400
        let seconds = epochSeconds % 86_400
        // Civil date from days since 1970-01-01, counting in 400-year eras of 146097 days from 0000-03-01.
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
    }

    /// A duration such as `90s`, `30m`, `1h30m` or `7d`, in seconds: one or
    /// more decimal numbers, each followed by a unit, `s`, `m`, `h` or `d`
    /// (Go's duration syntax, which NFD's own settings use, in whole numbers,
    /// plus days). At least one second, at most 3650 days.
    ///
    /// - Throws: ``NUMAError`` (``NUMAError/Code/invalidArgument``) naming the text.
    public static func parseDuration(_ text: String) throws(NUMAError) -> Int64 {
        func refuse(_ why: String) -> NUMAError {
            NUMAError(.invalidArgument, "invalid duration '\(text)': \(why)")
        }
        let limit: Int64 = 3650 * 86_400
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (times, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = times.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2, next <= limit else { throw refuse("too long; at most 3650d") }
                number = next
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: throw refuse("unexpected '\(character)'; expected numbers with units s, m, h or d, as in 1h30m")
            }
            guard let value = number else { throw refuse("'\(character)' needs a number before it") }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, product <= limit, total + product <= limit else { throw refuse("too long; at most 3650d") }
            total += product
            number = nil
        }
        if number != nil { throw refuse("the last number has no unit (s, m, h or d)") }
        guard total > 0 else { throw refuse("expected a duration of at least 1s, as in 1h30m") }
        return total
    }
}
