import KubeletMemory
import NUMA
import Testing

/// KubeletConfiguration files decoded as the kubelet decodes them: YAML to
/// JSON (go-yaml v2), then a case-sensitive strict decode whose unknown and
/// repeated fields are warnings, and whose type errors stop the kubelet.
@Suite struct KubeletConfigurationTests {
    static let header = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

    func decode(_ body: String) throws -> KubeletConfigDecoding {
        try KubeletSettings.decodeConfigFile(Array((Self.header + body).utf8), path: "k.yaml")
    }

    func refusal(_ body: String) throws -> String? {
        try decode(body).findings.first { $0.severity == .refusal }?.message
    }

    func warning(_ body: String) throws -> String? {
        try decode(body).findings.first { $0.severity == .unsafe }?.message
    }

    @Test func readsTheMemoryManagerFields() throws {
        let decoded = try decode(
            """
            memoryManagerPolicy: Static
            mergeDefaultEvictionSettings: yes
            systemReserved: {memory: 1Gi, cpu: 500m}
            evictionHard:
              memory.available: "100Mi"
            reservedMemory:
              - numaNode: 0
                limits: {memory: 600Mi}
              - numaNode: 1
                limits:
                  memory: 524288000
                  hugepages-2Mi: 0

            """)
        #expect(decoded.findings.isEmpty)
        let settings = decoded.settings
        #expect(settings.memoryManagerPolicy == "Static")
        #expect(settings.mergeDefaultEvictionSettings)
        #expect(settings.systemReserved.map(\.0) == ["cpu", "memory"])
        #expect(settings.evictionHard?.first?.1 == "100Mi")
        #expect(settings.reservedMemory.map(\.numaNode) == [0, 1])
        #expect(settings.reservedMemory[1].limit("memory")?.int64Value == 524_288_000)
        #expect(settings.reservedMemory[1].limit("hugepages-2Mi")?.isZero == true)
        #expect(settings.origins["reservedMemory"] == "config")
    }

    @Test func jsonIsYAMLToo() throws {
        let text = #"{"kind": "KubeletConfiguration", "apiVersion": "kubelet.config.k8s.io/v1beta1", "memoryManagerPolicy": "Static"}"#
        let decoded = try KubeletSettings.decodeConfigFile(Array(text.utf8), path: "k.json")
        #expect(decoded.settings.memoryManagerPolicy == "Static")
    }

    // Field names match exactly: sigs.k8s.io/json decodes case-sensitively.
    @Test func fieldNamesAreCaseSensitive() throws {
        let decoded = try decode("memorymanagerpolicy: Static\nPolicyName: Static\n")
        #expect(decoded.settings.memoryManagerPolicy == "None")
        #expect(decoded.findings.map(\.severity) == [.unsafe])
        #expect(decoded.findings.first?.message.contains(#"unknown field \"PolicyName\", unknown field \"memorymanagerpolicy\""#) == true)
    }

    /// The kind and version are found the way encoding/json finds them (any case).
    @Test func kindInAnyCaseIsFoundAndWarnedAbout() throws {
        let text = "apiVersion: kubelet.config.k8s.io/v1beta1\nKind: KubeletConfiguration\n"
        let decoded = try KubeletSettings.decodeConfigFile(Array(text.utf8), path: "k.yaml")
        #expect(decoded.findings.first?.message.contains(#"unknown field \"Kind\""#) == true)
    }

    @Test func unknownFieldsAreWarningsNotRefusals() throws {
        let decoded = try decode("reservedMemmory:\n  - numaNode: 0\n    limits: {memory: 1Gi}\n")
        #expect(decoded.settings.reservedMemory.isEmpty)
        #expect(decoded.findings.count == 1)
        #expect(decoded.findings[0].severity == .unsafe)
        #expect(
            decoded.findings[0].message
                == #"k.yaml: the kubelet logs "Using lenient decoding as strict decoding failed" err="strict decoding error: unknown field \"reservedMemmory\"""#
        )
        let nested = try warning("reservedMemory:\n  - numaNode: 0\n    numanode: 1\n    limits: {memory: 1Gi}\n")
        #expect(nested?.contains(#"unknown field \"reservedMemory[0].numanode\""#) == true)
    }

    @Test func theLastOfRepeatedKeysWinsAndIsReported() throws {
        let decoded = try decode("memoryManagerPolicy: None\nmemoryManagerPolicy: Static\n")
        #expect(decoded.settings.memoryManagerPolicy == "Static")
        #expect(decoded.findings.count == 1)
        #expect(decoded.findings[0].message.contains(#"yaml: unmarshal errors:\n  line 4: key \"memoryManagerPolicy\" already set in map"#))
        // Inside a reservation's limits too.
        let limits = try decode("reservedMemory:\n  - numaNode: 0\n    limits: {memory: 1Gi, memory: 2Gi}\n")
        #expect(limits.settings.reservedMemory.first?.limit("memory")?.description == "2Gi")
        #expect(limits.findings.first?.message.contains(#"key \"memory\" already set in map"#) == true)
        // `yes` and `true` are the same boolean key to go-yaml.
        #expect(try warning("labels: {yes: 1, true: 2}\n")?.contains("key true already set in map") == true)
    }

    /// A quoted number where the kubelet wants an integer stops it.
    @Test(arguments: [
        ("numaNode: \"0\"", "json: cannot unmarshal string into Go struct field MemoryReservation.reservedMemory.numaNode of type int32"),
        ("numaNode: 1.5", "json: cannot unmarshal number 1.5 into Go struct field MemoryReservation.reservedMemory.numaNode of type int32"),
        ("numaNode: 4294967296", "json: cannot unmarshal number 4294967296 into Go struct field MemoryReservation.reservedMemory.numaNode of type int32"),
        ("numaNode: true", "json: cannot unmarshal bool into Go struct field MemoryReservation.reservedMemory.numaNode of type int32"),
        ("limits: [1Gi]", "json: cannot unmarshal array into Go struct field MemoryReservation.reservedMemory.limits of type v1.ResourceList"),
    ])
    func typeErrorsStopTheKubelet(line: String, message: String) throws {
        let found = try refusal("reservedMemory:\n  - \(line)\n")
        #expect(found == "k.yaml: failed to decode: " + message)
    }

    @Test func integersAsYAMLOneOneReadsThem() throws {
        func node(_ text: String) throws -> Int32? {
            try decode("reservedMemory:\n  - numaNode: \(text)\n    limits: {memory: 1Gi}\n").settings.reservedMemory.first?.numaNode
        }
        #expect(try node("1") == 1)
        #expect(try node("1.0") == 1)  // a float that JSON writes as 1
        #expect(try node("010") == 8)  // octal, as YAML 1.1
        #expect(try node("0x10") == 16)
        #expect(try node("1_0") == 10)
        #expect(try node("-1") == -1)
        #expect(try node("~") == 0)
    }

    @Test func mapsOfStringsRefuseOtherTypes() throws {
        #expect(
            try refusal("systemReserved: {memory: 1024}\n")
                == "k.yaml: failed to decode: json: cannot unmarshal number into Go struct field KubeletConfiguration.systemReserved of type string")
        #expect(
            try refusal("evictionHard: [memory.available]\n")
                == "k.yaml: failed to decode: json: cannot unmarshal array into Go struct field KubeletConfiguration.evictionHard of type map[string]string")
        #expect(
            try refusal("memoryManagerPolicy: no\n")
                == "k.yaml: failed to decode: json: cannot unmarshal bool into Go struct field KubeletConfiguration.memoryManagerPolicy of type string")
        #expect(
            try refusal("mergeDefaultEvictionSettings: \"true\"\n")
                == "k.yaml: failed to decode: json: cannot unmarshal string into Go struct field KubeletConfiguration.mergeDefaultEvictionSettings of type bool")
        #expect(try refusal("memoryManagerPolicy: \"no\"\n") == nil)
    }

    /// resource.Quantity's unmarshaller trims blanks and reads numbers as their text.
    @Test func quantitiesAsTheKubeletUnmarshalsThem() throws {
        func memory(_ text: String) throws -> Quantity? {
            try decode("reservedMemory:\n  - numaNode: 0\n    limits: {memory: \(text)}\n").settings.reservedMemory.first?.limit("memory")
        }
        #expect(try memory("\" 100Mi \"")?.description == "100Mi")
        #expect(try memory("\"\\t1Gi\\n\"")?.description == "1Gi")
        #expect(try memory("1073741824")?.int64Value == 1 << 30)
        // 1.0 unquoted is a float that JSON writes as 1: whole bytes; quoted it is the kubelet's "1.0", which is not.
        #expect(try memory("1.0")?.int64Value == 1)
        #expect(try memory("\"1.0\"")?.int64Value == nil)
        #expect(try memory("1e3")?.int64Value == 1000)
        #expect(try memory("~")?.isZero == true)
        let refused = try refusal("reservedMemory:\n  - numaNode: 0\n    limits: {memory: 1 Gi}\n")
        #expect(refused?.contains("reservedMemory[0].limits.memory: quantity '1 Gi': quantities must match the regular expression") == true)
        #expect(try refusal("reservedMemory:\n  - numaNode: 0\n    limits: {memory: true}\n") != nil)
    }

    /// A quantity's error stops decoding at once and wins over an earlier type error.
    @Test func aQuantityErrorWinsOverATypeError() throws {
        let found = try refusal("kubeReserved: {memory: 5}\nreservedMemory:\n  - limits: {memory: 1 Gi}\n")
        #expect(found?.contains("quantity '1 Gi'") == true)
    }

    @Test func mergeKeysAsGoYAMLApplies() throws {
        let decoded = try decode(
            """
            base: &base {memory: 1Gi, cpu: "1"}
            systemReserved:
              <<: *base
              memory: 2Gi

            """)
        #expect(decoded.settings.systemReserved.first { $0.0 == "memory" }?.1 == "2Gi")
        #expect(decoded.settings.systemReserved.first { $0.0 == "cpu" }?.1 == "1")
        // go-yaml's strict pass counts a merged key set again as repeated.
        #expect(decoded.findings.first?.message.contains(#"key \"memory\" already set in map"#) == true)
    }

    @Test func notAKubeletConfiguration() throws {
        #expect(throws: KubeletInputError("kubelet config file \"k.yaml\" was empty")) {
            try KubeletSettings.decodeConfigFile([], path: "k.yaml")
        }
        #expect(throws: KubeletInputError.self) { try KubeletSettings.decodeConfigFile(Array("kind: Pod\napiVersion: v1\n".utf8), path: "k") }
        #expect(throws: KubeletInputError.self) {
            try KubeletSettings.decodeConfigFile(Array("kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1\n".utf8), path: "k")
        }
        #expect(throws: KubeletInputError.self) { try KubeletSettings.decodeConfigFile(Array("- a\n- b\n".utf8), path: "k") }
        #expect(throws: KubeletInputError.self) { try KubeletSettings.decodeConfigFile(Array("a: [\n".utf8), path: "k") }
        // The whole file becomes JSON, unknown fields included: what JSON cannot hold stops the kubelet.
        #expect(throws: KubeletInputError("'k.yaml' is not YAML or JSON: json: unsupported value: +Inf")) { try decode("unused: .inf\n") }
        #expect(throws: KubeletInputError("'k.yaml' is not YAML or JSON: yaml: cannot decode !!str `x` as a !!int")) {
            try decode("unused: [!!int x]\n")
        }
        #expect(try decode("unused: {.inf: 1, !custom 5: !!int \"3\"}\n").findings.count == 1)
    }

    @Test func syntaxErrorsNameTheLine() throws {
        do {
            _ = try decode("memoryManagerPolicy: Static\n  bad: indent\n")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("yaml: line 4: mapping values are not allowed in this context"))
        }
    }

    /// A billion laughs: the kubelet's go-yaml refuses excessive aliasing, and so does swnuma, at once.
    @Test func billionLaughsIsRefusedQuickly() throws {
        var text = Self.header + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        text += "systemReserved: {*a9 : x}\n"
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: KubeletInputError.self) { try KubeletSettings.decodeConfigFile(Array(text.utf8), path: "k") }
        #expect(clock.now - start < .seconds(1))
        do {
            _ = try KubeletSettings.decodeConfigFile(Array(text.utf8), path: "k")
        } catch {
            #expect("\(error)".contains("yaml: document contains excessive aliasing"))
        }
    }

    /// A few aliases, as real files use them, pass.
    @Test func modestAliasesPass() throws {
        let decoded = try decode("x: &m 1Gi\nsystemReserved: {memory: *m}\nkubeReserved: {memory: *m}\n")
        #expect(decoded.settings.kubeReserved.first?.1 == "1Gi")
    }

    @Test func deepNestingIsRefusedQuickly() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let flow = Self.header + "x: " + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "\n"
        #expect(throws: KubeletInputError.self) { try KubeletSettings.decodeConfigFile(Array(flow.utf8), path: "k") }
        var block = Self.header + "x:\n"
        block += String(repeating: "- ", count: 20_000) + "a\n"
        #expect(throws: KubeletInputError.self) { try KubeletSettings.decodeConfigFile(Array(block.utf8), path: "k") }
        #expect(clock.now - start < .seconds(1))
        // The kubelet's own bound: 10,000 levels.
        do {
            _ = try KubeletSettings.decodeConfigFile(Array(block.utf8), path: "k")
        } catch {
            #expect("\(error)".contains("exceeded max depth of 10000"))
        }
        // go-yaml's exact bound: a top-level mapping and 10,000 block sequences in it pass, one more does not.
        let deepest = Self.header + "x:\n" + String(repeating: "- ", count: 10_000) + "a\n"
        #expect(try KubeletSettings.decodeConfigFile(Array(deepest.utf8), path: "k").findings.count == 1)
        let beyond = Self.header + "x:\n" + String(repeating: "- ", count: 10_001) + "a\n"
        #expect(throws: KubeletInputError("'k' is not YAML or JSON: yaml: line 4: exceeded max depth of 10000")) {
            try KubeletSettings.decodeConfigFile(Array(beyond.utf8), path: "k")
        }
        // Nesting within the bounds is read.
        let fine = Self.header + "x: " + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "\n"
        #expect(try KubeletSettings.decodeConfigFile(Array(fine.utf8), path: "k").findings.count == 1)
    }

    /// A file as large as swnuma reads, of small pairs, decodes in time linear in its size.
    @Test func aLargeFileIsLinear() throws {
        func file(_ size: Int) -> [UInt8] {
            var text = Self.header + "featureGates:\n"
            var index = 0
            while text.utf8.count < size - 64 {
                text += "  Gate\(index): true\n"
                index += 1
            }
            return Array(text.utf8)
        }
        #expect(try KubeletSettings.decodeConfigFile(file(KubeletSettings.configFileLimit), path: "k").findings.isEmpty)
        // Counted, not timed: the units of work (YAML events, nodes converted,
        // keys compared for repeats, fields and gates read) for a quarter of
        // the largest file and for all of it. Four times the bytes must cost
        // about four times the steps; a loop that went over all the keys for
        // each key would make it sixteen.
        func steps(_ size: Int) throws -> Int {
            let meter = DecodeSteps()
            try DecodeSteps.$meter.withValue(meter) { _ = try KubeletSettings.decodeConfigFile(file(size), path: "k") }
            return meter.count
        }
        let quarter = try steps(KubeletSettings.configFileLimit / 4)
        let whole = try steps(KubeletSettings.configFileLimit)
        #expect(quarter > 10_000)
        #expect(whole >= quarter * 3 && whole <= quarter * 5, "\(quarter) steps for a quarter, \(whole) for the whole")
    }
}

/// The YAML tree libyaml's events give.
@Suite struct YAMLReaderTests {
    @Test func keepsStylesTagsOrderAndLines() throws {
        let root = try #require(try YAMLReader.parse(Array("b: 'x'\na: !!str 1\nc:\n  - |\n    text\n".utf8)))
        guard case .mapping(let pairs) = root.kind else {
            Issue.record("not a mapping")
            return
        }
        #expect(pairs.count == 3)
        guard case .scalar("b", .plain, nil) = pairs[0].key.kind, case .scalar("x", .singleQuoted, nil) = pairs[0].value.kind else {
            Issue.record("first pair")
            return
        }
        guard case .scalar("1", .plain, "tag:yaml.org,2002:str") = pairs[1].value.kind else {
            Issue.record("tag")
            return
        }
        #expect(pairs[2].key.line == 3)
        guard case .sequence(let items) = pairs[2].value.kind, case .scalar("text\n", .literal, nil) = items.first?.kind else {
            Issue.record("literal")
            return
        }
    }

    @Test func aliases() throws {
        #expect(throws: YAMLError("yaml: unknown anchor 'b' referenced")) { try YAMLReader.parse(Array("a: &a 1\nb: *b\n".utf8)) }
        #expect(throws: YAMLError("yaml: anchor 'a' value contains itself")) { try YAMLReader.parse(Array("a: &a [*a]\n".utf8)) }
        let root = try #require(try YAMLReader.parse(Array("a: &a 1\nb: *a\n".utf8)))
        guard case .mapping(let pairs) = root.kind, case .alias("a", let target) = pairs[1].value.kind, case .scalar("1", _, _) = target.kind else {
            Issue.record("alias")
            return
        }
    }

    @Test func onlyTheFirstDocument() throws {
        let root = try #require(try YAMLReader.parse(Array("a: 1\n---\n: : bad\n".utf8)))
        guard case .mapping(let pairs) = root.kind else { return }
        #expect(pairs.count == 1)
        #expect(try YAMLReader.parse(Array("# nothing\n".utf8)) == nil)
    }
}
