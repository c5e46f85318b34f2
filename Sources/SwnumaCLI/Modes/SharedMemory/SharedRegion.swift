package import NUMA

/// A `--length`/`--offset` size: a number as C's strtoul with base 0 reads
/// it (`0x` hex, leading-0 octal, decimal, leading blanks and a sign), then the
/// one character after the number: `k`, `m` or `g` (either case) multiply by
/// 1024, 1024² or 1024³; anything else is ignored. Never an error: `4kb` is
/// 4096, `1.5m` is 1, `abc` is 0. Like the C code it copies, arithmetic wraps
/// at 64 bits and an overflowing number is the largest one.
package func parseSize(_ text: String) -> UInt64 {
    let bytes = Array(text.utf8)
    let number = CNumber(scanning: bytes, from: 0, isBlank: { $0 == 0x20 || (0x09...0x0D).contains($0) })
    guard number.hasDigits else { return 0 }
    let value = number.overflow ? .max : number.negative ? 0 &- number.value : number.value
    guard number.end < bytes.count else { return value }
    switch bytes[number.end] | 0x20 {
    case UInt8(ascii: "k"): return value &* 1024
    case UInt8(ascii: "m"): return value &* (1024 * 1024)
    case UInt8(ascii: "g"): return value &* (1024 * 1024 * 1024)
    default: return value
    }
}

/// A `--length`/`--offset` size as ``parseSize(_:)`` reads it, or nil when
/// it is one numactl would wrap: negative, or a number or suffix product that
/// does not fit 64 bits. The planner refuses those.
package func checkedSize(_ text: String) -> UInt64? {
    let bytes = Array(text.utf8)
    let number = CNumber(scanning: bytes, from: 0, isBlank: { $0 == 0x20 || (0x09...0x0D).contains($0) })
    guard !number.negative, !number.overflow else { return nil }
    guard number.hasDigits, number.end < bytes.count else { return parseSize(text) }
    let scale: UInt64 =
        switch bytes[number.end] | 0x20 {
        case UInt8(ascii: "k"): 1024
        case UInt8(ascii: "m"): 1024 * 1024
        case UInt8(ascii: "g"): 1024 * 1024 * 1024
        default: 1
        }
    let (value, overflow) = number.value.multipliedReportingOverflow(by: scale)
    return overflow ? nil : value
}

/// `--dump` and `--dump-nodes` output, byte for byte as numactl 2.0.19 prints it.
package enum RegionDump {
    /// One line per run of pages whose policy is not the default:
    /// `start-end: name : ` then each node followed by a space. Start and end
    /// are 16 hex digits; modes without a name print as `[number]`.
    package static func policies(_ runs: [(range: Range<UInt64>, policy: MemoryPolicy)], regionLength: UInt64) -> String {
        guard regionLength > 0 else { return "nothing to dump\n" }
        var out = ""
        for (range, policy) in runs where policy.rawMode != MemoryPolicy.Mode.default.rawValue {
            out += "\(hex(range.lowerBound))-\(hex(range.upperBound)): \(name(policy.rawMode)) : "
            out += policy.nodes.map { "\($0) " }.joined()
            out += "\n"
        }
        return out
    }

    /// One line per run of pages on the same node: `start-end: node`.
    package static func nodes(_ runs: [(range: Range<UInt64>, node: Int)], regionLength: UInt64) -> String {
        guard regionLength > 0 else { return "nothing to dump\n" }
        return runs.map { "\(hex($0.range.lowerBound))-\(hex($0.range.upperBound)): \($0.node)\n" }.joined()
    }

    /// The policy names numactl knows; weighted interleave is not among them.
    static func name(_ rawMode: Int32) -> String {
        let names = ["default", "preferred", "bind", "interleave", "local", "preferred-many"]
        return names.indices.contains(Int(rawMode)) ? names[Int(rawMode)] : "[\(rawMode)]"
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}

extension Context {
    /// Shared-memory mode: walks the shared-memory options in command-line
    /// order, attaching a region at `--shm`/`--file` and acting on it at each
    /// policy, `--touch`, `--dump`, `--dump-nodes` and `--verify`.
    ///
    /// On a refusal, stdout is dropped and stderr gets the notices so far and
    /// one line saying why.
    mutating func performSharedMemory(_ invocation: NumactlPlan, outcome start: Outcome) -> Outcome {
        var outcome = start
        var length: UInt64 = 0
        var offset: UInt64 = 0
        var mode: UInt32 = 0o600
        var projectID: UInt64 = 0
        var huge = false
        var strict = false
        var region: SharedRegion?
        var lengthGiven: UInt64 = 0
        var verified: VerifyPolicy?

        func refuse(_ text: String) -> Outcome {
            var failed = outcome
            failed.stdout = ""
            failed.status = 1
            failed.complain(text)
            return failed
        }

        for option in invocation.sharedMemoryOptions {
            let name = OptionTable.spec(option.id).displayName
            let value = option.value ?? ""
            switch option.id {
            case .length:
                length = parseSize(value)
            case .offset:
                offset = parseSize(value)
            case .shmmode:
                mode = UInt32(value, radix: 8) ?? 0o600
            case .shmid:
                projectID = parseUnsigned(value) ?? 0
            case .huge:
                huge = true
            case .strict:
                strict = true
            case .file:
                region = nil
                do {
                    region = try SharedRegion.attachFile(value, length: length, offset: offset, mode: mode)
                } catch {
                    if length == 0 && error.code == .invalidArgument {
                        if let errno = error.errno {
                            return refuse("need --length/-L before --file to create \(value): \(errno)")
                        }
                        return refuse("policy region length not specified before --file \(value): --length/-L is required, the file's size is not used")
                    }
                    return refuse("\(name): \(error)")
                }
                lengthGiven = length
            case .shm:
                region = nil
                let id = Int32(truncatingIfNeeded: projectID)
                var notices: [String] = []
                do {
                    region = try SharedRegion.attachSystemV(
                        keyFile: value, id: id, length: length, offset: offset, mode: mode, hugePages: huge,
                        created: { creation in
                            switch creation {
                            case .keyFile(let path, let mode):
                                notices.append("creating shm key file \(path) mode \(octal(mode))")
                            case .segment(let path, _, let mode, let size):
                                notices.append("creating shared memory segment \(path) id \(projectID) mode \(octal(mode)) length \(megabytes(size))MB")
                            }
                        })
                } catch {
                    for notice in notices { outcome.complain(notice) }
                    if length == 0 && error.code == .invalidArgument && error.errno == nil {
                        return refuse("need --length/-L before --shm to create a System V shared memory segment: none has the key of \(value) (id \(projectID))")
                    }
                    return refuse("\(name): \(error)")
                }
                for notice in notices { outcome.complain(notice) }
                lengthGiven = length
            case .interleave, .weightedInterleave, .preferred, .preferredMany, .membind, .localalloc:
                guard let region, let step = invocation.sharedMemoryPolicy else { continue }
                switch applyPolicy(step, to: region, strict: strict) {
                case .success(let policy): verified = policy
                case .failure(let refusal): return refuse(refusal.message)
                }
            case .touch:
                guard let region else { continue }
                let compared = lengthGiven == 0 ? region.length + offset : region.length
                if offset >= compared {
                    return refuse("\(name): the region offset \(hexNumber(offset)) is not below its length \(hexNumber(compared))")
                }
                region.touch()
            case .dump:
                guard let region else { continue }
                do {
                    let runs = try region.policyRuns(maskBits: limits.nodeMaskBits)
                    outcome.stdout += RegionDump.policies(runs, regionLength: region.length)
                } catch {
                    return refuse("\(name): \(error)")
                }
            case .dumpNodes:
                guard let region else { continue }
                do {
                    outcome.stdout += RegionDump.nodes(try region.nodeRuns(), regionLength: region.length)
                } catch {
                    return refuse("\(name): \(error)")
                }
            case .verify:
                guard let region else { continue }
                guard let expected = verified else {
                    return refuse("\(name) needs a memory policy option before it to check against")
                }
                let compared = lengthGiven == 0 ? region.length + offset : region.length
                if offset >= compared {
                    return refuse("\(name): the region offset \(hexNumber(offset)) is not below its length \(hexNumber(compared))")
                }
                region.touch()
                do {
                    let report = try verify(region, against: expected)
                    outcome.stdout += report
                    if !report.isEmpty { outcome.status = 1 }
                } catch {
                    return refuse("\(name): \(error)")
                }
            default:
                continue
            }
        }
        return outcome
    }

    /// The policy set on a region, for `--verify`.
    struct VerifyPolicy {
        var policy: MemoryPolicy
    }

    /// Resolves the policy step as for a process, then sets it on the region:
    /// weighted interleave becomes interleave, preferred and preferred-many use
    /// their first node (preferred-many where the kernel has it), and
    /// `--balancing` is ignored.
    private mutating func applyPolicy(_ step: Step, to region: SharedRegion, strict: Bool) -> Result<VerifyPolicy, PolicyRefusal> {
        var step = step
        if case .policy(let kind, let nodes, let all, _, let spelling) = step {
            step = .policy(kind == .weightedInterleave ? .interleave : kind, nodes: nodes, all: all, balancing: false, option: spelling)
        }
        let resolved: ResolvedStep
        do {
            resolved = try resolve(step)
        } catch {
            return .failure(PolicyRefusal(error.description))
        }
        guard case .policy(var policy, let kind, let spelling, let requested) = resolved else {
            return .failure(PolicyRefusal("\(step) is not a memory policy"))
        }
        // For a process an empty interleave set means the default policy; a
        // region has no such reading, and the kernel refuses an empty set.
        if kind == .interleave && requested.isEmpty {
            return .failure(PolicyRefusal("\(spelling): the node set is empty"))
        }
        policy.flags = []
        let maskBits = limits.nodeMaskBits
        do {
            if kind == .preferred || kind == .preferredMany {
                let first = NodeSet(policy.nodes.first.map { [$0] } ?? [])
                do {
                    policy = MemoryPolicy(.preferredMany, nodes: first)
                    try region.apply(policy, strict: strict, maskBits: maskBits)
                } catch where error.errno == .invalidArgument {
                    policy = MemoryPolicy(.preferred, nodes: first)
                    try region.apply(policy, strict: strict, maskBits: maskBits)
                }
            } else {
                try region.apply(policy, strict: strict, maskBits: maskBits)
            }
        } catch {
            return .failure(PolicyRefusal(explainPolicyFailure(error, kind: kind, option: spelling, requested: requested)))
        }
        return .success(VerifyPolicy(policy: policy))
    }

    /// `--verify`: after the region was touched, checks each page's policy
    /// against the one set, and its node against the policy's nodes. Returns
    /// one line per problem found (empty when all is well).
    private mutating func verify(_ region: SharedRegion, against expected: VerifyPolicy) throws(NUMAError) -> String {
        let want = expected.policy
        let runs = try region.policyRuns(maskBits: limits.nodeMaskBits)
        let nodes = try region.nodeRuns()
        var report = ""
        func line(_ at: UInt64, _ text: String) {
            report += "\(Program.swnumaName) verify \(RegionDump.hex(at)): \(text)\n"
        }
        for (range, policy) in runs {
            if policy.mode != want.mode {
                line(range.lowerBound, "wrong policy \(RegionDump.name(policy.rawMode)), expected \(RegionDump.name(want.rawMode))")
            } else if policy.nodes != want.nodes {
                line(range.lowerBound, "mismatched node mask: expected \(want.nodes), real \(policy.nodes)")
            }
        }
        guard report.isEmpty else { return report }
        // Interleaved pages go round the nodes in order, one page each; the
        // kernel starts a shared object's round at a node of its choosing
        // (it biases by the inode number), so the first page sets the start.
        let members = Array(want.nodes)
        var nextIndex: Int?
        for (range, node) in nodes {
            var at = range.lowerBound
            while at < range.upperBound {
                switch want.mode {
                case .interleave where !members.isEmpty:
                    if let index = members.firstIndex(of: node) {
                        if let expected = nextIndex, members[expected] != node {
                            line(at, "expected interleave node \(members[expected]), got \(node)")
                        }
                        nextIndex = (index + 1) % members.count
                    } else {
                        line(at, "interleave node out of range \(node): expected one of \(want.nodes)")
                        nextIndex = nil
                    }
                case .bind, .preferred:
                    if !want.nodes.contains(node) { line(at, "unexpected node \(node): expected one of \(want.nodes)") }
                default:
                    break
                }
                at += region.pageSize
            }
        }
        return report
    }
}

/// Why a policy was refused for a region; the text is the message.
struct PolicyRefusal: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

private func octal(_ mode: UInt32) -> String {
    let digits = String(mode, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// Bytes in MiB, rounded to the nearest whole number (ties to even).
private func megabytes(_ bytes: UInt64) -> String {
    String(Int((Double(bytes) / 1_048_576).rounded(.toNearestOrEven)))
}

private func hexNumber(_ value: UInt64) -> String {
    value == 0 ? "0" : "0x" + String(value, radix: 16)
}
