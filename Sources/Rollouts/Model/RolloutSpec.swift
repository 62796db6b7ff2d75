import Kube

/// An `argoproj.io/v1alpha1` Rollout's spec, read with Argo Rollouts' defaults: 1 replica, 10 old ReplicaSets
/// kept, a 600 s progress deadline, and the strategy's own defaults. Reading never fails: what is wrong is
/// for `RolloutValidation` to name.
public struct RolloutSpec: Sendable, Equatable {
    public var replicas: Int
    public var selector: JSON?
    public var template: JSON?
    /// A Deployment whose pod template the Rollout uses instead of its own.
    public var workloadRef: JSON?
    public var minReadySeconds: Int
    public var revisionHistoryLimit: Int
    public var paused: Bool
    public var progressDeadlineSeconds: Int
    public var progressDeadlineAbort: Bool
    public var restartAt: String?
    public var strategy: Strategy?

    /// Canary or blue-green; nil when the spec names neither (or both, which validation reports).
    public enum Strategy: Sendable, Equatable {
        case canary(CanaryStrategy)
        case blueGreen(BlueGreenStrategy)
    }

    public init(_ spec: JSON) {
        replicas = spec["replicas"]?.intValue.map(Int.init) ?? 1
        selector = spec["selector"]
        template = spec["template"]
        workloadRef = spec["workloadRef"]
        minReadySeconds = spec["minReadySeconds"]?.intValue.map(Int.init) ?? 0
        revisionHistoryLimit = spec["revisionHistoryLimit"]?.intValue.map(Int.init) ?? 10
        paused = spec["paused"]?.boolValue ?? false
        progressDeadlineSeconds = spec["progressDeadlineSeconds"]?.intValue.map(Int.init) ?? 600
        progressDeadlineAbort = spec["progressDeadlineAbort"]?.boolValue ?? false
        restartAt = spec["restartAt"]?.stringValue
        let canary = spec["strategy"]?["canary"]
        let blueGreen = spec["strategy"]?["blueGreen"]
        switch (canary, blueGreen) {
        case (let canary?, nil): strategy = .canary(CanaryStrategy(canary))
        case (nil, let blueGreen?): strategy = .blueGreen(BlueGreenStrategy(blueGreen))
        default: strategy = nil
        }
    }
}

/// A replica count or a percentage of the desired replicas (`maxSurge: 25%`).
public enum IntOrPercent: Sendable, Equatable {
    case count(Int)
    case percent(Int)

    /// Reads `value`, or nil for a value that is neither an integer nor `N%`.
    public init?(_ value: JSON?, default fallback: IntOrPercent) {
        guard let value, value != .null else {
            self = fallback
            return
        }
        if let count = value.intValue {
            self = .count(Int(count))
        } else if let text = value.stringValue, text.hasSuffix("%"), let percent = Int(text.dropLast()) {
            self = .percent(percent)
        } else if let text = value.stringValue, let count = Int(text) {
            self = .count(count)
        } else {
            return nil
        }
    }

    /// The count for `total` replicas; a percentage rounds up (`roundUp`, maxSurge) or down (maxUnavailable).
    public func resolve(total: Int, roundUp: Bool) -> Int {
        switch self {
        case .count(let count): return count
        case .percent(let percent):
            let scaled = total * percent
            return roundUp ? (scaled + 99) / 100 : scaled / 100
        }
    }
}
