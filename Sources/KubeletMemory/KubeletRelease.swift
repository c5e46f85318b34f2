/// A Kubernetes minor release whose kubelet rules swnuma applies
/// (`--kubelet-version X.Y`), from 1.30 to the newest modelled.
///
/// Each property is one rule that changed between releases; where a
/// release could not be read, the rule is taken from the nearest release
/// that was, as `docs/kubelet-rules.md` records.
public struct KubeletRelease: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The minor version: 30 for Kubernetes 1.30.
    public let minor: Int

    public static let oldest = KubeletRelease(uncheckedMinor: 30)
    public static let newest = KubeletRelease(uncheckedMinor: 36)

    private init(uncheckedMinor minor: Int) { self.minor = minor }

    /// Release 1.`minor` for the tables of rules by release, which reach
    /// back before the oldest release modelled (a CPU manager option's
    /// stage since 1.22); ``init(_:)`` is the one that checks the range.
    public init(minor: Int) { self.minor = minor }

    /// The release whose rules apply unless `--kubelet-version` says otherwise: the newest.
    public static let current = newest

    /// `1.33` (a patch level such as `1.33.2`, or a leading `v`, is
    /// accepted and ignored: the rules change only between minor releases).
    /// Nil for anything else, or a release outside 1.30 to the newest.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0] == "1",
            parts.dropFirst().allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let minor = Int(parts[1]), minor >= Self.oldest.minor, minor <= Self.newest.minor
        else { return nil }
        self.minor = minor
    }

    public var description: String { "1.\(minor)" }

    public static func < (lhs: KubeletRelease, rhs: KubeletRelease) -> Bool { lhs.minor < rhs.minor }

    /// Every release modelled, oldest first.
    public static var all: [KubeletRelease] { (oldest.minor...newest.minor).map { KubeletRelease(uncheckedMinor: $0) } }

    // MARK: The rules that differ

    /// The `MemoryManager` feature gate is GA and locked on from 1.32;
    /// before, it is beta, on by default, and `MemoryManager=false` turns
    /// the memory manager off.
    public var memoryManagerGateLocked: Bool { minor >= 32 }

    /// `mergeDefaultEvictionSettings` is a field of the file from 1.33 (an
    /// unknown field before).
    public var hasMergeDefaultEvictionSettings: Bool { minor >= 33 }

    /// `BestEffort` is a policy name (Windows only: "not available for
    /// platform linux") from 1.32, where the release notes place the
    /// memory manager's Windows support; before, it is an unknown policy.
    /// The switch itself was read in a development copy, not per release.
    public var knowsBestEffortPolicy: Bool { minor >= 32 }

    /// The `PodLevelResourceManagers` gate exists (alpha, off) from 1.36:
    /// with it on, the memory manager reads and writes the v2 checkpoint.
    public var hasPodLevelResourceManagersGate: Bool { minor >= 36 }

    /// Whether a stored v1 checksum of 0 is accepted. The kubelet that
    /// knows only the v1 format refuses it like any wrong checksum; the one
    /// with the v1/v2 split accepts it on the v1 path ("compatibility with
    /// old file backend") and not on the v2 path.
    public func acceptsZeroChecksum(podLevelGate: Bool) -> Bool { minor >= 36 && !podLevelGate }

    /// Fields of `KubeletConfiguration` added after 1.30, with the release
    /// that added them (kubernetes/kubelet `config/v1beta1/types.go` at each tag).
    static let fieldsAdded: [String: Int] = [
        "failCgroupV1": 31, "crashLoopBackOff": 32, "singleProcessOOMKill": 32,
        "imagePullCredentialsVerificationPolicy": 33, "mergeDefaultEvictionSettings": 33,
        "preloadedImagesVerificationAllowlist": 33, "userNamespaces": 33,
        "memoryReservationPolicy": 36, "tlsCurvePreferences": 36,
    ]

    /// Whether this release's `KubeletConfiguration` knows `field`, one of
    /// the fields known to some release.
    func knowsField(_ field: String) -> Bool { (Self.fieldsAdded[field] ?? 0) <= minor }
}
