// MARK: Feature gates, as component-base's feature gate sets them

/// A feature gate the kubelet knows, with its stages by release.
struct KubeletFeatureGate: Sendable {
    /// One stage: from a release on (to the next stage), its default, and
    /// whether it is locked to that default.
    struct Stage: Sendable {
        var from: Int
        var defaultValue: Bool
        var locked = false
        /// GA (setting it logs "setting GA feature gate").
        var stable = false
    }

    var name: String
    var stages: [Stage]
    /// The first release the kubelet no longer knows it (nil: still known in the newest modelled).
    var removedIn: Int? = nil

    /// The stage in `release`, nil when the gate is unknown there.
    func stage(in release: KubeletRelease) -> Stage? {
        if let removedIn, release.minor >= removedIn { return nil }
        return stages.last { $0.from <= release.minor }
    }
}

extension KubeletRelease {
    /// Gates whose stages swnuma models: those of the managers it checks
    /// (kubernetes/website feature gate pages, `stages:`), and
    /// component-base's own (read at the staging tags v0.30.0 to v0.36.0).
    static let modelledGates: [KubeletFeatureGate] = [
        .init(name: "MemoryManager", stages: [.init(from: 22, defaultValue: true), .init(from: 32, defaultValue: true, locked: true, stable: true)]),
        .init(name: "CPUManager", stages: [.init(from: 10, defaultValue: true), .init(from: 26, defaultValue: true, stable: true)]),
        .init(
            name: "CPUManagerPolicyOptions",
            stages: [.init(from: 23, defaultValue: true), .init(from: 33, defaultValue: true, locked: true, stable: true)]),
        .init(name: "CPUManagerPolicyBetaOptions", stages: [.init(from: 23, defaultValue: true)]),
        .init(name: "CPUManagerPolicyAlphaOptions", stages: [.init(from: 23, defaultValue: false)]),
        .init(name: "TopologyManager", stages: [.init(from: 18, defaultValue: true), .init(from: 27, defaultValue: true, stable: true)], removedIn: 29),
        .init(name: "TopologyManagerPolicyOptions", stages: [.init(from: 28, defaultValue: true), .init(from: 32, defaultValue: true, stable: true)]),
        .init(name: "TopologyManagerPolicyBetaOptions", stages: [.init(from: 26, defaultValue: false), .init(from: 28, defaultValue: true)]),
        .init(name: "TopologyManagerPolicyAlphaOptions", stages: [.init(from: 26, defaultValue: false)]),
        .init(name: "PodLevelResourceManagers", stages: [.init(from: 36, defaultValue: false)]),
        // component-base (T): the special gates, logging, metrics and z-pages.
        .init(name: "AllAlpha", stages: [.init(from: 0, defaultValue: false)]),
        .init(name: "AllBeta", stages: [.init(from: 0, defaultValue: false)]),
        .init(name: "ContextualLogging", stages: [.init(from: 24, defaultValue: false), .init(from: 30, defaultValue: true)]),
        .init(name: "LoggingAlphaOptions", stages: [.init(from: 24, defaultValue: false)]),
        .init(name: "ComponentFlagz", stages: [.init(from: 32, defaultValue: false)]),
        .init(name: "ComponentStatusz", stages: [.init(from: 32, defaultValue: false)]),
        .init(name: "NativeHistograms", stages: [.init(from: 36, defaultValue: false)]),
    ]

    /// Other gates the kubelet is well known to take (kubernetes/website's
    /// feature gate list), taken as known in every release modelled with
    /// their stages not modelled: swnuma never calls them unrecognized.
    static let otherKnownGates: Set<String> = [
        "LoggingBetaOptions", "LoggingStableOptions", "ComponentSLIs", "GracefulNodeShutdown", "GracefulNodeShutdownBasedOnPodPriority", "NodeSwap",
        "KubeletTracing", "InPlacePodVerticalScaling", "SidecarContainers", "UserNamespacesSupport", "KubeletPodResourcesGet",
        "KubeletPodResourcesDynamicResources", "KubeletPodResourcesGetAllocatable", "DynamicResourceAllocation",
        "KubeletSeparateDiskGC", "KubeletCgroupDriverFromCRI", "PodAndContainerStatsFromCRI", "DisableCPUQuotaWithExclusiveCPUs",
        "LocalStorageCapacityIsolationFSQuotaMonitoring", "ImageMaximumGCAge", "RecursiveReadOnlyMounts", "ImageVolume",
        "KubeletInUserNamespace", "RotateKubeletServerCertificate", "ProcMountType", "PodLevelResources", "KubeletFineGrainedAuthz",
        "KubeletPSI", "SizeMemoryBackedVolumes", "PodReadyToStartContainersCondition", "PodLifecycleSleepAction",
        "PodDisruptionConditions", "EventedPLEG", "DevicePluginCDIDevices", "SupplementalGroupsPolicy", "KubeletRegistrationGetOnExistsOnly",
        "ResourceHealthStatus", "ContainerCheckpoint", "APIServerTracing", "SeparateTaintEvictionController", "OrderedNamespaceDeletion",
    ]

    /// The gate named `name` as this release knows it: its stage, or nil
    /// for a stage not modelled (known, any value taken); `.unknown` when
    /// this release has no such gate.
    enum GateLookup {
        case modelled(KubeletFeatureGate.Stage)
        case known
        case unknown
    }

    func gate(_ name: String) -> GateLookup {
        if let gate = Self.modelledGates.first(where: { $0.name == name }) {
            return gate.stage(in: self).map(GateLookup.modelled) ?? .unknown
        }
        return Self.otherKnownGates.contains(name) ? .known : .unknown
    }
}

extension KubeletSettings {
    /// The gates of `--feature-gates` and `featureGates:` set as the
    /// kubelet's feature gate sets them: an unknown name stops the kubelet
    /// (`unrecognized feature gate: X`, the first one met), a locked gate set
    /// against its default too (`cannot set feature gate X to V, feature is
    /// locked to D`); a GA gate set to its value is logged.
    func checkFeatureGates() -> [Finding] {
        let prefix = "failed to set feature gates from initial flags-based config: "
        var findings: [Finding] = []
        // Go walks the map in no fixed order and stops at the first unknown name; swnuma names the first in sorted order.
        for name in featureGates.keys.sorted() {
            DecodeSteps.step()
            let value = featureGates[name] ?? false
            switch release.gate(name) {
            case .unknown:
                return [
                    Finding(.refusal, "unknown-feature-gate", prefix + "unrecognized feature gate: \(name)",
                        advice: "remove \(name) from the feature gates: the kubelet \(release) has no such gate (names are case-sensitive); if `kubelet --help` of that release lists it, swnuma's list of gates lacks it")
                ]
            case .known:
                continue
            case .modelled(let stage):
                if stage.locked, stage.defaultValue != value {
                    findings.append(
                        Finding(.refusal, "locked-feature-gate",
                            prefix + "cannot set feature gate \(name) to \(value), feature is locked to \(stage.defaultValue)",
                            advice: "remove \(name)=\(value) from the feature gates: the gate is GA in \(release) and always \(stage.defaultValue)"))
                } else if stage.stable {
                    findings.append(
                        Finding(.note, "ga-feature-gate", "the kubelet logs \"Warning: setting GA feature gate. It will be removed in a future release.\" featureGate=\"\(name)\"",
                            advice: "remove \(name) from the feature gates before a release that drops it stops the kubelet"))
                }
            }
        }
        return findings
    }
}
