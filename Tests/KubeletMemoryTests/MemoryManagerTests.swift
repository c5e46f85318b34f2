@testable import KubeletMemory
import NUMA
import Testing

/// The kubelet's own test tables for the memory manager's rules, ported:
/// configuration validation, the per-type sums against Node Allocatable,
/// the conversion to bytes, and the static policy's machine state.
@Suite struct MemoryManagerTests {
    static let gb: UInt64 = 1 << 30
    static let twoNodes = MachineMemory(nodes: [.init(id: 0, memory: 0), .init(id: 1, memory: 0)], capacity: 0)

    static func q(_ value: Int64, _ format: Quantity.Format = .decimalSI) -> Quantity { Quantity(value, format: format) }
    static func r(_ node: Int32, _ limits: [(String, Quantity)]) -> MemoryReservation { MemoryReservation(numaNode: node, limits: limits) }

    // MARK: validateReservedMemoryConfiguration

    static let configurationCases: [(String, [MemoryReservation], String?)] = [
        ("no reserved memory", [], nil),
        ("valid", [r(0, [("memory", q(128))])], nil),
        (
            "duplicate node and type", [r(0, [("memory", q(128))]), r(0, [("memory", q(64))])],
            "invalid configuration: the reserved memory has a duplicate value for NUMA node 0 and resource \"memory\""
        ),
        (
            "unsupported type", [r(0, [("blabla", q(128))])],
            "invalid configuration: the limit type \"blabla\" for NUMA node 0 is not supported, only [memory hugepages-<HugePageSize>] is accepted"
        ),
        ("zero", [r(0, [("memory", q(0))])], "invalid configuration: reserved memory may not be zero for NUMA node 0 and resource \"memory\""),
    ]

    @Test(arguments: configurationCases)
    func configurationValidation(name: String, reservations: [MemoryReservation], expected: String?) {
        let findings = MemoryManagerRules.validateConfiguration(reservations)
        #expect(findings.first?.message == expected, "\(name)")
        #expect(findings.allSatisfy { $0.severity == .refusal })
    }

    // MARK: validateReservedMemory

    static func notEqual(_ total: String, _ type: String, _ allocatable: String) -> String {
        "the total amount \"\(total)\" of type \"\(type)\" is not equal to the value \"\(allocatable)\" determined by Node Allocatable feature"
    }

    static let sumCases: [(String, [String: Quantity], [MemoryReservation], String?)] = [
        ("Node Allocatable not set, reserved not set", [:], [], nil),
        ("Node Allocatable set to zero, reserved set to zero", ["memory": q(0)], [r(0, [("memory", q(0))])], nil),
        ("Node Allocatable not set (equal zero), reserved set", [:], [r(0, [("memory", q(12))])], notEqual("12", "memory", "0")),
        ("Node Allocatable set, reserved not set", ["hugepages-2Mi": q(5)], [], notEqual("0", "hugepages-2Mi", "5")),
        ("Reserved not equal to Node Allocatable", ["memory": q(5)], [r(0, [("memory", q(12))])], notEqual("12", "memory", "5")),
        (
            "Reserved contains the NUMA node that does not exist under the machine", ["memory": q(17)],
            [r(0, [("memory", q(12))]), r(2, [("memory", q(5))])],
            "the reserved memory configuration references a NUMA node 2 that does not exist on this machine"
        ),
        (
            "Reserved total equal to Node Allocatable", ["memory": q(17), "hugepages-2Mi": q(77), "hugepages-1Gi": q(13)],
            [
                r(0, [("memory", q(12)), ("hugepages-2Mi", q(70)), ("hugepages-1Gi", q(13))]),
                r(1, [("memory", q(5)), ("hugepages-2Mi", q(7))]),
            ], nil
        ),
        (
            "Reserved total hugapages-2M not equal to Node Allocatable", ["memory": q(17), "hugepages-2Mi": q(14), "hugepages-1Gi": q(13)],
            [
                r(0, [("memory", q(12)), ("hugepages-2Mi", q(70)), ("hugepages-1Gi", q(13))]),
                r(1, [("memory", q(5)), ("hugepages-2Mi", q(7))]),
            ], notEqual("77", "hugepages-2Mi", "14")
        ),
        // TestGetSystemReservedMemory: the message prints the quantities in their own format.
        (
            "Allocatable reservation is not equal to the reserved memory", [:], [r(0, [("memory", q(Int64(gb), .binarySI))])],
            notEqual("1Gi", "memory", "0")
        ),
    ]

    @Test(arguments: sumCases)
    func sums(name: String, allocatable: [String: Quantity], reservations: [MemoryReservation], expected: String?) {
        do throws(MemoryManagerRules.RuleError) {
            try MemoryManagerRules.validateReservedMemory(machine: Self.twoNodes, allocatable: allocatable, reservations: reservations)
            #expect(expected == nil, "\(name): accepted")
        } catch {
            let allocatableMemory = NodeAllocatableMemory(total: .zero)
            #expect(error.finding(allocatable: allocatableMemory).message == expected, "\(name)")
        }
    }

    // MARK: convertReserved / getSystemReservedMemory

    static let conversionCases: [(String, [MemoryReservation], [Int: [String: UInt64]])] = [
        ("Empty", [], [0: [:], 1: [:]]),
        (
            "Single NUMA node is reserved", [r(0, [("memory", q(12)), ("hugepages-2Mi", q(70)), ("hugepages-1Gi", q(13))])],
            [0: ["memory": 12, "hugepages-2Mi": 70, "hugepages-1Gi": 13], 1: [:]]
        ),
        (
            "Both NUMA nodes are reserved",
            [r(0, [("memory", q(12)), ("hugepages-2Mi", q(70)), ("hugepages-1Gi", q(13))]), r(1, [("memory", q(5)), ("hugepages-2Mi", q(7))])],
            [0: ["memory": 12, "hugepages-2Mi": 70, "hugepages-1Gi": 13], 1: ["memory": 5, "hugepages-2Mi": 7]]
        ),
    ]

    @Test(arguments: conversionCases)
    func conversion(name: String, reservations: [MemoryReservation], expected: [Int: [String: UInt64]]) throws {
        // The sums balance by construction here: Node Allocatable is the total of each type.
        var totals: [String: Quantity] = [:]
        for reservation in reservations {
            for (type, quantity) in reservation.limits { totals[type] = try (totals[type] ?? .zero).adding(quantity) }
        }
        let converted = try MemoryManagerRules.systemReservedMemory(machine: Self.twoNodes, allocatable: totals, reservations: reservations)
        #expect(converted == expected, "\(name)")
    }

    @Test func reservedMemoryOfTheKubeletsTest() throws {
        let machine = MachineMemory(nodes: [.init(id: 0, memory: 10 * Self.gb), .init(id: 1, memory: 10 * Self.gb)], capacity: 20 * Self.gb)
        let reserved = try MemoryManagerRules.systemReservedMemory(
            machine: machine, allocatable: ["memory": Self.q(Int64(2 * Self.gb), .binarySI)],
            reservations: [Self.r(0, [("memory", Self.q(Int64(Self.gb), .binarySI))]), Self.r(1, [("memory", Self.q(Int64(Self.gb), .binarySI))])])
        #expect(reserved == [0: ["memory": Self.gb], 1: ["memory": Self.gb]])
    }

    @Test func fractionalBytesCannotBeConverted() throws {
        let half = try Quantity.parse("0.5")
        #expect(throws: MemoryManagerRules.RuleError.notConvertible(node: 0, type: "memory", half)) {
            try MemoryManagerRules.systemReservedMemory(
                machine: Self.twoNodes, allocatable: ["memory": half], reservations: [Self.r(0, [("memory", half)])])
        }
    }

    // MARK: The static policy's machine state

    /// The machine of the kubelet's static policy tests: 10 GiB per node, five 1 GiB huge pages.
    static let policyMachine = MachineMemory(
        nodes: [
            .init(id: 0, memory: 10 * gb, hugePages: [.init(pageSize: gb, pages: 5)]),
            .init(id: 1, memory: 10 * gb, hugePages: [.init(pageSize: gb, pages: 5)]),
        ], capacity: 20 * gb)

    @Test func initialMachineState() {
        let state = MachineState.initial(machine: Self.policyMachine, reserved: [0: ["memory": Self.gb], 1: ["memory": Self.gb]])
        let memory = MemoryTable(total: 10 * Self.gb, systemReserved: Self.gb, allocatable: 4 * Self.gb, reserved: 0, free: 4 * Self.gb)
        let huge = MemoryTable(total: 5 * Self.gb, systemReserved: 0, allocatable: 5 * Self.gb, reserved: 0, free: 5 * Self.gb)
        #expect(state.nodes[0] == NodeState(numberOfAssignments: 0, memoryMap: ["memory": memory, "hugepages-1Gi": huge], cells: [0]))
        #expect(state.nodes[1] == NodeState(numberOfAssignments: 0, memoryMap: ["memory": memory, "hugepages-1Gi": huge], cells: [1]))
    }

    @Test func replayAndCompare() throws {
        let initial = MachineState.initial(machine: Self.policyMachine, reserved: [0: ["memory": Self.gb], 1: ["memory": Self.gb]])
        let containers = [
            ContainerBlocks(
                pod: "fakePod1", container: "fakeContainer1",
                blocks: [.init(numaAffinity: [0], type: "memory", size: Self.gb), .init(numaAffinity: [0], type: "hugepages-1Gi", size: Self.gb)]),
            ContainerBlocks(
                pod: "fakePod1", container: "fakeContainer2",
                blocks: [.init(numaAffinity: [0], type: "memory", size: Self.gb), .init(numaAffinity: [0], type: "hugepages-1Gi", size: Self.gb)]),
        ]
        let replayed = try initial.replaying(containers)
        #expect(replayed.nodes[0]?.numberOfAssignments == 4)
        #expect(replayed.nodes[0]?.memoryMap["memory"] == MemoryTable(total: 10 * Self.gb, systemReserved: Self.gb, allocatable: 4 * Self.gb, reserved: 2 * Self.gb, free: 2 * Self.gb))
        #expect(replayed.nodes[0]?.memoryMap["hugepages-1Gi"]?.free == 3 * Self.gb)
        #expect(replayed.differences(from: replayed).isEmpty)
        // A checkpoint saved before a DIMM was added to node 1.
        var grown = Self.policyMachine
        grown.nodes[1].memory = 12 * Self.gb
        let now = try MachineState.initial(machine: grown, reserved: [0: ["memory": Self.gb], 1: ["memory": Self.gb]]).replaying(containers)
        let differences = now.differences(from: replayed)
        #expect(differences.map(\.field) == ["total", "allocatable", "free"])
        #expect(differences.allSatisfy { $0.node == 1 && $0.type == "memory" })
        #expect(throws: MachineState.ReplayError.unknownNode(pod: "p", container: "c")) {
            try initial.replaying([ContainerBlocks(pod: "p", container: "c", blocks: [.init(numaAffinity: [7], type: "memory", size: 1)])])
        }
        #expect(throws: MachineState.ReplayError.unknownType(pod: "p", container: "c")) {
            try initial.replaying([ContainerBlocks(pod: "p", container: "c", blocks: [.init(numaAffinity: [0], type: "hugepages-2Mi", size: 1)])])
        }
    }

    @Test func spillsToTheNextNodeOfTheGroup() throws {
        let initial = MachineState.initial(machine: Self.policyMachine, reserved: [0: ["memory": Self.gb], 1: ["memory": Self.gb]])
        let replayed = try initial.replaying([
            ContainerBlocks(pod: "p", container: "c", blocks: [.init(numaAffinity: [0, 1], type: "memory", size: 6 * Self.gb)])
        ])
        #expect(replayed.nodes[0]?.memoryMap["memory"]?.free == 0)
        #expect(replayed.nodes[1]?.memoryMap["memory"]?.free == 2 * Self.gb)
        #expect(replayed.nodes[1]?.cells == [0, 1])
    }

    // MARK: Suggestions

    @Test func suggestionSumsExactly() throws {
        let machine = MachineMemory(
            nodes: [.init(id: 0, memory: 3 * Self.gb), .init(id: 1, memory: 0), .init(id: 2, memory: 5 * Self.gb), .init(id: 3, memory: 7 * Self.gb)],
            capacity: 15 * Self.gb)
        let total = try Quantity.parse("1100Mi")
        let suggestion = try #require(ReservationSuggestion.split(total: total, machine: machine))
        #expect(suggestion.shares.map(\.node) == [0, 2, 3])
        #expect(suggestion.shares.reduce(0) { $0 + $1.bytes } == 1100 << 20)
        #expect(suggestion.shares.allSatisfy { $0.bytes % (1 << 20) == 0 })
        #expect(suggestion.flags == ["--reserved-memory=0:memory=220Mi", "--reserved-memory=2:memory=367Mi", "--reserved-memory=3:memory=513Mi"])
        let odd = try #require(ReservationSuggestion.split(total: Quantity(1001), machine: machine))
        #expect(odd.shares.map(\.bytes) == [200, 334, 467])
        #expect(ReservationSuggestion.split(total: .zero, machine: machine) == nil)
    }
}
