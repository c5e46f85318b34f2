import KubeletMemory
import Testing

/// Quantities as the kubelet reads and prints them.
@Suite struct QuantityTests {
    /// Text, value in nano units, and the canonical form the kubelet prints.
    static let parsed: [(String, Int128, String)] = [
        ("0", 0, "0"),
        ("1Gi", 1_073_741_824 * 1_000_000_000, "1Gi"),
        ("1024Mi", 1_073_741_824 * 1_000_000_000, "1Gi"),
        ("1.5Gi", 1_610_612_736 * 1_000_000_000, "1536Mi"),
        ("1536", 1536 * 1_000_000_000, "1536"),
        ("12", 12 * 1_000_000_000, "12"),
        ("1000", 1000 * 1_000_000_000, "1k"),
        ("1500M", 1_500_000_000 * 1_000_000_000, "1500M"),
        ("100m", 100_000_000, "100m"),
        ("1.5", 1_500_000_000, "1500m"),
        ("1e3", 1000 * 1_000_000_000, "1e3"),
        ("1E", 1_000_000_000_000_000_000 * 1_000_000_000, "1E"),
        ("+1Ki", 1024 * 1_000_000_000, "1Ki"),
        ("-1Ki", -1024 * 1_000_000_000, "-1Ki"),
        ("0.1n", 1, "1n"),
        ("1.", 1_000_000_000, "1"),
        (".", 0, "0"),
        ("-", 0, "0"),
        ("0.5Ki", 512 * 1_000_000_000, "512"),
        ("16Ei", Int128(Int64.max) * 1_000_000_000, "9223372036854775807"),
        ("1e-3", 1_000_000, "1e-3"),
    ]

    @Test(arguments: parsed)
    func parses(text: String, nanos: Int128, canonical: String) throws {
        let quantity = try Quantity.parse(text)
        #expect(quantity.nanos == nanos, "\(text)")
        #expect(quantity.description == canonical, "\(text)")
    }

    static let refused: [(String, QuantityError)] = [
        ("", .formatWrong("")),
        ("1Be", .formatWrong("1Be")),
        ("1K", .suffix("1K")),
        ("1e", .suffix("1e")),
        ("1GiB", .formatWrong("1GiB")),
        ("abc", .formatWrong("abc")),
        ("1 Gi", .formatWrong("1 Gi")),
        ("1ee3", .suffix("1ee3")),
        ("1e100", .outOfRange("1e100")),
    ]

    @Test(arguments: refused)
    func refuses(text: String, error: QuantityError) {
        #expect(throws: error) { try Quantity.parse(text) }
    }

    @Test func sumsTakeTheFirstNonZeroFormat() throws {
        let zero = Quantity.zero
        let binary = try Quantity.parse("1Gi")
        let decimal = try Quantity.parse("1G")
        #expect(try zero.adding(binary).description == "1Gi")
        #expect(try binary.adding(binary).description == "2Gi")
        #expect(try decimal.adding(binary).description == "2073741824")
        #expect(try binary.adding(decimal).description == "2073741824")
    }

    @Test func wholeBytes() throws {
        #expect(try Quantity.parse("1Gi").int64Value == 1 << 30)
        #expect(try Quantity.parse("1.5").int64Value == nil)
        #expect(try Quantity.parse("10E").int64Value == nil)
    }

    @Test func hugePageNames() {
        #expect(MemoryResource.hugePages(pageSize: 2 << 20) == "hugepages-2Mi")
        #expect(MemoryResource.hugePages(pageSize: 1 << 30) == "hugepages-1Gi")
        #expect(MemoryResource.hugePages(pageSize: 64 << 10) == "hugepages-64Ki")
    }
}

/// The kubelet's `--reserved-memory` flag, with its own test table.
@Suite struct ReservedMemoryFlagTests {
    static let gib = try! Quantity.parse("1Gi")

    static let accepted: [(String, [MemoryReservation])] = [
        ("0:memory=1Gi", [MemoryReservation(numaNode: 0, limits: [("memory", gib)])]),
        ("0:memory=1Gi,hugepages-1Gi=1Gi", [MemoryReservation(numaNode: 0, limits: [("memory", gib), ("hugepages-1Gi", gib)])]),
        (
            "0:memory=1Gi,hugepages-1Gi=1Gi;1:memory=1Gi",
            [
                MemoryReservation(numaNode: 0, limits: [("memory", gib), ("hugepages-1Gi", gib)]),
                MemoryReservation(numaNode: 1, limits: [("memory", gib)]),
            ]
        ),
        ("+1:memory=1Gi", [MemoryReservation(numaNode: 1, limits: [("memory", gib)])]),
        ("0:memory=1,memory=1Gi", [MemoryReservation(numaNode: 0, limits: [("memory", gib)])]),
    ]

    @Test(arguments: accepted)
    func accepts(text: String, expected: [MemoryReservation]) throws {
        #expect(try MemoryReservation.parseFlag(text) == expected)
    }

    /// The kubelet's invalid inputs, with its messages.
    static let refused: [(String, String)] = [
        ("bad-input", "the reserved memory has incorrect format, expected numaNodeID:type=quantity[,type=quantity...], got bad-input"),
        ("0:", "the reserved limit has incorrect value, expected type=quantatity, got "),
        ("a:memory=1Gi", "failed to convert the NUMA node ID, exptected integer, got a"),
        ("0:memory=", "failed to parse the quantatity, expected quantatity, got "),
        ("0:type=1Gi", "memory type conversion error, unknown type: \"type\""),
        ("0:memory=1Be", "failed to parse the quantatity, expected quantatity, got 1Be"),
        ("0:memory=1Gi;", "the reserved memory has incorrect format, expected numaNodeID:type=quantity[,type=quantity...], got "),
        ("0:memory=1Gi:1", "the reserved memory has incorrect format, expected numaNodeID:type=quantity[,type=quantity...], got 0:memory=1Gi:1"),
    ]

    @Test(arguments: refused)
    func refuses(text: String, message: String) {
        #expect(throws: ReservedMemoryFlagError(value: text, description: message)) { try MemoryReservation.parseFlag(text) }
    }
}
