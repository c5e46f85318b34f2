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
        // The executable: hands argv to SwnumaCLI.
        .executableTarget(name: "swnuma", dependencies: ["SwnumaCLI"], swiftSettings: strict),
        // Writes man/swnuma.8 and completions/ from the option table: `swift run generate-swnuma-docs`.
        .executableTarget(name: "generate-swnuma-docs", dependencies: ["SwnumaCLI"], swiftSettings: strict),
        .testTarget(name: "NUMATests", dependencies: ["NUMA"], swiftSettings: strict),
        .testTarget(name: "SwnumaCLITests", dependencies: ["SwnumaCLI", "NUMA"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
