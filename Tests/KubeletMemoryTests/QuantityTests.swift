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

/// Whether the kubelet can turn a quantity into bytes: resource.Quantity's
/// `AsInt64` succeeds only for values it holds as a 64-bit integer with a
/// scale of zero or more, which depends on how the value was written.
@Suite struct QuantityAsInt64Tests {
    static let converted: [(String, Int64)] = [
        ("0", 0), ("1Gi", 1 << 30), ("1500M", 1_500_000_000), ("1.5k", 1500), ("1e3", 1000), ("16384Gi", 16384 << 30),
        ("10Ti", 10 << 40), ("99999999Mi", 99_999_999 << 20), ("-1Ki", -1024), ("999999999999999999", 999_999_999_999_999_999),
        ("000000000000000000000001Gi", 1 << 30), ("1E", 1_000_000_000_000_000_000), ("2.0k", 2000),
    ]

    @Test(arguments: converted)
    func converts(text: String, bytes: Int64) throws {
        #expect(try Quantity.parse(text).int64Value == bytes, "\(text)")
    }

    /// Whole numbers among them too: the kubelet holds these as decimals and its conversion fails.
    static let refused: [String] = [
        "0.5Gi", "1.5Gi", "1000m", "1.0", "100.5", "1234567890123456789", "9223372036854775807", "163840Gi", "100Ti", "1Pi",
        "1Ei", "0.0", "10E",
    ]

    @Test(arguments: refused)
    func doesNotConvert(text: String) throws {
        let quantity = try Quantity.parse(text)
        #expect(quantity.int64Value == nil, "\(text)")
    }

    @Test func wholeUnitsIsSwnumasOwnView() throws {
        #expect(try Quantity.parse("1000m").wholeUnits == 1)
        #expect(try Quantity.parse("1.0").wholeUnits == 1)
        #expect(try Quantity.parse("0.5").wholeUnits == nil)
    }

    /// Sums as the kubelet's Add keeps them: at the smaller scale, so 500m + 500m is not bytes.
    @Test func sumsKeepTheSmallerScale() throws {
        let half = try Quantity.parse("500m")
        #expect(try half.adding(half).int64Value == nil)
        #expect(try half.adding(half).wholeUnits == 1)
        #expect(try Quantity.parse("1Gi").adding(try Quantity.parse("1k")).int64Value == (1 << 30) + 1000)
        #expect(try Quantity.parse("1Gi").adding(try Quantity.parse("0.5Gi")).int64Value == nil)
        #expect(try Quantity.zero.adding(try Quantity.parse("1Mi")).int64Value == 1 << 20)
    }

    /// Linear-time reading: two million leading zeros, a two-million-digit fraction.
    @Test func longInputsAreLinear() throws {
        let zeros = String(repeating: "0", count: 2_000_000)
        #expect(try Quantity.parse(zeros + "1Gi").int64Value == 1 << 30)
        #expect(try Quantity.parse("0." + zeros + "1").nanos == 1)
        #expect(try Quantity.parse("0." + zeros + "1Ki").nanos == 1)
        #expect(try Quantity.parse("1." + zeros).int64Value == nil)
        #expect(try Quantity.parse("1." + zeros).nanos == 1_000_000_000)
        #expect(try growsLinearly({ _ = try Quantity.parse(String(repeating: "0", count: $0) + "1Gi") }, size: 2_000_000))
        #expect(try growsLinearly({ _ = try Quantity.parse("0." + String(repeating: "0", count: $0) + "1Ki") }, size: 2_000_000))
    }

    @Test func exactValuesBeyondTheFastPath() throws {
        #expect(try Quantity.parse("0.5000000000000000000000000001Ki").nanos == 512_000_000_001)
        #expect(try Quantity.parse("1e-20").nanos == 1)
        #expect(try Quantity.parse("1e4294967299").description == "1e3")  // the exponent is kept in 32 bits
        #expect(try Quantity.parse("100000000000000000000Ei").nanos == Int128(Int64.max) * 1_000_000_000)
    }

    /// A binary quantity that is not a whole number of its unit prints in
    /// plain bytes, still binary: 62.5Ki is 64000, which parsed again is a
    /// decimal quantity and prints as 64k, as the kubelet's CanonicalizeBytes
    /// does. (The fuzz target found this; it checks the second round is stable.)
    @Test func aFractionOfABinaryUnitPrintsInBytesThenDecimal() throws {
        let first = try Quantity.parse("62.5Ki")
        #expect(first.description == "64000")
        let second = try Quantity.parse(first.description)
        #expect(second.nanos == first.nanos)
        #expect(second.description == "64k")
        #expect(try Quantity.parse(second.description).description == "64k")
    }
}
