// swift-tools-version: 6.0
import PackageDescription

/// Strictness shared by every Swift target.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swnuma",
    products: [
        .library(name: "NUMA", targets: ["NUMA"]),
        .library(name: "KubeletMemory", targets: ["KubeletMemory"]),
        .executable(name: "swnuma", targets: ["swnuma"]),
    ],
    dependencies: [
        // `swift package generate-documentation --target NUMA` (the NUMA.docc catalog; `make test-docc`).
        // Command plugins only: nothing of it is linked into NUMA or swnuma, and `make build` does not compile it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Property-based tests only (SwnumaCLITests); no product depends on it.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // libnuma's system-call wrappers (set_mempolicy, get_mempolicy, mbind, migrate_pages).
        .systemLibrary(
            name: "CNUMA",
            pkgConfig: "numa",
            providers: [.apt(["libnuma-dev"])]
        ),
        // libyaml's event parser, for kubelet configuration files (KubeletMemory only).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // argv for the standard library from glibc's constructor arguments, in place of the
        // runtime's reading of /proc/self/maps before main (Sources/CArguments/arguments.c).
        .target(name: "CArguments"),
        // The library: topology from an injectable root, NodeSet/CPUSet, policies. Never prints.
        .target(name: "NUMA", dependencies: ["CNUMA"], swiftSettings: strict),
        // The kubelet memory manager's rules: reservations, quantities, machine state, checkpoints.
        .target(name: "KubeletMemory", dependencies: ["NUMA", "CYAML"], swiftSettings: strict),
        // The command line: Core (scanner, option rows, Mode, plan), Output, Docs writers,
        // and one folder per mode under Modes/.
        .target(name: "SwnumaCLI", dependencies: ["NUMA", "KubeletMemory"], swiftSettings: strict),
        // The executable: hands argv to SwnumaCLI. Release links put the code a start-up runs
        // side by side (startup.order, written by scripts/startup-order.py, and startup-sections.ld
        // for what has no symbol to order), which saves page faults.
        .executableTarget(
            name: "swnuma",
            dependencies: ["SwnumaCLI", "CArguments"],
            exclude: ["startup.order", "startup-sections.ld"],
            swiftSettings: strict,
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld",
                    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/swnuma/startup.order",
                    "-Xlinker", "--no-warn-symbol-ordering",
                    "-Xlinker", "-T", "-Xlinker", "\(Context.packageDirectory)/Sources/swnuma/startup-sections.ld",
                ], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // Writes man/swnuma.8 and completions/ from the option table: `swift run generate-swnuma-docs`.
        .executableTarget(name: "generate-swnuma-docs", dependencies: ["SwnumaCLI"], swiftSettings: strict),
        // What the test targets share: the sys/ and proc/ tree builder (not a test target; no product has it).
        .target(name: "SwnumaTestSupport", dependencies: ["NUMA"], path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "NUMATests", dependencies: ["NUMA", "SwnumaTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KubeletMemoryTests", dependencies: ["KubeletMemory", "NUMA", "SwnumaTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SwnumaCLITests",
            dependencies: [
                "SwnumaCLI", "NUMA", "SwnumaTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
