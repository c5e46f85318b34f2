/// The CPU and Topology Manager settings of a kubelet command line and
/// configuration file: `--cpu-manager-policy`/`cpuManagerPolicy`,
/// `--reserved-cpus`/`reservedSystemCPUs`, `--cpu-manager-policy-options`/
/// `cpuManagerPolicyOptions`, `--topology-manager-policy`/
/// `topologyManagerPolicy`, `--topology-manager-scope`/`topologyManagerScope`
/// and `--topology-manager-policy-options`/`topologyManagerPolicyOptions`.
/// The stored fields are in ``KubeletSettings``' block of its own.
extension KubeletSettings {
    /// The flags read here.
    static let topologyFlags: Set<String> = [
        "cpu-manager-policy", "reserved-cpus", "cpu-manager-policy-options", "topology-manager-policy", "topology-manager-scope",
        "topology-manager-policy-options",
    ]

    /// The configuration file's fields read here.
    static let topologyFields: Set<String> = [
        "cpuManagerPolicy", "reservedSystemCPUs", "cpuManagerPolicyOptions", "topologyManagerPolicy", "topologyManagerScope",
        "topologyManagerPolicyOptions",
    ]

    /// The plain string settings read here: the flag, the configuration
    /// file's field (the name ``origins`` keeps) and where the value is kept.
    static var topologyStrings: [(flag: String, field: String, path: WritableKeyPath<KubeletSettings, String>)] {
        [
            ("cpu-manager-policy", "cpuManagerPolicy", \.cpuManagerPolicy),
            ("reserved-cpus", "reservedSystemCPUs", \.reservedSystemCPUs),
            ("topology-manager-policy", "topologyManagerPolicy", \.topologyManagerPolicy),
            ("topology-manager-scope", "topologyManagerScope", \.topologyManagerScope),
        ]
    }

    /// One of ``topologyFlags``, as the kubelet's flag set takes it: plain
    /// strings replace, the options maps (`key=value,...`, a
    /// `MapStringString`) are cleared by their first use on the command line
    /// and added to by later ones. False when the value is malformed (a
    /// refusal has been appended).
    mutating func applyTopologyFlag(_ name: String, _ text: String) -> Bool {
        if let setting = Self.topologyStrings.first(where: { $0.flag == name }) {
            self[keyPath: setting.path] = text
            origins[setting.field] = "flag"
            return true
        }
        switch name {
        case "cpu-manager-policy-options", "topology-manager-policy-options":
            let field = name == "cpu-manager-policy-options" ? "cpuManagerPolicyOptions" : "topologyManagerPolicyOptions"
            let current = field == "cpuManagerPolicyOptions" ? cpuManagerPolicyOptions : topologyManagerPolicyOptions
            var pairs = OrderedPairs(origins[field] == "flag" ? current : [])
            guard Self.setMapItems(text, separator: "=", into: &pairs) else {
                refusals.append(
                    Finding(.refusal, "\(name)-flag",
                        "failed to parse kubelet flag: invalid argument \"\(text)\" for \"--\(name)\" flag: malformed pair, expect string=string",
                        advice: "write it as OPTION=VALUE[,OPTION=VALUE], such as full-pcpus-only=true"))
                return false
            }
            origins[field] = "flag"
            if field == "cpuManagerPolicyOptions" { cpuManagerPolicyOptions = pairs.pairs } else { topologyManagerPolicyOptions = pairs.pairs }
        default:
            break
        }
        return true
    }
}

extension TypedDecoder {
    /// One of ``KubeletSettings/topologyFields`` from the configuration file.
    mutating func topologyField(_ name: String, _ value: JSONView, into settings: inout KubeletSettings) {
        switch name {
        case "cpuManagerPolicyOptions", "topologyManagerPolicyOptions":
            guard let pairs = stringMap(value, field: name) else { return }
            settings.origins[name] = "config"
            if name == "cpuManagerPolicyOptions" { settings.cpuManagerPolicyOptions = pairs } else { settings.topologyManagerPolicyOptions = pairs }
        default:
            switch value {
            case .null: return
            case .string(let text):
                guard let setting = KubeletSettings.topologyStrings.first(where: { $0.field == name }) else { return }
                settings.origins[name] = "config"
                settings[keyPath: setting.path] = text
            default:
                typeError(value, field: name, type: "string")
            }
        }
    }
}
