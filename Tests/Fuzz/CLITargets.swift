// The fuzzer's entry point and the command-line targets. Compiled into the
// SwnumaCLI module by Tests/Fuzz/build.sh (never by the package build). The
// target is named by SWNUMA_FUZZ_TARGET; Tests/Fuzz/run.sh sets it.
internal import Glibc
internal import KubeletMemory
internal import NUMA

enum CLIFuzzTargets {
    static let names = ["scanner"]

    /// argv: the input's NUL-separated words (at most 64). The first byte
    /// picks the mode: swnuma's scanner and plan, numastat's parser, or
    /// migratepages' PID reader; the rest are the words.
    static func scanner(_ data: [UInt8]) {
        guard let mode = data.first else { return }
        let words = data.dropFirst().split(separator: 0, maxSplits: 64, omittingEmptySubsequences: false)
            .prefix(64).map { String(decoding: $0, as: UTF8.self) }
        switch mode % 3 {
        case 0:
            do {
                let line = try Scanner.scan(words)
                let plan = try Invocation.plan(line)
                if let command = (plan.mode as? LaunchMode)?.command {
                    FuzzTargets.check(!command.isEmpty, "a launch without a command")
                }
            } catch let error as ScanError {
                FuzzTargets.check(!error.description.isEmpty, "an empty scan message")
            } catch {
                FuzzTargets.check(!"\(error)".isEmpty, "an empty usage message")
            }
        case 1:
            if case .usage(let message) = NumastatCommand.parse(words) {
                FuzzTargets.check(!message.isEmpty, "an empty numastat message")
            }
        default:
            for word in words {
                if let pid = MigratepagesCommand.processID(word) { FuzzTargets.check(pid >= 0, "a negative PID") }
            }
        }
    }
}

nonisolated(unsafe) var fuzzTarget = ""

@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    fuzzTarget = getenv("SWNUMA_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    let all = FuzzTargets.names + CLIFuzzTargets.names + KubeletFuzzTargets.names
    guard all.contains(fuzzTarget) else {
        let message = "set SWNUMA_FUZZ_TARGET to one of: \(all.joined(separator: " "))\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    switch fuzzTarget {
    case "scanner": CLIFuzzTargets.scanner(data)
    default: if !KubeletFuzzTargets.run(fuzzTarget, data) { _ = FuzzTargets.run(fuzzTarget, data) }
    }
    return 0
}
