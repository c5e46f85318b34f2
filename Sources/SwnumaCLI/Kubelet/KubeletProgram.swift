internal import KubeletMemory
internal import NUMA
internal import SwnumaCLI

/// `swnuma-kubelet`: what swnuma executes for `--kubelet-check`,
/// `--kubelet-suggest` and `--kubelet-state`, with swnuma's own arguments.
public enum KubeletProgram {
    /// Runs with `arguments` (without the program name) and never returns.
    public static func main(_ arguments: [String]) -> Never {
        SwnumaCommand.finish(run(arguments, environmentRoot: SystemRoot.environmentValue))
    }

    /// Scans and plans the arguments as swnuma does, then acts on the kubelet request.
    static func run(_ arguments: [String], environmentRoot: String?) -> Outcome {
        let invocation: Invocation
        do {
            invocation = try Invocation.plan(try Scanner.scan(arguments))
        } catch let error as ScanError {
            return .usage(error.description)
        } catch let error as UsageError {
            return .usage(error.message)
        } catch {
            return .usage("\(error)")
        }
        guard case .kubelet(let request) = invocation.action else {
            return .usage("swnuma-kubelet carries out --kubelet-check, --kubelet-suggest and --kubelet-state; run swnuma for the rest")
        }
        let root: SystemRoot
        do {
            if let path = invocation.root ?? environmentRoot.flatMap({ $0.isEmpty ? nil : $0 }) {
                root = try SystemRoot(path: path)
            } else {
                root = .live
            }
        } catch {
            return .failure(error.description)
        }
        return KubeletCommand.perform(request, root: root, json: invocation.json)
    }
}
