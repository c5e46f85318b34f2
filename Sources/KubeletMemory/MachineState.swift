/// One NUMA node's bytes of one memory type, as the static policy keeps them.
public struct MemoryTable: Hashable, Sendable {
    public var total: UInt64
    public var systemReserved: UInt64
    public var allocatable: UInt64
    public var reserved: UInt64
    public var free: UInt64
}

/// One NUMA node's state: its memory tables by type, how many blocks use
/// it, and the group of nodes (cells) it is allocated with.
public struct NodeState: Hashable, Sendable {
    public var numberOfAssignments = 0
    public var memoryMap: [String: MemoryTable] = [:]
    public var cells: [Int] = []
}

/// Memory given to a container on a set of NUMA nodes.
public struct MemoryBlock: Hashable, Sendable {
    public var numaAffinity: [Int]
    public var type: String
    public var size: UInt64

    public init(numaAffinity: [Int], type: String, size: UInt64) {
        self.numaAffinity = numaAffinity
        self.type = type
        self.size = size
    }
}

/// A container's blocks, with its pod.
public struct ContainerBlocks: Hashable, Sendable {
    public var pod: String
    public var container: String
    public var blocks: [MemoryBlock]

    public init(pod: String, container: String, blocks: [MemoryBlock]) {
        self.pod = pod
        self.container = container
        self.blocks = blocks
    }
}

/// The static policy's machine state: every node's tables.
public struct MachineState: Hashable, Sendable {
    public var nodes: [Int: NodeState]

    public init(nodes: [Int: NodeState]) { self.nodes = nodes }

    /// The state the static policy starts from on `machine` with `reserved`
    /// bytes per node and type: for each huge page pool its size, for
    /// memory the node's size less its huge pages; system-reserved taken off
    /// each (with the kubelet's unsigned wrap-around when it is larger).
    public static func initial(machine: MachineMemory, reserved: [Int: [String: UInt64]]) -> MachineState {
        var nodes: [Int: NodeState] = [:]
        for node in machine.nodes {
            var state = NodeState(cells: [node.id])
            var hugePagesBytes: UInt64 = 0
            for pool in node.hugePages {
                let name = pool.resourceName
                let systemReserved = reserved[node.id]?[name] ?? 0
                let allocatable = pool.bytes &- systemReserved
                state.memoryMap[name] = MemoryTable(
                    total: pool.bytes, systemReserved: systemReserved, allocatable: allocatable, reserved: 0, free: allocatable)
                hugePagesBytes &+= pool.bytes
            }
            let systemReserved = reserved[node.id]?[MemoryResource.memory] ?? 0
            let allocatable = node.memory &- systemReserved &- hugePagesBytes
            state.memoryMap[MemoryResource.memory] = MemoryTable(
                total: node.memory, systemReserved: systemReserved, allocatable: allocatable, reserved: 0, free: allocatable)
            nodes[node.id] = state
        }
        return MachineState(nodes: nodes)
    }

    /// Why a container's blocks cannot be placed on this state.
    public enum ReplayError: Error, Hashable, Sendable, CustomStringConvertible {
        case unknownNode(pod: String, container: String)
        case unknownType(pod: String, container: String)

        public var description: String {
            switch self {
            case .unknownNode(let pod, let container):
                "[memorymanager] (pod: \(pod), container: \(container)) the memory assignment uses the NUMA that does not exist"
            case .unknownType(let pod, let container):
                "[memorymanager] (pod: \(pod), container: \(container)) the memory assignment uses memory resource that does not exist"
            }
        }
    }

    /// This state with the containers' blocks taken from it, node by node
    /// in each block's affinity, as the kubelet replays a checkpoint.
    /// Containers go in pod then container name order.
    public func replaying(_ containers: [ContainerBlocks]) throws(ReplayError) -> MachineState {
        var state = self
        for entry in containers {
            for block in entry.blocks {
                var requested = block.size
                for nodeID in block.numaAffinity {
                    guard var node = state.nodes[nodeID] else {
                        throw .unknownNode(pod: entry.pod, container: entry.container)
                    }
                    node.numberOfAssignments += 1
                    node.cells = block.numaAffinity
                    guard var table = node.memoryMap[block.type] else {
                        state.nodes[nodeID] = node
                        throw .unknownType(pod: entry.pod, container: entry.container)
                    }
                    defer {
                        node.memoryMap[block.type] = table
                        state.nodes[nodeID] = node
                    }
                    if requested == 0 { break }
                    if table.free == 0 { continue }
                    if table.free >= requested {
                        table.reserved &+= requested
                        table.free -= requested
                        requested = 0
                        continue
                    }
                    requested -= table.free
                    table.reserved &+= table.free
                    table.free = 0
                }
            }
        }
        return state
    }

    /// One way two states differ.
    public struct Difference: Hashable, Sendable {
        public var node: Int
        /// The memory type, or nil for a node-level difference.
        public var type: String?
        /// The field: `nodes`, `numberOfAssignments`, `cells`, `types`, `total`, `systemReserved`, `allocatable`, `reserved`, `free`.
        public var field: String
        public var checkpoint: String
        public var expected: String
    }

    /// How `checkpoint` differs from this (expected) state, by the kubelet's
    /// comparison: the same nodes, assignment counts, cells (as sets), types,
    /// and per type total, system-reserved and allocatable; reserved and free
    /// summed over the node's cells.
    public func differences(from checkpoint: MachineState) -> [Difference] {
        var result: [Difference] = []
        let ids = Set(nodes.keys).union(checkpoint.nodes.keys).sorted()
        for id in ids {
            guard let expected = nodes[id], let saved = checkpoint.nodes[id] else {
                result.append(
                    Difference(node: id, type: nil, field: "nodes", checkpoint: checkpoint.nodes[id] == nil ? "absent" : "present",
                        expected: nodes[id] == nil ? "absent" : "present"))
                continue
            }
            if expected.numberOfAssignments != saved.numberOfAssignments {
                result.append(Difference(node: id, type: nil, field: "numberOfAssignments", checkpoint: "\(saved.numberOfAssignments)", expected: "\(expected.numberOfAssignments)"))
            }
            if expected.cells.sorted() != saved.cells.sorted() {
                result.append(Difference(node: id, type: nil, field: "cells", checkpoint: "\(saved.cells.sorted())", expected: "\(expected.cells.sorted())"))
            }
            let types = Set(expected.memoryMap.keys).union(saved.memoryMap.keys).sorted(by: MemoryManagerRules.typeOrder)
            for type in types {
                guard let want = expected.memoryMap[type], let have = saved.memoryMap[type] else {
                    result.append(
                        Difference(node: id, type: type, field: "types", checkpoint: saved.memoryMap[type] == nil ? "absent" : "present",
                            expected: expected.memoryMap[type] == nil ? "absent" : "present"))
                    continue
                }
                for (field, a, b) in [("total", have.total, want.total), ("systemReserved", have.systemReserved, want.systemReserved), ("allocatable", have.allocatable, want.allocatable)] where a != b {
                    result.append(Difference(node: id, type: type, field: field, checkpoint: "\(a)", expected: "\(b)"))
                }
                var savedSum = (reserved: UInt64(0), free: UInt64(0))
                var expectedSum = (reserved: UInt64(0), free: UInt64(0))
                for cell in saved.cells {
                    savedSum.reserved &+= checkpoint.nodes[cell]?.memoryMap[type]?.reserved ?? 0
                    savedSum.free &+= checkpoint.nodes[cell]?.memoryMap[type]?.free ?? 0
                    expectedSum.reserved &+= nodes[cell]?.memoryMap[type]?.reserved ?? 0
                    expectedSum.free &+= nodes[cell]?.memoryMap[type]?.free ?? 0
                }
                if savedSum.reserved != expectedSum.reserved {
                    result.append(Difference(node: id, type: type, field: "reserved", checkpoint: "\(savedSum.reserved)", expected: "\(expectedSum.reserved)"))
                }
                if savedSum.free != expectedSum.free {
                    result.append(Difference(node: id, type: type, field: "free", checkpoint: "\(savedSum.free)", expected: "\(expectedSum.free)"))
                }
            }
        }
        return result
    }
}
