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
    ]

    /// The command that writes them again.
    package static let refreshCommand = "swift run generate-swnuma-docs"
}
