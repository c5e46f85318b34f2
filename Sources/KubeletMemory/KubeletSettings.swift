public import NUMA
internal import Yams

/// What the kubelet will be told about memory: the settings of its command
/// line and configuration file that the memory manager reads, after the
/// kubelet's own precedence (flags over the file, the file over defaults).
public struct KubeletSettings: Sendable {
    /// `--memory-manager-policy` / `memoryManagerPolicy` (`None` by default).
    public var memoryManagerPolicy = "None"
    /// `--reserved-memory` / `reservedMemory`.
    public var reservedMemory: [MemoryReservation] = []
    /// `--system-reserved` / `systemReserved`, as given.
    public var systemReserved: [(String, String)] = []
    /// `--kube-reserved` / `kubeReserved`, as given.
    public var kubeReserved: [(String, String)] = []
    /// `--eviction-hard` / `evictionHard`; nil for the kubelet's defaults.
    public var evictionHard: [(String, String)]?
    /// `mergeDefaultEvictionSettings`: defaults fill the signals evictionHard leaves out.
    public var mergeDefaultEvictionSettings = false
    /// `--experimental-allocatable-ignore-eviction`.
    public var ignoreEvictionThreshold = false
    /// `--root-dir`, where the checkpoint lives.
    public var rootDirectory = "/var/lib/kubelet"
    /// `--config`, if given.
    public var configFile: String?
    /// Where each setting came from, for messages: `flag`, `config`, or absent for a default.
    public var origins: [String: String] = [:]
    /// What the kubelet would refuse while reading its flags and file.
    public var refusals: [Finding] = []

    public init() {}

    /// The kubelet's hard eviction defaults on Linux.
    public static let defaultEvictionHard: [(String, String)] = [
        ("memory.available", "100Mi"), ("nodefs.available", "10%"), ("nodefs.inodesFree", "5%"), ("imagefs.available", "15%"),
    ]

    /// The checkpoint's path relative to the filesystem root.
    public var checkpointPath: String { joinPath(rootDirectory, "memory_manager_state") }
}

/// A kubelet input swnuma cannot read: a missing or malformed file, an argument it cannot follow.
public struct KubeletInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One thing the check found.
public struct Finding: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        /// The kubelet would refuse to start.
        case refusal
        /// The kubelet would start, but the configuration is wrong for this machine.
        case unsafe
        /// Worth knowing; nothing to fix.
        case note
    }

    public var severity: Severity
    /// A short stable name for the rule (`reserved-memory-sum`, `unknown-node`).
    public var rule: String
    /// What the kubelet says (its own message) or what swnuma found.
    public var message: String
    /// What to change.
    public var advice: String

    public init(_ severity: Severity, _ rule: String, _ message: String, advice: String) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.advice = advice
    }
}

func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

// MARK: Reading a command line

extension KubeletSettings {
    /// Kubelet flags that take no value, so that `--flag word` leaves `word` alone.
    static let booleanFlags: Set<String> = [
        "experimental-allocatable-ignore-eviction", "fail-swap-on", "register-node", "register-schedulable", "cgroups-per-qos",
        "enable-server", "enable-debugging-handlers", "enable-controller-attach-detach", "exit-on-lock-contention",
        "rotate-certificates", "rotate-server-certificates", "serialize-image-pulls", "make-iptables-util-chains",
        "protect-kernel-defaults", "kernel-memcg-notification", "localstorage-capacity-isolation", "keep-terminated-pod-volumes",
        "logtostderr", "alsologtostderr", "add-dir-header", "skip-headers", "skip-log-headers", "one-output", "help", "h",
        "version", "containerized", "allow-privileged", "fail-cgroupv1", "enable-cadvisor-json-endpoints", "seccomp-default",
        "log-flush-frequency-enabled", "log-json-split-stream",
    ]

    /// The flags of a kubelet command line, in order, as (name, value) pairs;
    /// a flag without a value has a nil one. Words that are not flags are
    /// returned apart (the kubelet refuses them).
    static func scanFlags(_ arguments: [String]) -> (flags: [(name: String, value: String?)], stray: [String]) {
        var flags: [(String, String?)] = []
        var stray: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                stray.append(contentsOf: arguments[index...])
                break
            }
            guard word.hasPrefix("-"), word.count > 1 else {
                stray.append(word)
                continue
            }
            let body = word.drop(while: { $0 == "-" })
            if let equals = body.firstIndex(of: "=") {
                flags.append((String(body[..<equals]), String(body[body.index(after: equals)...])))
                continue
            }
            let name = String(body)
            if !booleanFlags.contains(name), index < arguments.count, !arguments[index].hasPrefix("-") || arguments[index] == "-" {
                flags.append((name, arguments[index]))
                index += 1
            } else {
                flags.append((name, nil))
            }
        }
        return (flags, stray)
    }

    /// The settings a kubelet command line gives, reading its `--config`
    /// file under `root`.
    ///
    /// - Throws: ``KubeletInputError`` when the configuration file cannot be
    ///   read or is not a KubeletConfiguration.
    /// - Parameter relativeRoot: where a relative `--config` path is read
    ///   from (the current folder, for a command line typed by the user);
    ///   `root` when nil.
    public static func load(arguments: [String], root: SystemRoot, relativeRoot: SystemRoot? = nil) throws(KubeletInputError) -> KubeletSettings {
        var settings = KubeletSettings()
        let (flags, stray) = scanFlags(arguments)
        if let word = stray.first {
            settings.refusals.append(
                Finding(.refusal, "stray-argument", "unknown command \(word)",
                    advice: "the kubelet takes only flags: remove '\(word)' or give it a flag"))
        }
        if let config = flags.last(where: { $0.name == "config" }) {
            let path = config.value ?? ""
            settings.configFile = path
            let base = path.hasPrefix("/") ? root : relativeRoot ?? root
            let relative = path.hasPrefix("/") ? String(path.drop(while: { $0 == "/" })) : path
            guard !path.isEmpty, let bytes = base.readBytes(relative) else {
                throw KubeletInputError("cannot read the kubelet configuration file '\(base.resolve(relative))'")
            }
            try settings.readConfigFile(String(decoding: bytes, as: UTF8.self), path: path)
        }
        settings.applyFlags(flags)
        return settings
    }

    mutating func applyFlags(_ flags: [(name: String, value: String?)]) {
        var reservedMemoryStarted = false
        var reservedMemoryCleared = false
        var systemStarted = false
        var kubeStarted = false
        var evictionStarted = false
        for (name, value) in flags {
            switch name {
            case "memory-manager-policy":
                memoryManagerPolicy = value ?? ""
                origins["memoryManagerPolicy"] = "flag"
            case "reserved-memory":
                let text = value ?? ""
                if reservedMemoryCleared {
                    refusals.append(
                        Finding(.refusal, "reserved-memory-flag", "invalid argument \"\(text)\" for \"--reserved-memory\" flag: no target (nil pointer to *[]MemoryReservation",
                            advice: "drop the empty --reserved-memory= before it"))
                    continue
                }
                if text.isEmpty {
                    reservedMemoryCleared = true
                    continue
                }
                if !reservedMemoryStarted {
                    reservedMemory = []
                    reservedMemoryStarted = true
                }
                origins["reservedMemory"] = "flag"
                do {
                    reservedMemory.append(contentsOf: try MemoryReservation.parseFlag(text))
                } catch {
                    refusals.append(
                        Finding(.refusal, "reserved-memory-flag", "invalid argument \"\(text)\" for \"--reserved-memory\" flag: \(error.description)",
                            advice: "write it as NODE:memory=QUANTITY[,hugepages-SIZE=QUANTITY] (';' between nodes, or repeat the flag)"))
                }
            case "system-reserved", "kube-reserved":
                let system = name == "system-reserved"
                if system ? !systemStarted : !kubeStarted {
                    if system { systemReserved = [] } else { kubeReserved = [] }
                    if system { systemStarted = true } else { kubeStarted = true }
                }
                origins[system ? "systemReserved" : "kubeReserved"] = "flag"
                guard let pairs = Self.splitPairs(value ?? "", separator: "=") else {
                    refusals.append(
                        Finding(.refusal, "\(name)-flag", "invalid argument \"\(value ?? "")\" for \"--\(name)\" flag: malformed pair, expect string=string",
                            advice: "write it as memory=QUANTITY[,cpu=QUANTITY]"))
                    continue
                }
                for pair in pairs {
                    if system { Self.setPair(&systemReserved, pair) } else { Self.setPair(&kubeReserved, pair) }
                }
            case "eviction-hard":
                if !evictionStarted {
                    evictionHard = []
                    evictionStarted = true
                }
                origins["evictionHard"] = "flag"
                guard let pairs = Self.splitPairs(value ?? "", separator: "<") else {
                    refusals.append(
                        Finding(.refusal, "eviction-hard-flag", "invalid argument \"\(value ?? "")\" for \"--eviction-hard\" flag: malformed pair, expect string<string",
                            advice: "write it as memory.available<QUANTITY[,nodefs.available<PERCENT]"))
                    continue
                }
                var list = evictionHard ?? []
                for pair in pairs { Self.setPair(&list, pair) }
                evictionHard = list
            case "experimental-allocatable-ignore-eviction":
                ignoreEvictionThreshold = value.map { ["true", "1", "t", "T", "TRUE", "True"].contains($0) } ?? true
            case "root-dir":
                rootDirectory = value ?? ""
            default:
                break
            }
        }
    }

    /// `a=1,b=2` as pairs (blanks trimmed), or nil when one lacks the separator.
    static func splitPairs(_ text: String, separator: Character) -> [(String, String)]? {
        if text.isEmpty { return [] }
        var pairs: [(String, String)] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let at = item.firstIndex(of: separator) else { return nil }
            pairs.append((trim(item[..<at]), trim(item[item.index(after: at)...])))
        }
        return pairs
    }

    static func setPair(_ list: inout [(String, String)], _ pair: (String, String)) {
        if let index = list.firstIndex(where: { $0.0 == pair.0 }) {
            list[index].1 = pair.1
        } else {
            list.append(pair)
        }
    }

    static func trim(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

// MARK: Reading a configuration file

extension KubeletSettings {
    /// Reads a KubeletConfiguration (YAML or JSON) into these settings.
    mutating func readConfigFile(_ text: String, path: String) throws(KubeletInputError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            let reason = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            throw KubeletInputError("'\(path)' is not YAML or JSON: \(reason)")
        }
        guard let node, node.mapping != nil else {
            throw KubeletInputError("'\(path)' is not a KubeletConfiguration: it holds no mapping")
        }
        func field(_ name: String) -> Node? { node[name] }
        guard field("kind")?.string == "KubeletConfiguration" else {
            throw KubeletInputError("'\(path)' is not a KubeletConfiguration: its kind is '\(field("kind")?.string ?? "")'")
        }
        let apiVersion = field("apiVersion")?.string ?? ""
        guard apiVersion.hasPrefix("kubelet.config.k8s.io/") else {
            throw KubeletInputError("'\(path)' has apiVersion '\(apiVersion)', not kubelet.config.k8s.io/v1beta1")
        }
        if let policy = field("memoryManagerPolicy")?.string {
            memoryManagerPolicy = policy
            origins["memoryManagerPolicy"] = "config"
        }
        if let value = field("mergeDefaultEvictionSettings")?.string {
            mergeDefaultEvictionSettings = value == "true"
        }
        for (key, name) in [("systemReserved", 0), ("kubeReserved", 1), ("evictionHard", 2)] {
            guard let entries = field(key) else { continue }
            guard let map = entries.mapping else {
                refusals.append(
                    Finding(.refusal, "config-type", "\(path): \(key) must be a map of strings",
                        advice: "write \(key): as a map, e.g. {memory: 1Gi}"))
                continue
            }
            var pairs: [(String, String)] = []
            for (k, v) in map { pairs.append((k.string ?? "", v.string ?? "")) }
            origins[key] = "config"
            switch name {
            case 0: systemReserved = pairs
            case 1: kubeReserved = pairs
            default: evictionHard = pairs
            }
        }
        if let list = field("reservedMemory") {
            origins["reservedMemory"] = "config"
            reservedMemory = []
            guard let items = list.sequence else {
                refusals.append(
                    Finding(.refusal, "config-type", "\(path): reservedMemory must be a list",
                        advice: "write reservedMemory: as a list of {numaNode: N, limits: {memory: QUANTITY}}"))
                return
            }
            for item in items {
                guard item.mapping != nil else {
                    refusals.append(Finding(.refusal, "config-type", "\(path): a reservedMemory entry is not a map", advice: "write each entry as {numaNode: N, limits: {memory: QUANTITY}}"))
                    continue
                }
                let nodeText = item["numaNode"]?.string ?? "0"
                guard let node = goAtoi(nodeText), node >= Int64(Int32.min), node <= Int64(Int32.max) else {
                    refusals.append(
                        Finding(.refusal, "config-type", "\(path): reservedMemory numaNode '\(nodeText)' is not a 32-bit integer",
                            advice: "give the node's number"))
                    continue
                }
                var reservation = MemoryReservation(numaNode: Int32(node), limits: [])
                for (k, v) in item["limits"]?.mapping ?? Node.Mapping([]) {
                    let name = k.string ?? ""
                    let text = v.string ?? ""
                    do {
                        reservation.set(name, try Quantity.parse(text))
                    } catch {
                        refusals.append(
                            Finding(.refusal, "quantity", "\(path): reservedMemory[\(node)].limits.\(name): quantity '\(text)': \(error.description)",
                                advice: "write a quantity such as 1Gi, 512Mi or 1073741824"))
                    }
                }
                reservedMemory.append(reservation)
            }
        }
    }
}
