import Kube

/// The parts of a Rollout's `status` the canary engine reads and writes, under Argo Rollouts' field names.
public struct RolloutStatus: Sendable, Equatable {
    public var currentPodHash: String?
    public var stableRS: String?
    public var currentStepIndex: Int?
    /// Why the rollout is paused (`CanaryPauseStep`), each with its start time.
    public var pauseConditions: [JSON]
    /// Set while the controller holds a pause step; a promotion clears `pauseConditions` and the controller
    /// moves on.
    public var controllerPause: Bool
    public var abort: Bool
    public var promoteFull: Bool

    public init(_ status: JSON?) {
        currentPodHash = status?["currentPodHash"]?.stringValue
        stableRS = status?["stableRS"]?.stringValue
        currentStepIndex = status?["currentStepIndex"]?.intValue.map(Int.init)
        pauseConditions = status?["pauseConditions"]?.arrayValue ?? []
        controllerPause = status?["controllerPause"]?.boolValue ?? false
        abort = status?["abort"]?.boolValue ?? false
        promoteFull = status?["promoteFull"]?.boolValue ?? false
    }

    /// When the current pause step began, if the controller is holding one.
    public var pauseStart: String? {
        pauseConditions.first { $0["reason"] == "CanaryPauseStep" }?["startTime"]?.stringValue
    }
}
