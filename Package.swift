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
        .executable(name: "swnuma", targets: ["swnuma"]),
    ],
    dependencies: [
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
        // The library: topology from an injectable root, NodeSet/CPUSet, policies. Never prints.
        .target(name: "NUMA", dependencies: ["CNUMA"], swiftSettings: strict),
        // The command line: option table, scanner, plan, renderers, launch.
        .target(name: "SwnumaCLI", dependencies: ["NUMA"], swiftSettings: strict),
        // The executable: hands argv to SwnumaCLI. Release links put the code a start-up runs
        // side by side (startup.order, written by scripts/startup-order.py), which saves page faults.
        .executableTarget(
            name: "swnuma",
            dependencies: ["SwnumaCLI"],
            exclude: ["startup.order"],
            swiftSettings: strict,
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld",
                    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/swnuma/startup.order",
                    "-Xlinker", "--no-warn-symbol-ordering",
                ], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // Writes man/swnuma.8 and completions/ from the option table: `swift run generate-swnuma-docs`.
        .executableTarget(name: "generate-swnuma-docs", dependencies: ["SwnumaCLI"], swiftSettings: strict),
        .testTarget(name: "NUMATests", dependencies: ["NUMA"], swiftSettings: strict),
        .testTarget(
            name: "SwnumaCLITests",
            dependencies: ["SwnumaCLI", "NUMA", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
