import Kube

/// `spec.strategy.canary`, with Argo's defaults (surge and unavailability 25%, scale-down delays 30 s).
public struct CanaryStrategy: Sendable, Equatable {
    public var steps: [CanaryStep]
    public var canaryService: String?
    public var stableService: String?
    /// nil when the value is neither a count nor a percentage (validation reports it).
    public var maxSurge: IntOrPercent?
    public var maxUnavailable: IntOrPercent?
    public var scaleDownDelaySeconds: Int
    public var abortScaleDownDelaySeconds: Int
    public var dynamicStableScale: Bool
    public var minPodsPerReplicaSet: Int?
    public var trafficRouting: JSON?
    /// Background analysis, run while the canary steps.
    public var analysis: JSON?
    public var raw: JSON

    public init(_ canary: JSON) {
        raw = canary
        steps = (canary["steps"]?.arrayValue ?? []).map(CanaryStep.init)
        canaryService = canary["canaryService"]?.stringValue
        stableService = canary["stableService"]?.stringValue
        maxSurge = IntOrPercent(canary["maxSurge"], default: .percent(25))
        maxUnavailable = IntOrPercent(canary["maxUnavailable"], default: .percent(25))
        scaleDownDelaySeconds = canary["scaleDownDelaySeconds"]?.intValue.map(Int.init) ?? 30
        abortScaleDownDelaySeconds = canary["abortScaleDownDelaySeconds"]?.intValue.map(Int.init) ?? 30
        dynamicStableScale = canary["dynamicStableScale"]?.boolValue ?? false
        minPodsPerReplicaSet = canary["minPodsPerReplicaSet"]?.intValue.map(Int.init)
        trafficRouting = canary["trafficRouting"]
        analysis = canary["analysis"]
    }

    /// True when a traffic router carries the weight and replica counts only make room for it.
    public var isTrafficRouted: Bool { trafficRouting != nil && trafficRouting != .null }
}

/// One canary step. Argo allows one of setWeight, pause, experiment and analysis per step; the routing and
/// scale actions (setCanaryScale, setHeaderRoute, setMirrorRoute, plugin) may join one of them.
public struct CanaryStep: Sendable, Equatable {
    /// The actions Argo Rollouts defines for a step.
    public static let knownActions = [
        "setWeight", "pause", "analysis", "experiment", "setCanaryScale", "setHeaderRoute", "setMirrorRoute",
        "plugin",
    ]
    /// The actions a step may hold only one of.
    public static let exclusiveActions = ["setWeight", "pause", "experiment", "analysis"]

    public var raw: JSON

    public init(_ raw: JSON) { self.raw = raw }

    /// The step's members, in Argo's order of actions, unknown ones last.
    public var actions: [String] {
        let keys = Array(raw.objectValue?.keys ?? [:].keys)
        return Self.knownActions.filter(keys.contains) + keys.filter { !Self.knownActions.contains($0) }.sorted()
    }

    public var setWeight: Int? { raw["setWeight"]?.intValue.map(Int.init) }

    /// `setCanaryScale`: a fixed canary size, or a share of `replicas`, instead of the traffic weight's.
    public struct CanaryScale: Sendable, Equatable {
        public var replicas: Int?
        public var weight: Int?
        public var matchTrafficWeight: Bool
    }

    public var setCanaryScale: CanaryScale? {
        guard let scale = raw["setCanaryScale"], scale != .null else { return nil }
        return CanaryScale(
            replicas: scale["replicas"]?.intValue.map(Int.init), weight: scale["weight"]?.intValue.map(Int.init),
            matchTrafficWeight: scale["matchTrafficWeight"]?.boolValue ?? false)
    }

    /// The pause, if this is a pause step: nil duration waits for a promotion.
    public var pause: (isPause: Bool, duration: Duration?, invalid: String?) {
        guard let pause = raw["pause"] else { return (false, nil, nil) }
        guard let value = pause["duration"], value != .null else { return (true, nil, nil) }
        if let seconds = value.intValue {
            return seconds >= 0 ? (true, .seconds(seconds), nil) : (true, nil, "\(seconds)")
        }
        let text = value.stringValue ?? value.serialized()
        guard let duration = GoDuration.parse(text) else { return (true, nil, text) }
        return (true, duration, nil)
    }
}

/// `spec.strategy.blueGreen`, with Argo's defaults (auto-promotion on, scale-down delays 30 s).
public struct BlueGreenStrategy: Sendable, Equatable {
    public var activeService: String?
    public var previewService: String?
    public var previewReplicaCount: Int?
    public var autoPromotionEnabled: Bool
    public var autoPromotionSeconds: Int?
    public var scaleDownDelaySeconds: Int
    public var abortScaleDownDelaySeconds: Int
    public var prePromotionAnalysis: JSON?
    public var postPromotionAnalysis: JSON?

    public init(_ blueGreen: JSON) {
        activeService = blueGreen["activeService"]?.stringValue
        previewService = blueGreen["previewService"]?.stringValue
        previewReplicaCount = blueGreen["previewReplicaCount"]?.intValue.map(Int.init)
        autoPromotionEnabled = blueGreen["autoPromotionEnabled"]?.boolValue ?? true
        autoPromotionSeconds = blueGreen["autoPromotionSeconds"]?.intValue.map(Int.init)
        scaleDownDelaySeconds = blueGreen["scaleDownDelaySeconds"]?.intValue.map(Int.init) ?? 30
        abortScaleDownDelaySeconds = blueGreen["abortScaleDownDelaySeconds"]?.intValue.map(Int.init) ?? 30
        prePromotionAnalysis = blueGreen["prePromotionAnalysis"]
        postPromotionAnalysis = blueGreen["postPromotionAnalysis"]
    }
}
