/// The files `generate-swnuma-docs` writes, by path from the package root.
/// Each is rendered from ``OptionTable`` by a pure function, so a test can
/// render them again and compare with the committed copies.
package enum GeneratedDocs {
    package struct File: Sendable {
        package let path: String
        package let render: @Sendable () -> String
    }

    package static let files: [File] = [
        File(path: "man/swnuma.8", render: ManPage.render),
        File(path: "completions/swnuma.bash", render: BashCompletion.render),
        File(path: "completions/_swnuma", render: ZshCompletion.render),
        File(path: "completions/swnuma.fish", render: FishCompletion.render),
        File(path: "man/swnuma-numastat.8", render: NumastatManPage.render),
        File(path: "man/swnuma-migratepages.8", render: MigratepagesManPage.render),
        File(path: "completions/swnuma-numastat.bash", render: ModeCompletions.numastatBash),
        File(path: "completions/swnuma-migratepages.bash", render: ModeCompletions.migratepagesBash),
        File(path: "completions/_swnuma-numastat", render: ModeCompletions.numastatZsh),
        File(path: "completions/_swnuma-migratepages", render: ModeCompletions.migratepagesZsh),
        File(path: "completions/swnuma-numastat.fish", render: ModeCompletions.numastatFish),
        File(path: "completions/swnuma-migratepages.fish", render: ModeCompletions.migratepagesFish),
    ]

    /// The command that writes them again.
    package static let refreshCommand = "swift run generate-swnuma-docs"
}
