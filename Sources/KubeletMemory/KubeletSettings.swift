public import NUMA

/// What the kubelet will be told about memory: the settings of its command
/// line and configuration file that the memory manager reads, after the
/// kubelet's own precedence (flags over the file, the file over defaults).
public struct KubeletSettings: Sendable {
    /// The Kubernetes release whose rules apply (`--kubelet-version`); set
    /// before the flags and file are read, since which fields a file may
    /// hold depends on it.
    public var release = KubeletRelease.newest
    /// `--feature-gates` / `featureGates`: the gates named, flags over the file.
    public var featureGates: [String: Bool] = [:]

    // MARK: Memory manager settings
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
    /// `--config-dir`, if given: its drop-ins are merged over the file.
    public var configDirectory: String?
    // MARK: Other managers' settings (CPU and Topology Managers) go here

    // MARK: Bookkeeping

    /// Where each setting came from, for messages: `flag`, `config`, or absent for a default.
    public var origins: [String: String] = [:]
    /// What the kubelet would refuse, or log, while reading its flags and
    /// file (strict-decoding warnings have the `unsafe` severity).
    public var refusals: [Finding] = []

    // MARK: CPU and Topology Managers (read in CPUManagerSettings.swift)
    /// `--cpu-manager-policy` / `cpuManagerPolicy` (`none` by default).
    public var cpuManagerPolicy = "none"
    /// `--reserved-cpus` / `reservedSystemCPUs`, as given (empty when not).
    public var reservedSystemCPUs = ""
    /// `--cpu-manager-policy-options` / `cpuManagerPolicyOptions`, as given.
    public var cpuManagerPolicyOptions: [(String, String)] = []
    /// `--topology-manager-policy` / `topologyManagerPolicy` (`none` by default).
    public var topologyManagerPolicy = "none"
    /// `--topology-manager-scope` / `topologyManagerScope` (`container` by default).
    public var topologyManagerScope = "container"
    /// `--topology-manager-policy-options` / `topologyManagerPolicyOptions`, as given.
    public var topologyManagerPolicyOptions: [(String, String)] = []

    public init() {}

    /// Whether the memory manager runs at all: the `MemoryManager` gate is
    /// on by default and can be turned off only before it locked (1.32).
    public var memoryManagerEnabled: Bool { release.memoryManagerGateLocked || featureGates["MemoryManager"] != false }

    /// Whether `PodLevelResourceManagers` is on (off by default; only in 1.36 and later).
    public var podLevelResourceManagers: Bool { release.hasPodLevelResourceManagersGate && featureGates["PodLevelResourceManagers"] == true }

    /// The kubelet's hard eviction defaults on Linux.
    public static let defaultEvictionHard: [(String, String)] = [
        ("memory.available", "100Mi"), ("nodefs.available", "10%"), ("nodefs.inodesFree", "5%"), ("imagefs.available", "15%"),
    ]

    /// The checkpoint's path relative to the filesystem root.
    public var checkpointPath: String { joinPath(rootDirectory, "memory_manager_state") }
}

/// A kubelet input swnuma cannot read: a missing or malformed file, an argument it cannot follow.
///
/// The text is safe for a terminal as built: what is interpolated into its
/// ``Message`` (paths, flags, YAML words) is escaped there, once, by
/// ``escapedForDisplay(_:)``; a ``NUMAError`` is taken as NUMA wrote it,
/// already escaped. Whoever prints it prints it as it is.
public struct KubeletInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ message: Message) { self.description = message.text }

    /// A refusal's text: literals as written, interpolations escaped.
    public struct Message: ExpressibleByStringInterpolation, Sendable {
        var text: String

        public init(stringLiteral value: String) { text = value }
        public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

        public struct Interpolation: StringInterpolationProtocol, Sendable {
            var text = ""
            public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity) }
            public mutating func appendLiteral(_ literal: String) { text += literal }
            /// Text from an input: escaped.
            public mutating func appendInterpolation(_ value: some CustomStringConvertible) { text += escapedForDisplay(value.description) }
            /// NUMA's refusal: already escaped where it quotes a path or a file's bytes.
            public mutating func appendInterpolation(_ error: NUMAError) { text += error.description }
        }
    }
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

extension Finding {
    /// The note on a setting a manager's policy ignores (`policy`: `the
    /// memory manager policy is None`), when it is `given`: the kubelet
    /// starts, and the setting does nothing until the policy changes.
    static func ignored(_ setting: String, given: Bool, id: String, policy: String, advice: String) -> [Finding] {
        given ? [Finding(.note, id, "\(policy): the kubelet ignores \(setting)", advice: advice)] : []
    }
}

func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}


// MARK: Reading a command line, as the kubelet's pflag flag set reads it

/// Pairs in the order first given, a later value for a key replacing the
/// earlier one (a Go map, with an order for messages), in constant time per pair.
struct OrderedPairs {
    private(set) var pairs: [(String, String)] = []
    private var index: [String: Int] = [:]

    init(_ pairs: [(String, String)] = []) {
        for pair in pairs { set(pair.0, pair.1) }
    }

    mutating func set(_ key: String, _ value: String) {
        if let at = index[key] {
            pairs[at].1 = value
        } else {
            index[key] = pairs.count
            pairs.append((key, value))
        }
    }
}

extension KubeletSettings {
    /// Kubelet flags that take no value (pflag's `NoOptDefVal`), so that
    /// `--flag word` leaves `word` alone; `--flag=false` still sets them.
    static let booleanFlags: Set<String> = [
        "help", "version", "fail-swap-on", "fail-cgroupv1", "enable-server", "anonymous-auth", "authentication-token-webhook",
        "rotate-server-certificates", "rotate-certificates", "enable-debugging-handlers", "contention-profiling",
        "cgroups-per-qos", "runonce", "cpu-cfs-quota", "serialize-image-pulls", "protect-kernel-defaults",
        "kernel-memcg-notification", "localstorage-capacity-isolation", "local-storage-capacity-isolation",
        "make-iptables-util-chains", "register-node", "register-schedulable", "keep-terminated-pod-volumes",
        "exit-on-lock-contention", "experimental-allocatable-ignore-eviction", "seccomp-default",
        "enable-controller-attach-detach", "windows-service", "experimental-check-node-capabilities-before-mount",
        "log-json-split-stream", "log-text-split-stream", "add-dir-header", "alsologtostderr", "logtostderr", "one-output",
        "skip-headers", "skip-log-headers", "log-flush-frequency-enabled", "enable-cadvisor-json-endpoints",
        "containerized", "allow-privileged", "enable-load-reader", "docker-only",
    ]

    /// Kubelet flags that take a value (from `kubelet --help` of 1.30 to
    /// 1.34, deprecated ones included, and the global logging flags).
    static let valueFlags: Set<String> = [
        "config", "config-dir", "kubeconfig", "bootstrap-kubeconfig", "cert-dir", "hostname-override", "node-ip", "root-dir",
        "register-with-taints", "node-labels", "lock-file", "node-status-max-images", "cloud-provider", "cloud-config",
        "runtime-cgroups", "minimum-container-ttl-duration", "maximum-dead-containers-per-container",
        "maximum-dead-containers", "image-credential-provider-config", "image-credential-provider-bin-dir",
        "windows-priorityclass", "pod-infra-container-image", "provider-id", "pod-manifest-path", "sync-frequency",
        "file-check-frequency", "http-check-frequency", "manifest-url", "manifest-url-header", "address", "port",
        "read-only-port", "authentication-token-webhook-cache-ttl", "client-ca-file", "authorization-mode",
        "authorization-webhook-cache-authorized-ttl", "authorization-webhook-cache-unauthorized-ttl", "tls-cert-file",
        "tls-private-key-file", "tls-cipher-suites", "tls-min-version", "registry-qps", "registry-burst", "event-qps",
        "event-burst", "healthz-port", "healthz-bind-address", "oom-score-adj", "cluster-domain", "cluster-dns",
        "streaming-connection-idle-timeout", "node-status-update-frequency", "image-gc-high-threshold",
        "image-gc-low-threshold", "minimum-image-ttl-duration", "volume-stats-agg-period", "feature-gates",
        "kubelet-cgroups", "system-cgroups", "cgroup-driver", "cgroup-root", "cpu-manager-policy",
        "cpu-manager-policy-options", "cpu-manager-reconcile-period", "qos-reserved", "topology-manager-policy",
        "topology-manager-scope", "topology-manager-policy-options", "runtime-request-timeout", "hairpin-mode", "max-pods",
        "pod-cidr", "pod-max-pids", "resolv-conf", "cpu-cfs-quota-period", "enforce-node-allocatable", "max-open-files",
        "kube-api-content-type", "kube-api-qps", "kube-api-burst", "eviction-hard", "eviction-soft",
        "eviction-soft-grace-period", "eviction-pressure-transition-period", "eviction-max-pod-grace-period",
        "eviction-minimum-reclaim", "pods-per-core", "reserved-cpus", "system-reserved", "kube-reserved",
        "system-reserved-cgroup", "kube-reserved-cgroup", "volume-plugin-dir", "iptables-masquerade-bit",
        "iptables-drop-bit", "container-log-max-size", "container-log-max-files", "allowed-unsafe-sysctls",
        "memory-manager-policy", "reserved-memory", "container-runtime-endpoint", "image-service-endpoint",
        "experimental-mounter-path", "container-runtime", "v", "vmodule", "log-flush-frequency", "logging-format",
        "log-json-info-buffer-size", "log-text-info-buffer-size", "log-backtrace-at", "log-dir", "log-file",
        "log-file-max-size", "stderrthreshold", "azure-container-registry-config", "seccomp-profile-root",
        "node-status-report-frequency", "experimental-allowed-unsafe-sysctls", "dynamic-config-dir",
        "cloud-provider-gce-lb-src-cidrs", "cloud-provider-gce-l7lb-src-cidrs", "housekeeping-interval",
    ]

    /// The one-letter forms the kubelet's flag set knows.
    static let shorthands: [Character: String] = ["h": "help", "v": "v"]

    /// pflag's `ParseBool` values.
    static func goParseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    /// A kubelet command line read as its flag set reads it: long names
    /// with `_` normalised to `-`, a value attached by `=` or in the next
    /// word (even one starting with `-`), one-letter forms `-h` and `-v`,
    /// and words that are not flags set apart (the kubelet refuses them as
    /// commands). Reading stops at the first error, as pflag's does; the
    /// error is the kubelet's own words.
    static func scanFlags(_ arguments: [String]) -> (flags: [(name: String, value: String?)], stray: [String], error: String?) {
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
            guard word.hasPrefix("-"), word.utf8.count > 1 else {
                stray.append(word)
                continue
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                if body.isEmpty || body.hasPrefix("-") || body.hasPrefix("=") {
                    return (flags, stray, "bad flag syntax: \(word)")
                }
                let (given, attached) = splitAtEquals(body)
                var value = attached
                let name = String(given.map { $0 == "_" ? "-" : $0 })
                if booleanFlags.contains(name) {
                    flags.append((name, value ?? "true"))
                } else if valueFlags.contains(name) {
                    if value == nil {
                        guard index < arguments.count else { return (flags, stray, "flag needs an argument: \(word)") }
                        value = arguments[index]
                        index += 1
                    }
                    flags.append((name, value))
                } else {
                    return (flags, stray, "unknown flag: --\(given)")
                }
                continue
            }
            // One-letter flags, possibly several in one word (`-hv2`).
            var letters = Substring(word.dropFirst())
            while let letter = letters.first {
                guard let name = shorthands[letter] else {
                    return (flags, stray, "unknown shorthand flag: '\(letter)' in -\(letters)")
                }
                let rest = letters.dropFirst()
                if booleanFlags.contains(name) {
                    if rest.hasPrefix("=") {
                        flags.append((name, String(rest.dropFirst())))
                        break
                    }
                    flags.append((name, "true"))
                    letters = rest
                    continue
                }
                if rest.hasPrefix("=") {
                    flags.append((name, String(rest.dropFirst())))
                } else if !rest.isEmpty {
                    flags.append((name, String(rest)))
                } else if index < arguments.count {
                    flags.append((name, arguments[index]))
                    index += 1
                } else {
                    return (flags, stray, "flag needs an argument: '\(letter)' in -\(letters)")
                }
                break
            }
        }
        return (flags, stray, nil)
    }

    /// The settings a kubelet command line gives, reading its `--config`
    /// file under `root`.
    ///
    /// - Throws: ``KubeletInputError`` when the configuration file cannot be
    ///   read or is not a KubeletConfiguration.
    /// - Parameter relativeRoot: where a relative `--config` path is read
    ///   from (the current folder, for a command line typed by the user);
    ///   `root` when nil.
    public static func load(
        arguments: [String], root: SystemRoot, relativeRoot: SystemRoot? = nil, release: KubeletRelease = .newest
    ) throws(KubeletInputError) -> KubeletSettings {
        var settings = KubeletSettings()
        settings.release = release
        let (flags, stray, error) = scanFlags(arguments)
        if let error {
            settings.refusals.append(
                Finding(.refusal, "kubelet-flag", "failed to parse kubelet flag: \(error)",
                    advice: "fix or remove the flag: the kubelet does not start with a flag it does not know"))
        } else if let word = stray.first {
            settings.refusals.append(
                Finding(.refusal, "stray-argument", "unknown command \(word)",
                    advice: "the kubelet takes only flags: remove '\(word)' or give it a flag"))
        }
        // The kubelet reads the file only when the last --config names one (`--config=` loads none).
        if let config = flags.last(where: { $0.name == "config" }), let path = config.value, !path.isEmpty {
            settings.configFile = path
            let base = path.hasPrefix("/") ? root : relativeRoot ?? root
            let relative = path.hasPrefix("/") ? String(path.drop(while: { $0 == "/" })) : path
            let bytes: [UInt8]
            switch base.read(relative, limit: configFileLimit) {
            case .success(let read): bytes = read
            case .failure(let error):
                throw KubeletInputError("cannot read the kubelet configuration file '\(base.resolve(relative))': \(error)")
            }
            settings.refusals.append(contentsOf: try settings.decodeConfig(bytes, path: path))
        }
        // Then the drop-ins of the last --config-dir, over the file (`--config-dir=` names none).
        if let configDir = flags.last(where: { $0.name == "config-dir" }), let path = configDir.value, !path.isEmpty,
            !settings.refusals.contains(where: { $0.severity == .refusal })
        {
            settings.configDirectory = path
            let base = path.hasPrefix("/") ? root : relativeRoot ?? root
            settings.refusals.append(contentsOf: try settings.mergeDropIns(path, base: base))
        }
        settings.applyFlags(flags)
        settings.refusals.append(contentsOf: settings.checkFeatureGates())
        return settings
    }

    mutating func applyFlags(_ flags: [(name: String, value: String?)]) {
        var reservedMemoryStarted = false
        var reservedMemoryCleared = false
        var system: OrderedPairs?
        var kube: OrderedPairs?
        var eviction: OrderedPairs?
        func invalid(_ name: String, _ value: String, _ reason: String, advice: String) -> Finding {
            Finding(.refusal, "\(name)-flag", "failed to parse kubelet flag: invalid argument \"\(value)\" for \"--\(name)\" flag: \(reason)", advice: advice)
        }
        for (name, value) in flags {
            let text = value ?? ""
            switch name {
            case "memory-manager-policy":
                memoryManagerPolicy = text
                origins["memoryManagerPolicy"] = "flag"
            case "reserved-memory":
                if reservedMemoryCleared {
                    refusals.append(
                        invalid(name, text, "no target (nil pointer to *[]MemoryReservation", advice: "drop the empty --reserved-memory= before it"))
                    return
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
                        invalid(name, text, error.description,
                            advice: "write it as NODE:memory=QUANTITY[,hugepages-SIZE=QUANTITY] (';' between nodes, or repeat the flag)"))
                    return
                }
            case "system-reserved", "kube-reserved", "eviction-hard":
                let separator: Character = name == "eviction-hard" ? "<" : "="
                // The first use replaces the file's map; later ones add to it.
                var pairs = (name == "system-reserved" ? system : name == "kube-reserved" ? kube : eviction) ?? OrderedPairs()
                guard Self.setMapItems(text, separator: separator, into: &pairs) else {
                    refusals.append(
                        invalid(name, text, "malformed pair, expect string\(separator)string",
                            advice: name == "eviction-hard"
                                ? "write it as memory.available<QUANTITY[,nodefs.available<PERCENT]"
                                : "write it as memory=QUANTITY[,cpu=QUANTITY]"))
                    return
                }
                switch name {
                case "system-reserved":
                    system = pairs
                    systemReserved = pairs.pairs
                    origins["systemReserved"] = "flag"
                case "kube-reserved":
                    kube = pairs
                    kubeReserved = pairs.pairs
                    origins["kubeReserved"] = "flag"
                default:
                    eviction = pairs
                    evictionHard = pairs.pairs
                    origins["evictionHard"] = "flag"
                }
            case "experimental-allocatable-ignore-eviction":
                guard let flag = Self.goParseBool(text) else {
                    refusals.append(
                        invalid(name, text, "strconv.ParseBool: parsing \(goQuote(text)): invalid syntax", advice: "give true or false"))
                    return
                }
                ignoreEvictionThreshold = flag
            case "root-dir":
                rootDirectory = text
            case "feature-gates":
                // component-base's MapStringBool: items split at ',', each at '=', trimmed, values ParseBool'd.
                for item in text.split(separator: ",", omittingEmptySubsequences: true) {
                    let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2 else {
                        refusals.append(invalid(name, text, "missing bool value for \(goTrimSpace(String(item)))", advice: "write it as Gate=true[,Gate=false]"))
                        return
                    }
                    let key = goTrimSpace(String(parts[0]))
                    let raw = goTrimSpace(String(parts[1]))
                    guard let flag = Self.goParseBool(raw) else {
                        refusals.append(
                            invalid(name, text, "invalid value of \(key)=\(raw), err: strconv.ParseBool: parsing \(goQuote(raw)): invalid syntax",
                                advice: "give true or false"))
                        return
                    }
                    featureGates[key] = flag
                }
            case _ where Self.topologyFlags.contains(name):
                guard applyTopologyFlag(name, text) else { return }
            default:
                if Self.booleanFlags.contains(name), name != "version", Self.goParseBool(text) == nil {
                    refusals.append(invalid(name, text, "strconv.ParseBool: parsing \(goQuote(text)): invalid syntax", advice: "give true or false"))
                    return
                }
            }
        }
    }

    /// `a=1,b=2` added to `pairs` as the kubelet's map flags add them: empty
    /// items skipped, blanks trimmed, the first `separator` splitting; false
    /// when an item lacks it.
    static func setMapItems(_ text: String, separator: Character, into pairs: inout OrderedPairs) -> Bool {
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            guard let at = item.firstIndex(of: separator) else { return false }
            pairs.set(goTrimSpace(String(item[..<at])), goTrimSpace(String(item[item.index(after: at)...])))
        }
        return true
    }
}
