extension KubeletSettings {
    /// The kubelet flags the flag parser knows (``scanFlags(_:)``'s lists),
    /// sorted by name, each with whether it takes a value: what the shell
    /// completions offer after `--kubelet-check` and `--kubelet-suggest`.
    package static var knownFlags: [(name: String, takesValue: Bool)] {
        (booleanFlags.map { ($0, false) } + valueFlags.map { ($0, true) }).sorted { $0.0 < $1.0 }
    }

    /// The flag whose value is a configuration file the kubelet reads.
    package static let configurationFlag = "config"
}
