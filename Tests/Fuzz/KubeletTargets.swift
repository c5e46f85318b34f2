// Fuzz targets for the kubelet inputs' parsers: configuration files (YAML
// and JSON), memory manager checkpoints, quantities and kubelet command
// lines. Compiled into the KubeletMemory module by Tests/Fuzz/build.sh (never
// by the package build), so that the internal parsers are reachable; the
// entry point (CLITargets.swift) dispatches to them.

package enum KubeletFuzzTargets {
    package static let names = ["yaml", "checkpoint", "quantity", "kubelet_flags"]

    /// A two-node machine, 4 GiB each, with 2 MiB huge pages on node 0.
    static let machine = MachineMemory(
        nodes: [
            MachineMemory.Node(id: 0, memory: 4 << 30, hugePages: [MachineMemory.HugePagePool(pageSize: 2 << 20, pages: 16)]),
            MachineMemory.Node(id: 1, memory: 4 << 30),
        ],
        capacity: 8 << 30)

    package static func run(_ name: String, _ data: [UInt8]) -> Bool {
        switch name {
        case "yaml": yaml(data)
        case "checkpoint": checkpoint(data)
        case "quantity": quantity(data)
        case "kubelet_flags": kubeletFlags(data)
        default: return false
        }
        return true
    }

    static func check(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { fatalError("invariant broken: \(what())") }
    }

    /// A configuration file, decoded as the kubelet decodes it, then checked
    /// against the machine as `--kubelet-check` does.
    static func yaml(_ data: [UInt8]) {
        do {
            let decoded = try KubeletSettings.decodeConfigFile(data, path: "/etc/k.yaml")
            let report = MemoryManagerRules.check(decoded.settings, machine: machine)
            // Every finding says what and how to fix it.
            for finding in decoded.findings + report.findings {
                check(!finding.message.isEmpty && !finding.advice.isEmpty, "a finding without a message or advice")
            }
        } catch {
            check(!error.description.isEmpty, "an empty configuration refusal")
            // The refusal names the file.
            check(error.description.contains("/etc/k.yaml") || error.description.contains("k.yaml"), "a refusal that does not name the file")
        }
    }

    /// A checkpoint: parsed, and when it parses, its state replayed as `--kubelet-state` does.
    static func checkpoint(_ data: [UInt8]) {
        do {
            let checkpoint = try Checkpoint.parse(data)
            // The same bytes give the same checkpoint.
            let again = try Checkpoint.parse(data)
            check(again.computedChecksum == checkpoint.computedChecksum, "two parses with different checksums")
            check(again.entries.count == checkpoint.entries.count, "two parses with different entries")
            let initial = MachineState.initial(machine: machine, reserved: [:])
            if let replayed = try? initial.replaying(checkpoint.entries) {
                _ = replayed.differences(from: checkpoint.machineState)
            }
        } catch {
            check(!error.description.isEmpty, "an empty checkpoint refusal")
        }
    }

    /// A quantity: parsed; one that parses prints a form that parses back to
    /// the same value, and after one round prints the same again. (The
    /// format may change on the first round, as the kubelet's does.)
    static func quantity(_ data: [UInt8]) {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        guard let value = try? Quantity.parse(text) else { return }
        let printed = value.description
        guard let back = try? Quantity.parse(printed) else {
            check(false, "'\(printed)' (from '\(text)') does not parse back")
            return
        }
        check(back.nanos == value.nanos, "'\(printed)' parses back to another value than '\(text)'")
        // The kubelet's printing is not a fixed point on the first round
        // either: 62.5Ki prints as 64000 (binary, not a whole number of Ki),
        // which parses as a decimal quantity and prints as 64k. From then on
        // it must be stable.
        guard let again = try? Quantity.parse(back.description) else {
            check(false, "'\(back.description)' (from '\(text)') does not parse back")
            return
        }
        check(again.description == back.description, "'\(back.description)' prints as '\(again.description)'")
    }

    /// A kubelet command line (NUL-separated words, at most 256), read as
    /// the kubelet reads its flags, then checked against the machine.
    static func kubeletFlags(_ data: [UInt8]) {
        let words = data.split(separator: 0, maxSplits: 256, omittingEmptySubsequences: false)
            .prefix(256).map { String(decoding: $0, as: UTF8.self) }
        // No --config: the fuzzed words must not name files to read.
        let (flags, _, _) = KubeletSettings.scanFlags(words)
        var settings = KubeletSettings()
        settings.applyFlags(flags.filter { $0.name != "config" })
        let report = MemoryManagerRules.check(settings, machine: machine)
        for finding in settings.refusals + report.findings {
            check(!finding.message.isEmpty, "a finding without a message")
        }
        var findings: [Finding] = []
        _ = NodeAllocatableMemory.compute(settings, capacity: machine.capacity, findings: &findings)
    }
}
