internal import NUMA

extension ManPage {
    /// The NODE FEATURE LABELS section: every label --nfd-features writes, from ``NodeFeatures/catalog``.
    static func nodeFeatureLabels(_ page: inout MdocWriter) {
        page.macro("Sh NODE FEATURE LABELS")
        page.text("""
            --nfd-features prints a feature file for the local source of Kubernetes node-feature-discovery \
            (NFD), which reads the files in /etc/kubernetes/node-feature-discovery/features.d/ and turns \
            their lines into node labels. \
            The file starts with a comment, then, with --expiry, the directive # +expiry-time= and a UTC time \
            in RFC 3339 form (2026-12-01T13:15:00Z), after which NFD drops the labels that follow it. \
            Then comes one name=value line per label, in the order below. \
            A label whose value cannot be read is left out rather than guessed.
            """)
        page.macro("Pp")
        page.text("""
            Every name swnuma computes starts with \(NodeFeatures.prefix), a subdomain of NFD's own prefix \
            that NFD accepts without configuration. \
            Values are plain numbers or true and false, so that node affinity can compare them with Gt and Lt \
            or In.
            """)
        page.macro("Bl -tag -width Ds")
        for label in NodeFeatures.catalog {
            page.macro("It Sy \(label.name) Ns = Ns Ar \(label.value)")
            page.text(label.meaning)
        }
        page.macro("El")
        page.macro("Pp")
        page.text("""
            --label name=expr adds name=true when the --require expression holds and name=false when it does \
            not. \
            NFD gives a name without a prefix/ the prefix feature.node.kubernetes.io/. \
            Names and values follow Kubernetes' label rules, which swnuma checks before it writes anything: \
            a name is at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit, \
            after an optional prefix that is a DNS subdomain of at most 253 characters and a /; \
            NFD refuses prefixes in kubernetes.io except feature.node.kubernetes.io, profile.node.kubernetes.io \
            and their subdomains. \
            A value is empty or at most 63 characters of the same kind.
            """)
        page.macro("Pp")
        page.text("""
            --output file writes through a hidden temporary file in the same folder, which NFD ignores, \
            flushed to disk and renamed over the file: NFD never reads a partial file. \
            A file that already holds the same text is not touched. \
            Without --expiry the text changes only when a label does. \
            The systemd units in deploy/systemd/ of swnuma's source refresh the file on a timer.
            """)
        page.macro("Bd -literal -offset indent")
        page.literal("swnuma --nfd-features --expiry 2h \\")
        page.literal("    --label db-ready='node(0).free>=64G' \\")
        page.literal("    --output /etc/kubernetes/node-feature-discovery/features.d/swnuma")
        page.macro("Ed")
    }
}
