public import NUMA

/// A kubelet process found under a root's `proc/`.
public struct RunningKubelet: Hashable, Sendable {
    public var pid: Int
    /// Its arguments, without the program name.
    public var arguments: [String]

    public init(pid: Int, arguments: [String]) {
        self.pid = pid
        self.arguments = arguments
    }

    /// The kubelet processes under `root`: those whose `comm` is `kubelet`
    /// or whose program name ends in `/kubelet`, by pid. For a script named
    /// kubelet, the interpreter and the script's path are not arguments.
    public static func find(in root: SystemRoot) -> [RunningKubelet] {
        guard let names = root.list("proc") else { return [] }
        var found: [RunningKubelet] = []
        for name in names {
            guard let pid = Int(name), pid > 0, name.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { continue }
            guard let bytes = root.readBytes("proc/\(name)/cmdline", limit: 1 << 20), !bytes.isEmpty else { continue }
            var words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if words.last == "" { words.removeLast() }
            guard let program = words.first else { continue }
            let comm = root.readText("proc/\(name)/comm").map { $0.split(separator: "\n").first.map(String.init) ?? "" }
            let base = program.split(separator: "/").last.map(String.init) ?? program
            guard comm == "kubelet" || base == "kubelet" else { continue }
            var arguments = Array(words.dropFirst())
            // A script named kubelet runs as `INTERPRETER .../kubelet ARGS`.
            if base != "kubelet", let script = arguments.first, script.split(separator: "/").last == "kubelet" {
                arguments.removeFirst()
            }
            found.append(RunningKubelet(pid: pid, arguments: arguments))
        }
        return found.sorted { $0.pid < $1.pid }
    }
}
