/// The files `generate-swnuma-docs` writes, by path from the package root:
/// man pages, completions and the scanner's index of long names.
/// Each is rendered from ``OptionTable`` by a pure function, so a test can
/// render them again and compare with the committed copies.
package enum GeneratedDocs {
    package struct File: Sendable {
        package let path: String
        package let render: @Sendable () -> String
    }

    /// Each program's man page and its bash, zsh and fish completions, by
    /// the program's installed name.
    private static let writers: [(name: String, man: @Sendable () -> String, bash: @Sendable () -> String, zsh: @Sendable () -> String, fish: @Sendable () -> String)] = [
        ("swnuma", ManPage.render, BashCompletion.render, ZshCompletion.render, FishCompletion.render),
        ("swnuma-numastat", NumastatManPage.render, ModeCompletions.numastatBash, ModeCompletions.numastatZsh, ModeCompletions.numastatFish),
        ("swnuma-migratepages", MigratepagesManPage.render, ModeCompletions.migratepagesBash, ModeCompletions.migratepagesZsh, ModeCompletions.migratepagesFish),
    ]

    package static let files: [File] =
        writers.flatMap { writer in
            [
                File(path: "man/\(writer.name).8", render: writer.man),
                File(path: "completions/\(writer.name).bash", render: writer.bash),
                File(path: "completions/_\(writer.name)", render: writer.zsh),
                File(path: "completions/\(writer.name).fish", render: writer.fish),
            ]
        } + [
            // Not documentation, but rendered from the same table: the scanner's index of long names.
            File(path: LongNameIndex.path, render: LongNameIndex.render)
        ]

    /// The command that writes them again.
    package static let refreshCommand = "swift run generate-swnuma-docs"
}
