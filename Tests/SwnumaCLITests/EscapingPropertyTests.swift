import Foundation
import NUMA
import Testing

@testable import SwnumaCLI

/// Every text renderer, fed strings with control bytes from every source it
/// reads (process names and command lines, numa_maps policies, device folder
/// names and `pci.ids` names, the kubelet's command line, configuration file
/// and checkpoint), prints none of them raw: no C0 control but newline and
/// tab, no DEL, no C1 control, on stdout or stderr. The JSON and SVG outputs
/// (read on terminals too) are held to the same rule.
@Suite struct EscapingPropertyTests {
    /// Pieces an attacker plants: terminal escape sequences (CSI, OSC,
    /// the one-character C1 CSI), bare controls, and plain text.
    static let hostile = [
        "\u{1B}[2J", "\u{1B}]0;owned\u{07}", "\u{9B}31m", "\u{85}", "\u{7F}", "\r", "\u{08}", "\u{1B}", "\u{07}", "\u{0B}", "\u{0C}",
        "\u{1B}[1;31m", "\u{90}", "\u{9F}", "\u{01}",
    ]
    static let plain = ["db", "x", "server", "-", "é", "日本", " ", "a.b", "\\"]

    /// A string of 1 to 6 pieces, at least one of them hostile.
    static func word(_ random: inout SeededGenerator, newline: Bool = false) -> String {
        var pieces = [hostile.randomElement(using: &random)!]
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            pieces.append(Bool.random(using: &random) ? hostile.randomElement(using: &random)! : plain.randomElement(using: &random)!)
        }
        if newline { pieces.append("\n") }
        return pieces.shuffled(using: &random).joined()
    }

    /// A name usable as a folder name and a `status` field: no slash, no newline, no NUL.
    static func name(_ random: inout SeededGenerator) -> String {
        "n" + word(&random)
    }

    /// The first raw control character in `text` (newline and tab allowed), if any.
    static func rawControl(_ text: String) -> UInt32? {
        text.unicodeScalars.first { scalar in
            let value = scalar.value
            return (value < 0x20 && value != 0x0A && value != 0x09) || (0x7F...0x9F).contains(value)
        }?.value
    }

    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// YAML's double-quoted form, controls as `\uXXXX`.
    static func yaml(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    struct Case {
        var fake: FakeRoot
        var processName: String
        var runs: [(String, () -> Outcome)]
    }

    /// A two-node snapshot whose every string-bearing file holds hostile text.
    static func hostileCase(seed: UInt64) throws -> Case {
        var random = SeededGenerator(seed: seed)
        let processName = name(&random)
        let arguments = (0..<3).map { _ in word(&random, newline: Bool.random(using: &random)) }
        let device = name(&random)
        let vendor = word(&random), model = word(&random), className = word(&random), subclass = word(&random)
        let policy = word(&random), resource = name(&random), pod = word(&random), container = word(&random)
        let flagPolicy = word(&random)
        let configName = "etc/k\(name(&random)).yaml"
        let missing = word(&random), stray = word(&random), strayFlag = word(&random)
        var files: [String: String] = [
            "\(node)/node0/cpulist": "0-1\n", "\(node)/node1/cpulist": "2-3\n",
            "\(node)/node0/meminfo": meminfo(0, total: 4_194_304, free: 2_097_152),
            "\(node)/node1/meminfo": meminfo(1, total: 4_194_304, free: 1_048_576),
            "\(node)/node0/distance": "10 20\n", "\(node)/node1/distance": "20 10\n",
            "\(node)/online": "0-1\n",
            "proc/meminfo": "MemTotal: 8388608 kB\nHugepagesize: 2048 kB\n",
            "proc/100/status": "Name:\t\(processName)\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0-1\n",
            "proc/100/comm": processName + "\n",
            "proc/100/cmdline": ([processName] + arguments).joined(separator: "\u{0}") + "\u{0}",
            "proc/100/task/100/stat": stat(100, comm: processName, processor: 2),
            "proc/100/numa_maps": """
                00400000 default file=/usr/bin/db mapped=10 N0=10 kernelpagesize_kB=4
                7f0000000000 bind:1 anon=100 dirty=100 N1=60 N0=40 kernelpagesize_kB=4
                7f1000000000 \(name(&random)):0 anon=8 N0=4 N1=4 kernelpagesize_kB=4

                """,
            "proc/101/status": "Name:\t\(processName)2\nUid:\t0\t0\t0\t0\n",
            "proc/101/cmdline": processName + "2\u{0}",
            "proc/101/numa_maps": "7f0000000000 default anon=1 N0=1 kernelpagesize_kB=4\n",
            // A device on node 1 whose folder name, vendor, model and class names are hostile.
            "sys/devices/pci0000:00/0000:00:03.0/numa_node": "1\n",
            "sys/devices/pci0000:00/0000:00:03.0/class": "0x020000\n",
            "sys/devices/pci0000:00/0000:00:03.0/vendor": "0x1af4\n",
            "sys/devices/pci0000:00/0000:00:03.0/device": "0x1000\n",
            "sys/devices/pci0000:00/0000:00:03.0/net/\(device)/ifindex": "2\n",
            "usr/share/hwdata/pci.ids": "1af4  \(vendor)\n\t1000  \(model)\nC 02  \(className)\n\t00  \(subclass)\n",
            // The kubelet of the snapshot: its flags, configuration and checkpoint.
            "proc/77/comm": "kubelet\n",
            "proc/77/status": "Name:\tkubelet\nUid:\t0\t0\t0\t0\n",
            "proc/77/cmdline": "/usr/bin/kubelet\u{0}--config=/\(configName)\u{0}--memory-manager-policy=\(flagPolicy)\u{0}",
        ]
        files[configName] = """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            memoryManagerPolicy: \(yaml(policy))
            systemReserved: {memory: 1Gi, \(yaml(resource)): 1}
            reservedMemory:
            - numaNode: 0
              limits: {memory: 1Gi, \(yaml(resource)): 5Mi}

            """
        let block = "{\"numaAffinity\":[0],\"type\":\(json(resource)),\"size\":1048576}"
        files["var/lib/kubelet/memory_manager_state"] = """
            {"policyName":\(json(policy)),"machineState":{"0":{"numberOfAssignments":1,"memoryMap":{\(json(resource)):{"total":1,"systemReserved":0,"allocatable":1,"reserved":0,"free":1}},"cells":[0]}},"entries":{\(json(pod)):{\(json(container)):[\(block)]}},"checksum":0}
            """
        // A configuration file whose lines hold raw controls: the YAML error quotes one.
        files["etc/raw.yaml"] = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmemoryManagerPolicy: \(word(&random))\n"
        let fake = try FakeRoot(files)
        try fake.link("sys/class/net/\(device)", to: "../../devices/pci0000:00/0000:00:03.0/net/\(device)")
        try fake.link("sys/bus/pci/devices/0000:00:03.0", to: "../../../devices/pci0000:00/0000:00:03.0")
        let root = fake.url.path
        func swnuma(_ arguments: String...) -> () -> Outcome {
            { SwnumaCommand.run(["--root", root] + arguments, environmentRoot: nil) }
        }
        let search = String(processName.dropFirst().prefix(2))
        let runs: [(String, () -> Outcome)] = [
            ("--process 100", swnuma("--process", "100")),
            ("--process NAME", swnuma("--process", processName)),
            ("--process PART", swnuma("--process", search)),
            ("--devices", swnuma("--devices")),
            ("--draw", swnuma("--draw")),
            ("--draw -", swnuma("--draw", "-")),
            ("--process 100 --json", swnuma("--process", "100", "--json")),
            ("-H --devices --json", swnuma("-H", "--devices", "--json")),
            ("--kubelet-check --json", swnuma("--kubelet-check", "--json")),
            ("--kubelet-state --json", swnuma("--kubelet-state", "--json")),
            ("numastat -p 100", { numastat(fake, ["-p", "100"]) }),
            ("numastat -p PART", { numastat(fake, ["-p", search]) }),
            ("numastat -p 100 101", { numastat(fake, ["-p", "100", "-p", "101"]) }),
            ("numastat -p missing", { numastat(fake, ["-p", missing]) }),
            ("--kubelet-check (the snapshot's kubelet)", swnuma("--kubelet-check")),
            ("--kubelet-suggest (the snapshot's kubelet)", swnuma("--kubelet-suggest")),
            ("--kubelet-state (the snapshot's)", swnuma("--kubelet-state")),
            ("--kubelet-state FILE", swnuma("--kubelet-state", fake.url.appendingPathComponent("var/lib/kubelet/memory_manager_state").path)),
            (
                "--kubelet-check FLAGS",
                swnuma("--kubelet-check", "--memory-manager-policy=\(flagPolicy)", "--reserved-memory", "0:\(resource)=1Gi,memory=1Gi",
                    "--system-reserved=\(resource)=1,memory=1Gi", "--config", fake.url.appendingPathComponent(configName).path)
            ),
            ("--kubelet-suggest FLAGS", swnuma("--kubelet-suggest", "--system-reserved=memory=1Gi", "--memory-manager-policy=\(flagPolicy)")),
            ("--kubelet-check raw YAML", swnuma("--kubelet-check", "--config", fake.url.appendingPathComponent("etc/raw.yaml").path)),
            ("--kubelet-check stray", swnuma("--kubelet-check", stray, "--\(strayFlag)=1")),
        ]
        return Case(fake: fake, processName: processName, runs: runs)
    }

    @Test(arguments: 0..<24)
    func noRendererPrintsARawControl(seed: UInt64) throws {
        let test = try Self.hostileCase(seed: seed)
        defer { test.fake.remove() }
        for (label, run) in test.runs {
            let outcome = run()
            if let value = Self.rawControl(outcome.stdout) {
                Issue.record("seed \(seed), \(label): stdout holds U+\(String(value, radix: 16)): \(outcome.stdout.debugDescription)")
            }
            if let value = Self.rawControl(outcome.stderr) {
                Issue.record("seed \(seed), \(label): stderr holds U+\(String(value, radix: 16)): \(outcome.stderr.debugDescription)")
            }
        }
    }

    /// The test sees what it must: the hostile strings do reach the outputs,
    /// escaped (a renderer that dropped them would pass vacuously).
    @Test func hostileStringsReachTheOutputsEscaped() throws {
        let test = try Self.hostileCase(seed: 7)
        defer { test.fake.remove() }
        let shown = escapedForDisplay(test.processName)
        let process = SwnumaCommand.run(["--root", test.fake.url.path, "--process", "100"], environmentRoot: nil)
        #expect(process.stdout.contains("(\(shown))"))
        let table = numastat(test.fake, ["-p", "100"])
        #expect(table.stdout.contains("for PID 100 (\(shown))"))
        let devices = SwnumaCommand.run(["--root", test.fake.url.path, "--devices"], environmentRoot: nil)
        #expect(devices.stdout.contains("\\x1b") || devices.stdout.contains("\\xc2"))
        let state = SwnumaCommand.run(["--root", test.fake.url.path, "--kubelet-state"], environmentRoot: nil)
        #expect(state.stdout.contains("policy: ") && state.stdout.contains("\\x"))
    }

    /// A kubelet refusal quotes its input escaped once: the path of a
    /// configuration file that cannot be read shows `\x1b` both where swnuma
    /// names it and where NUMA's refusal does, never `\\x1b` (escaped twice).
    @Test func kubeletRefusalsEscapeOnce() throws {
        let fake = try FakeRoot(["sys/devices/system/node/online": "0\n"])
        defer { fake.remove() }
        let path = fake.url.path + "/no\u{1B}[31mne.yaml"
        for mode in ["--kubelet-check", "--kubelet-suggest", "--kubelet-state"] {
            let outcome = SwnumaCommand.run(["--root", fake.url.path, mode, "--config=\(path)"], environmentRoot: nil)
            #expect(outcome.status == 1, "\(mode)")
            #expect(outcome.stdout.isEmpty, "\(mode)")
            #expect(Self.rawControl(outcome.stderr) == nil, "\(mode): \(outcome.stderr.debugDescription)")
            let shown = escapedForDisplay(path)
            // Named twice: by swnuma (the file it could not read) and by NUMA's error.
            #expect(outcome.stderr.components(separatedBy: shown).count == 3, "\(mode): \(outcome.stderr.debugDescription)")
            #expect(!outcome.stderr.contains("\\\\x1b"), "\(mode): \(outcome.stderr.debugDescription)")
        }
    }

    /// The one escaping function: what it does to each kind of byte.
    @Test func escapedForDisplayEscapesEveryControl() {
        for value in UInt32(0)...0x10FF where !(0xD800...0xDFFF).contains(value) {
            let text = "a" + String(Unicode.Scalar(value)!) + "b"
            #expect(Self.rawControl(escapedForDisplay(text)) == nil, "U+\(String(value, radix: 16))")
        }
        // Ordinary names pass unchanged, so numastat's tables stay numastat's.
        for name in ["bash", "postgres: writer", "kworker/0:1H", "java", "日本語", "café"] {
            #expect(escapedForDisplay(name) == name)
        }
        #expect(escapedForDisplay("\u{9B}2J") == "\\xc2\\x9b2J")
        #expect(escapedForDisplay(bytes: [0x1B, 0x5B, 0x41, 0x9B]) == "\\x1b[A\\x9b")
    }
}
