public import NUMA

// MARK: --config-dir, as the kubelet merges its drop-ins

/// One value of a drop-in while the drop-ins are merged: an object whose
/// members merge, or any other JSON value (kept as the YAML node it came from).
indirect enum MergeValue {
    case object([(String, MergeValue)])
    case leaf(YAMLNode)

    init(_ node: YAMLNode) {
        if case .object(let fields) = node.view {
            self = .object(fields.map { ($0.0, MergeValue($0.1)) })
        } else {
            self = .leaf(node)
        }
    }

    var isNull: Bool {
        if case .leaf(let node) = self, case .null = node.view { return true }
        return false
    }

    /// RFC 7386 JSON merge patch (what jsonpatch.MergePatch does): an
    /// object patch merges member by member, a null member removing the
    /// target's, and makes an object of a target that was not one (nulls
    /// dropped); any other patch replaces the target.
    static func merge(_ target: MergeValue?, _ patch: MergeValue) -> MergeValue {
        guard case .object(let members) = patch else { return patch }
        // Members by key, found in constant time; a removed one leaves a hole, dropped at the end.
        var result: [(String, MergeValue)?] = []
        var index: [String: Int] = [:]
        if case .object(let existing) = target {
            for (key, value) in existing {
                index[key] = result.count
                result.append((key, value))
            }
        }
        for (key, value) in members {
            DecodeSteps.step()
            let at = index[key]
            if value.isNull {
                if let at {
                    result[at] = nil
                    index[key] = nil
                }
            } else if let at, let current = result[at] {
                result[at] = (key, merge(current.1, value))
            } else {
                index[key] = result.count
                result.append((key, merge(nil, value)))
            }
        }
        return .object(result.compactMap { $0 })
    }

    /// The YAML node this value reads as (an object as a mapping of quoted keys).
    var node: YAMLNode {
        switch self {
        case .leaf(let node): return node
        case .object(let members):
            let line = 1
            return YAMLNode(
                .mapping(members.map { (key: YAMLNode(.scalar($0.0, style: .doubleQuoted, tag: nil), line: line), value: $0.1.node) }), line: line)
        }
    }
}

extension KubeletRelease {
    /// `--config-dir` drop-ins are merged without the environment variable
    /// `KUBELET_CONFIG_DROPIN_DIR_ALPHA` that 1.28 and 1.29 required: from
    /// 1.30 (beta; GA from 1.35, with no change of behaviour). Every release
    /// swnuma models merges them.
    public var mergesConfigDir: Bool { minor >= 30 }
}

extension KubeletSettings {
    /// At most this many drop-ins are read from `--config-dir` (real folders hold a handful).
    public static let dropInFileLimit = 64
    /// At most this many names are looked at in the folder and its subfolders.
    public static let dropInEntryLimit = 4096
    /// Subfolders deeper than this are not walked.
    public static let dropInDepthLimit = 16

    /// The kubelet's words for a drop-in it cannot use, around `reason`.
    static func dropInRefusal(directory: String, path: String?, _ reason: String, advice: String) -> Finding {
        let inner = path.map { "failed to load kubelet dropin file, path: \($0), error: \(reason)" } ?? reason
        return Finding(
            .refusal, "config-dir", "failed to merge kubelet configs: failed to walk through kubelet dropin directory \(goQuote(directory)): \(inner)",
            advice: advice)
    }

    /// The `.conf` files of `directory` (a path relative to `base`) in the
    /// order of Go's `filepath.WalkDir`: names sorted bytewise in each folder,
    /// a subfolder walked where its name falls; a symbolic link is not
    /// followed as a folder (it is read as a file when its name ends in
    /// `.conf`). Under a snapshot every path resolves inside it.
    ///
    /// - Returns: the files, or the kubelet's refusal (the folder is missing).
    /// - Throws: ``KubeletInputError`` past the bounds, or when swnuma cannot list a folder the kubelet could.
    static func dropInFiles(_ shown: String, relative: String, base: SystemRoot) throws(KubeletInputError) -> (files: [String], refusal: Finding?, note: Finding?) {
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        let isConf = { (name: String) in name.hasSuffix(".conf") }
        // The folder itself: WalkDir looks at it without following a link.
        if !relative.isEmpty, base.readLink(relative) != nil {
            if isConf(name) { return ([relative], nil, nil) }
            return (
                [], nil,
                Finding(.note, "config-dir-link", "--config-dir \(shown) is a symbolic link: the kubelet's walk does not follow it, so it reads no drop-in",
                    advice: "give the folder the link points to")
            )
        }
        if !base.isDirectory(relative) {
            switch base.read(relative, limit: configFileLimit) {
            case .success:
                return (isConf(name) ? [relative] : [], nil, nil)
            case .failure(let error) where error.errno == .noSuchFile:
                return ([], dropInRefusal(directory: shown, path: nil, "lstat \(shown): no such file or directory",
                    advice: "create the folder, or drop --config-dir"), nil)
            case .failure(let error):
                throw KubeletInputError("cannot read the kubelet's --config-dir \(shown): \(error)")
            }
        }
        var files: [String] = []
        var seen = 0
        func walk(_ folder: String, depth: Int) throws(KubeletInputError) {
            let names: [String]
            switch base.listing(folder) {
            case .success(let listed): names = listed
            case .failure(let error):
                throw KubeletInputError("cannot list the kubelet's --config-dir: \(error)")
            }
            for entry in names.sorted(by: byteOrder) {
                seen += 1
                guard seen <= dropInEntryLimit else {
                    throw KubeletInputError("--config-dir \(shown) holds more than \(dropInEntryLimit) names: not read")
                }
                let child = folder.isEmpty ? entry : folder + "/" + entry
                if base.readLink(child) == nil, base.isDirectory(child) {
                    guard depth < dropInDepthLimit else {
                        throw KubeletInputError("--config-dir \(shown) nests folders deeper than \(dropInDepthLimit): not read")
                    }
                    try walk(child, depth: depth + 1)
                } else if isConf(entry) {
                    files.append(child)
                    guard files.count <= dropInFileLimit else {
                        throw KubeletInputError("--config-dir \(shown) holds more than \(dropInFileLimit) drop-ins: not read")
                    }
                }
            }
        }
        try walk(relative, depth: 0)
        return (files, nil, nil)
    }

    /// Why the kubelet refuses a drop-in, in its words, as read (a finding's
    /// text, escaped where it is shown).
    struct DropInError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// One drop-in decoded as the kubelet decodes it (into an untyped
    /// object: YAML to JSON with repeated keys refused, a `kind` required,
    /// nothing else checked); the reason it is refused otherwise.
    static func decodeDropIn(_ bytes: [UInt8]) -> Result<[(String, MergeValue)], DropInError> {
        let (root, converter): (YAMLNode?, YAMLToJSON)
        do {
            (root, converter) = try YAMLToJSON.read(bytes)
        } catch {
            return .failure(DropInError(error.description))
        }
        if !converter.duplicateErrors.isEmpty {
            return .failure(DropInError("strict decoding error: yaml: unmarshal errors:\n  " + converter.duplicateErrors.joined(separator: "\n  ")))
        }
        let document: JSONView
        do {
            document = try root.map(JSONView.init) ?? .null
        } catch {
            return .failure(DropInError(error.description))
        }
        let shown = String(decoding: bytes.prefix(80), as: UTF8.self) + (bytes.count > 80 ? "…" : "")
        guard case .object(let fields) = document else {
            if case .null = document { return .failure(DropInError("Object 'Kind' is missing in '\(shown)'")) }
            return .failure(DropInError("json: cannot unmarshal \(document.typeName) into Go value of type map[string]interface {}"))
        }
        // The kind is the member named exactly `kind`, a string that is not empty; apiVersion is not checked.
        guard let kind = fields.last(where: { $0.0 == "kind" }), case .string(let text) = kind.1.view, !text.isEmpty else {
            return .failure(DropInError("Object 'Kind' is missing in '\(shown)'"))
        }
        return .success(fields.map { ($0.0, MergeValue($0.1)) })
    }

    /// The Go name of a field of the kubelet's internal configuration type,
    /// which carries no JSON names: the key its merged JSON holds for the
    /// configuration so far.
    static func internalName(_ field: String) -> String {
        if field.hasPrefix("cpu") { return "CPU" + field.dropFirst(3) }
        return field.prefix(1).uppercased() + field.dropFirst()
    }

    /// Merges the drop-ins of `--config-dir` over these settings as the
    /// kubelet does: each `.conf` file in walk order is merged as a JSON
    /// merge patch over the configuration so far, and the result read into
    /// the kubelet's internal type with encoding/json (field names matched
    /// in any case, unknown ones ignored, maps added to, the last of keys
    /// that differ only in case winning in sorted order).
    mutating func mergeDropIns(_ directory: String, base: SystemRoot) throws(KubeletInputError) -> [Finding] {
        guard release.mergesConfigDir else { return [] }
        let relative = directory.hasPrefix("/") ? String(directory.drop(while: { $0 == "/" })) : directory
        let (files, refusal, note) = try Self.dropInFiles(directory, relative: relative, base: base)
        if let refusal { return [refusal] }
        let findings: [Finding] = note.map { [$0] } ?? []
        let before = self
        var merged = MergeValue.object([])
        var source: [String: String] = [:]
        var removedBase = Set<String>()
        let goNames = Set(TypedDecoder.knownFields.map(Self.internalName))
        for file in files {
            let shown = directory.hasPrefix("/") ? "/" + file : file
            let advice = "fix or remove \(shown): the kubelet does not start while a drop-in cannot be read"
            let bytes: [UInt8]
            switch base.read(file, limit: Self.configFileLimit) {
            case .success(let read): bytes = read
            case .failure(let error) where error.errno == .noSuchFile:
                return findings + [Self.dropInRefusal(directory: directory, path: shown, "open \(shown): no such file or directory", advice: advice)]
            case .failure(let error):
                if base.isDirectory(file) {
                    return findings + [Self.dropInRefusal(directory: directory, path: shown, "read \(shown): is a directory", advice: advice)]
                }
                throw KubeletInputError("cannot read the kubelet drop-in: \(error)")
            }
            switch Self.decodeDropIn(bytes) {
            case .failure(let error):
                return findings + [Self.dropInRefusal(directory: directory, path: shown, error.reason, advice: advice)]
            case .success(let fields):
                for (key, value) in fields {
                    source[key.lowercased()] = shown
                    if goNames.contains(key) {
                        if value.isNull { removedBase.insert(key) } else { removedBase.remove(key) }
                    }
                }
                merged = MergeValue.merge(merged, .object(fields))
            }
        }
        guard case .object(let members) = merged, !members.isEmpty else { return findings }
        // Group the merged members by the field they fill, case-insensitively.
        var byField: [String: [(String, MergeValue)]] = [:]
        let fieldByFold = Dictionary(
            TypedDecoder.knownFields.filter { release.knowsField($0) }.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        for (key, value) in members {
            guard let field = fieldByFold[key.lowercased()] else { continue }
            byField[field, default: []].append((key, value))
        }
        var decoder = TypedDecoder()
        decoder.release = release
        for field in byField.keys.sorted() {
            let goName = Self.internalName(field)
            let variants = byField[field, default: []].sorted { byteOrder($0.0, $1.0) }
            // The configuration so far sits under the Go name: a key that sorts before it is overwritten by it.
            let baseKept = !removedBase.contains(goName) && !variants.contains { $0.0 == goName }
            for (key, value) in variants {
                let overwritten = baseKept && byteOrder(key, goName)
                applyDropInField(field, value, decoder: &decoder)
                if overwritten { restoreField(field, from: before) }
                if let abort = decoder.abortError ?? decoder.savedError {
                    return findings + [
                        Finding(.refusal, "config-dir",
                            "failed to merge kubelet configs: failed to unmarshal merged JSON into kubelet configuration: \(abort.message) (swnuma: \(key) from \(source[key.lowercased()] ?? directory))",
                            advice: abort.advice)
                    ]
                }
                if !overwritten { origins[field] = "config-dir" }
            }
        }
        return findings
    }

    /// One field of the merged drop-ins read over these settings: maps
    /// added to (encoding/json keeps a map's entries), anything else replaced.
    private mutating func applyDropInField(_ field: String, _ value: MergeValue, decoder: inout TypedDecoder) {
        var node = value.node
        if field == "reservedMemory" { node = Self.foldReservationKeys(node) }
        let saved = self
        decoder.configuration([(field, node)], into: &self)
        // evictionHard is added to only when the drop-in set it (nil: the kubelet's defaults).
        if let path = Self.mapField(field), field != "evictionHard" || evictionHard != nil {
            var pairs = OrderedPairs(saved[keyPath: path])
            for (key, value) in self[keyPath: path] { pairs.set(key, value) }
            self[keyPath: path] = pairs.pairs
        }
    }

    /// The map-valued field a drop-in adds to rather than replaces, by its configuration name.
    private static func mapField(_ field: String) -> WritableKeyPath<KubeletSettings, [(String, String)]>? {
        switch field {
        case "systemReserved": \.systemReserved
        case "kubeReserved": \.kubeReserved
        case "evictionHard": \.evictionHardEntries
        case "cpuManagerPolicyOptions": \.cpuManagerPolicyOptions
        case "topologyManagerPolicyOptions": \.topologyManagerPolicyOptions
        default: nil
        }
    }

    /// The hard eviction thresholds in force: the kubelet's defaults when none were set.
    private var evictionHardEntries: [(String, String)] {
        get { evictionHard ?? Self.defaultEvictionHard }
        set { evictionHard = newValue }
    }

    /// Puts back the value `field` had before the drop-ins (a map's entries added back over).
    private mutating func restoreField(_ field: String, from before: KubeletSettings) {
        switch field {
        case "memoryManagerPolicy": memoryManagerPolicy = before.memoryManagerPolicy
        case "reservedMemory": reservedMemory = before.reservedMemory
        case "mergeDefaultEvictionSettings": mergeDefaultEvictionSettings = before.mergeDefaultEvictionSettings
        case "cpuManagerPolicy": cpuManagerPolicy = before.cpuManagerPolicy
        case "reservedSystemCPUs": reservedSystemCPUs = before.reservedSystemCPUs
        case "topologyManagerPolicy": topologyManagerPolicy = before.topologyManagerPolicy
        case "topologyManagerScope": topologyManagerScope = before.topologyManagerScope
        case "featureGates": for (gate, flag) in before.featureGates { featureGates[gate] = flag }
        default:
            guard let path = Self.mapField(field) else { break }
            var pairs = OrderedPairs(self[keyPath: path])
            for (key, value) in before[keyPath: path] { pairs.set(key, value) }
            self[keyPath: path] = pairs.pairs
        }
    }

    /// The members of each reservation named as the v1beta1 decoder names
    /// them (`numaNode`, `limits`), since the internal type matches them in any case.
    static func foldReservationKeys(_ node: YAMLNode) -> YAMLNode {
        guard case .array(let items) = node.view else { return node }
        let folded = items.map { item -> YAMLNode in
            guard case .object(let fields) = item.view else { return item }
            let renamed = fields.map { (key, value) -> (String, MergeValue) in
                switch key.lowercased() {
                case "numanode": ("numaNode", .leaf(value))
                case "limits": ("limits", .leaf(value))
                default: (key, .leaf(value))
                }
            }
            return MergeValue.object(renamed).node
        }
        return YAMLNode(.sequence(folded), line: node.line)
    }
}

// MARK: For the tests

extension MergeValue {
    /// Compact JSON with sorted keys (as Go's encoding/json writes a map).
    var json: String {
        switch self {
        case .object(let members):
            let sorted = members.sorted { byteOrder($0.0, $1.0) }
            return "{" + sorted.map { goQuote($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        case .leaf(let node):
            switch node.view {
            case .null: return "null"
            case .bool(let flag): return flag ? "true" : "false"
            case .number(let text): return text
            case .string(let text): return goQuote(text)
            case .array(let items): return "[" + items.map { MergeValue.leaf($0).json }.joined(separator: ",") + "]"
            case .object: return MergeValue(node).json
            }
        }
    }
}

extension KubeletSettings {
    package static func dropInFilesForTesting(_ directory: String, root: SystemRoot) throws(KubeletInputError) -> [String] {
        try dropInFiles(directory, relative: String(directory.drop(while: { $0 == "/" })), base: root).files
    }

    /// The JSON documents merged in order, as compact JSON.
    package static func mergePatchForTesting(_ documents: [String]) throws -> String {
        var merged = MergeValue.object([])
        for document in documents {
            guard let node = try YAMLReader.parse(Array(document.utf8)) else { continue }
            merged = MergeValue.merge(merged, MergeValue(node))
        }
        return merged.json
    }
}
