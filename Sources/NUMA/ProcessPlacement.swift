/// Where a running process's memory is, against where it runs and what its
/// policies allow: the model behind `swnuma --process`.
///
/// Read from `proc/PID/` under a ``SystemRoot``: `status` (name, allowed
/// CPUs and nodes), `cmdline`, `cgroup` (its cpuset), `task/*/stat` (the
/// CPU each thread last ran on) and `numa_maps` (pages per node, per mapping).
/// Counts saturate instead of wrapping or trapping on absurd numbers.
public struct ProcessPlacement: Hashable, Sendable {
    /// The process id.
    public var pid: Int
    /// `Name:` of `status`.
    public var name: String
    /// The command line, NUL-separated words; empty for kernel threads.
    public var commandLine: [String]
    /// `Cpus_allowed_list` of `status`; nil when missing.
    public var cpusAllowed: CPUSet?
    /// `Mems_allowed_list` of `status`; nil when missing.
    public var memsAllowed: NodeSet?
    /// The process's cpuset cgroup, when one can be found.
    public var cpuset: Cpuset?
    /// The CPU each thread last ran on, by thread id, ascending.
    public var threads: [Thread]
    /// The nodes of the CPUs its threads last ran on.
    public var runningNodes: NodeSet
    /// Memory per node and per policy; nil when `numa_maps` cannot be read.
    public var memory: Memory?
    /// Why ``memory`` is nil, or other things that could not be read: one sentence each.
    public var notes: [String]

    /// A thread and the CPU it last ran on (field 39 of its `stat`).
    public struct Thread: Hashable, Sendable {
        /// The thread's id (its folder under `task/`).
        public var tid: Int
        /// The CPU it last ran on.
        public var cpu: Int
        /// The node of ``cpu``, nil when no node lists it.
        public var node: Int?
    }

    /// The bytes of one node, split by what backs them.
    public struct NodeBytes: Hashable, Sendable {
        /// The node id.
        public var node: Int
        /// Bytes of private anonymous mappings.
        public var anonymous: UInt64 = 0
        /// Bytes of shared memory: shared anonymous mappings, System V
        /// segments, memfds, files of `/dev/shm`.
        public var shared: UInt64 = 0
        /// Bytes of file mappings (page cache).
        public var file: UInt64 = 0
        /// Bytes of huge page mappings.
        public var huge: UInt64 = 0
        /// All four, saturating.
        public var total: UInt64 { anonymous.saturatingAdding(shared).saturatingAdding(file).saturatingAdding(huge) }

        mutating func add(_ bytes: UInt64, _ backing: NumaMaps.Backing) {
            switch backing {
            case .anonymous: anonymous = anonymous.saturatingAdding(bytes)
            case .shared: shared = shared.saturatingAdding(bytes)
            case .file: file = file.saturatingAdding(bytes)
            case .huge: huge = huge.saturatingAdding(bytes)
            }
        }
    }

    /// Adds `bytes` of `node` to a list of bytes per node: a search of the
    /// few nodes a list usually has, and a lookup in `index` (by `key` plus
    /// the node id, below 1024) once it has more than eight.
    static func add(
        _ bytes: UInt64, node: Int, backing: NumaMaps.Backing, to list: inout [NodeBytes], index: inout [Int: Int], key: Int
    ) {
        if list.count <= 8 {
            for position in list.indices where list[position].node == node {
                list[position].add(bytes, backing)
                return
            }
        } else if let position = index[key + node] {
            list[position].add(bytes, backing)
            return
        }
        var entry = NodeBytes(node: node)
        entry.add(bytes, backing)
        list.append(entry)
        if list.count == 9 {
            for (position, known) in list.enumerated() { index[key + known.node] = position }
        } else if list.count > 9 {
            index[key + node] = list.count - 1
        }
    }

    /// The mappings that share one policy (the same text in `numa_maps`).
    public struct PolicyBytes: Hashable, Sendable {
        /// The policy text as `numa_maps` shows it.
        public var text: String
        /// The policy, parsed.
        public var policy: NumaMaps.MappingPolicy
        /// How many mappings have it.
        public var mappings: Int
        /// Bytes per node, ascending node ids, nodes with pages only.
        public var nodes: [NodeBytes]
        /// Anonymous, shared and huge page bytes on nodes outside
        /// ``NumaMaps/MappingPolicy/confinedTo`` or `Mems_allowed`.
        public var outside: UInt64
    }

    /// A process's memory.
    public struct Memory: Hashable, Sendable {
        /// Bytes per node, ascending node ids, nodes with pages only.
        public var nodes: [NodeBytes]
        /// The same split by policy, in the order first seen.
        public var policies: [PolicyBytes]
        /// All bytes.
        public var total: UInt64
        /// Bytes on nodes none of its threads last ran on.
        public var remote: UInt64
        /// Anonymous, shared and huge page bytes outside what their mapping's
        /// policy allows (bind and interleave nodes), or outside `Mems_allowed`.
        public var outsidePolicy: UInt64
        /// Anonymous, shared and huge page bytes on nodes outside `Mems_allowed`.
        public var outsideMemsAllowed: UInt64
        /// Shared memory bytes among ``outsidePolicy``: the pages of a
        /// database's shared buffers that are not where its policy put them.
        public var outsidePolicyShared: UInt64 = 0
        /// File bytes that would count as outside: page cache, which whoever
        /// first read the file placed, under that reader's policy. Counted
        /// apart, since the process's policy never placed them.
        public var outsidePolicyFile: UInt64
    }

    /// What reading a process gave.
    public enum Reading: Hashable, Sendable {
        /// The process was read.
        case read(ProcessPlacement)
        /// The process does not exist (any more).
        case vanished(pid: Int)
        /// Its `status` cannot be read: the sentence says why.
        case unreadable(pid: Int, reason: String)
    }

    /// Reads process `pid` under `root`; `topology` maps CPUs to nodes.
    public static func read(pid: Int, root: SystemRoot, topology: Topology) -> Reading {
        // Numbers written by hand, not by interpolation: the standard library's
        // integer printing is code no other part of a start-up runs.
        let folder = "proc/" + pid.decimalText
        let status: [UInt8]
        // Through the root like every other read: a snapshot's proc/PID may
        // be a link to the host's /proc/PID, which must not be followed out.
        switch root.read("\(folder)/status", limit: 1 << 20) {
        case .success(let bytes): status = bytes
        case .failure(let error):
            if error.errno == .noSuchFile || error.errno == .noSuchProcess { return .vanished(pid: pid) }
            return .unreadable(pid: pid, reason: error.description)
        }
        // Each part is read into a variable of its own and the placement made
        // once at the end: assigning an optional cpuset or memory into a
        // placement destroys the nil before it through its type's metadata, and
        // the first such request costs the runtime's registration of every
        // optional type the standard library ships.
        var name = ""
        var cpusAllowed: CPUSet?
        var memsAllowed: NodeSet?
        ProcessLimits.forEachLine(of: status) { line in
            // Three keys among some fifty lines: the first byte rules out most.
            switch line.first {
            case UInt8(ascii: "N"):
                if var value = ProcessLimits.value(of: "Name:", in: line) {
                    while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
                    name = String(decoding: value, as: UTF8.self)
                }
            case UInt8(ascii: "C"):
                if let value = ProcessLimits.value(of: "Cpus_allowed_list:", in: line) {
                    cpusAllowed = CPUSet(listBytes: Array(value))
                }
            case UInt8(ascii: "M"):
                if let value = ProcessLimits.value(of: "Mems_allowed_list:", in: line) {
                    memsAllowed = NodeSet(listBytes: Array(value))
                }
            default:
                break
            }
        }
        var commandLine: [String] = []
        if let bytes = root.readBytes("\(folder)/cmdline", limit: 1 << 20) {
            // NUL-separated words, cut by hand: a split makes an array of slices first.
            var start = 0
            for index in bytes.indices where bytes[index] == 0 {
                commandLine.append(String(decoding: bytes[start..<index], as: UTF8.self))
                start = index + 1
            }
            commandLine.append(String(decoding: bytes[start...], as: UTF8.self))
            if commandLine.last == "" { commandLine.removeLast() }
        }
        let cpuset = Cpuset.read(from: root, pid: pid.decimalText)

        // Threads: the CPU each last ran on.
        var threads: [Thread] = []
        var notes: [String] = []
        let nodeOfCPU: (Int) -> Int? = { cpu in topology.nodes.first { $0.cpus.contains(cpu) }?.id }
        if let tids = root.list("\(folder)/task") {
            for tid in tids.compactMap({ Int(decimal: $0) }).sorted() {
                guard let bytes = root.readBytes("\(folder)/task/" + tid.decimalText + "/stat", limit: 1 << 16),
                    let cpu = lastCPU(stat: bytes)
                else { continue }
                threads.append(Thread(tid: tid, cpu: cpu, node: nodeOfCPU(cpu)))
            }
        } else if let bytes = root.readBytes("\(folder)/stat", limit: 1 << 16), let cpu = lastCPU(stat: bytes) {
            threads.append(Thread(tid: pid, cpu: cpu, node: nodeOfCPU(cpu)))
        }
        if threads.isEmpty { notes.append("the CPUs its threads last ran on cannot be read") }
        let runningNodes = NodeSet(threads.compactMap { $0.node })

        let memory: Memory?
        do {
            // Read and folded a piece at a time: numa_maps can be megabytes.
            var read: Result<Void, NUMAError> = .success(())
            let folded = try Self.memory(running: runningNodes, memsAllowed: memsAllowed) { (body) throws(NUMAError) in
                read = try NumaMaps.forEachMapping(
                    inFile: "\(folder)/numa_maps", under: root, limit: 1 << 26,
                    hugePageSize: { () throws(NUMAError) in UInt64(try NodeStatistics.hugePageSize(in: root)) }, body)
            }
            switch read {
            case .success:
                memory = folded
            case .failure(let error):
                // Gone between the reads; a snapshot may simply lack the file.
                if error.errno == .noSuchProcess || !root.isDirectory(folder) { return .vanished(pid: pid) }
                memory = nil
                notes.append(error.description)
            }
        } catch {
            memory = nil
            notes.append("\(root.display("\(folder)/numa_maps")): \(error.description)")
        }
        return .read(
            ProcessPlacement(
                pid: pid, name: name, commandLine: commandLine, cpusAllowed: cpusAllowed, memsAllowed: memsAllowed,
                cpuset: cpuset, threads: threads, runningNodes: runningNodes, memory: memory, notes: notes))
    }

    /// Folds the mappings of a `numa_maps` file into per-node and per-policy bytes.
    ///
    /// - Parameters:
    ///   - bytes: the contents of the process's `numa_maps`.
    ///   - running: the nodes the process's threads run on; bytes elsewhere are remote
    ///     (all bytes are remote when it is empty).
    ///   - memsAllowed: the nodes the cpuset allows, if known.
    ///   - hugePageSize: the default huge page size, asked for only when a
    ///     huge mapping has no `kernelpagesize_kB`.
    public static func memory(
        numaMaps bytes: [UInt8], running: NodeSet, memsAllowed: NodeSet?,
        hugePageSize: () throws(NUMAError) -> UInt64
    ) throws(NUMAError) -> Memory {
        try memory(running: running, memsAllowed: memsAllowed) { (body) throws(NUMAError) in
            try NumaMaps.forEachMapping(in: bytes, hugePageSize: hugePageSize, body)
        }
    }

    /// ``memory(numaMaps:running:memsAllowed:hugePageSize:)`` over the
    /// mappings `feed` hands its argument, in the file's order.
    static func memory(
        running: NodeSet, memsAllowed: NodeSet?, feed: (_ body: (NumaMaps.Mapping) -> Void) throws(NUMAError) -> Void
    ) throws(NUMAError) -> Memory {
        var memory = Memory(
            nodes: [], policies: [], total: 0, remote: 0, outsidePolicy: 0, outsideMemsAllowed: 0, outsidePolicyFile: 0)
        var nodes: [NodeBytes] = []
        var nodeIndex: [Int: Int] = [:]
        // Each policy's bytes per node go straight to its ``PolicyBytes``;
        // past eight nodes they are found in one index for all policies, by
        // the policy's number times 1024 plus the node id.
        var policyNodeIndex: [Int: Int] = [:]
        // What the current mapping's policy confines pages to, parsed when
        // the policy changes (most mappings share the one before's).
        var confinedPolicy = -1
        var confined = NodeSet()
        var confines = false
        // Lookups by key, never by search over many: a file may name every
        // node on every line, and thousands of distinct policies. Most
        // mappings share the policy of the one before.
        var policyIndex: [String: Int] = [:]
        var last: (text: String, index: Int)?
        try feed { mapping in
            let p: Int
            if let last, last.text == mapping.policyText {
                p = last.index
            } else if memory.policies.count <= 8,
                let known = memory.policies.firstIndex(where: { $0.text == mapping.policyText })
            {
                // A search of the few policies a process usually has, as add(_:node:backing:to:index:key:) does for nodes.
                p = known
            } else if memory.policies.count > 8, let known = policyIndex[mapping.policyText] {
                p = known
            } else {
                p = memory.policies.count
                if p == 8 {
                    for (position, known) in memory.policies.enumerated() { policyIndex[known.text] = position }
                }
                if p >= 8 { policyIndex[mapping.policyText] = p }
                // Parsed once per distinct policy, not once per mapping.
                memory.policies.append(
                    PolicyBytes(text: mapping.policyText, policy: mapping.policy, mappings: 0, nodes: [], outside: 0))
            }
            last = (mapping.policyText, p)
            if p != confinedPolicy {
                confinedPolicy = p
                if let set = memory.policies[p].policy.confinedTo {
                    confined = set
                    confines = true
                } else {
                    confines = false
                }
            }
            memory.policies[p].mappings += 1
            for position in 0..<mapping.pageCount {
                let entry = mapping.page(position)
                guard entry.pages > 0 else { continue }
                let amount = mapping.bytes(entry)
                add(amount, node: entry.node, backing: mapping.backing, to: &nodes, index: &nodeIndex, key: 0)
                add(
                    amount, node: entry.node, backing: mapping.backing, to: &memory.policies[p].nodes,
                    index: &policyNodeIndex, key: p << 10)
                memory.total = memory.total.saturatingAdding(amount)
                if !running.contains(entry.node) { memory.remote = memory.remote.saturatingAdding(amount) }
                let outsideMems = memsAllowed.map { !$0.contains(entry.node) } ?? false
                guard outsideMems || (confines && !confined.contains(entry.node)) else { continue }
                if mapping.backing == .file {
                    memory.outsidePolicyFile = memory.outsidePolicyFile.saturatingAdding(amount)
                    continue
                }
                if outsideMems { memory.outsideMemsAllowed = memory.outsideMemsAllowed.saturatingAdding(amount) }
                if mapping.backing == .shared {
                    memory.outsidePolicyShared = memory.outsidePolicyShared.saturatingAdding(amount)
                }
                memory.outsidePolicy = memory.outsidePolicy.saturatingAdding(amount)
                memory.policies[p].outside = memory.policies[p].outside.saturatingAdding(amount)
            }
        }
        memory.nodes = nodes
        memory.nodes.sort { $0.node < $1.node }
        for index in memory.policies.indices { memory.policies[index].nodes.sort { $0.node < $1.node } }
        return memory
    }

    /// Field 39 (`processor`) of a `stat` line: counted after the `)` that
    /// ends the command name, which may itself hold blanks and parentheses.
    public static func lastCPU(stat bytes: [UInt8]) -> Int? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // Fields after the name start at field 3 (state): processor is the 37th of them.
        var field = 2
        var index = close + 1
        while index < bytes.count {
            while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x0A) { index += 1 }
            let start = index
            while index < bytes.count && bytes[index] != 0x20 && bytes[index] != 0x0A { index += 1 }
            guard index > start else { break }
            field += 1
            if field == 39 {
                return Int(decimal: String(decoding: bytes[start..<index], as: UTF8.self)).flatMap {
                    $0 < CPUSet.limit ? $0 : nil
                }
            }
        }
        return nil
    }

    /// The pid a word of decimal digits names, or nil when it is not one
    /// or is beyond what a pid can be.
    public static func pid(of word: String) -> Int? {
        guard !word.isEmpty, word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let pid = Int(decimal: word), pid <= Int(Int32.max)
        else { return nil }
        return pid
    }

    /// The process ids a `--process` word names: a number is a pid; any
    /// other word matches as numastat's `-p` does (``NodeStatistics/processIDs(matching:in:excluding:)``).
    public static func processIDs(for word: String, root: SystemRoot, excluding: Int?) -> [Int]? {
        if !word.isEmpty, word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return pid(of: word).map { [$0] }
        }
        return NodeStatistics.processIDs(matching: word, in: root, excluding: excluding)
    }
}
