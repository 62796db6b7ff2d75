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
    /// The AnalysisRun of the current analysis step (`status.canary.currentStepAnalysisRunStatus`).
    public var stepRun: AnalysisRunRef?
    /// The background AnalysisRun (`status.canary.currentBackgroundAnalysisRunStatus`).
    public var backgroundRun: AnalysisRunRef?
    /// Blue-green's AnalysisRuns (`status.blueGreen.prePromotionAnalysisRunStatus`, `postPromotion...`).
    public var prePromotionRun: AnalysisRunRef?
    public var postPromotionRun: AnalysisRunRef?
    /// The weight the traffic routers give the canary (`status.canary.weights.canary.weight`).
    public var routedWeight: Int?

    public init(_ status: JSON?) {
        currentPodHash = status?["currentPodHash"]?.stringValue
        stableRS = status?["stableRS"]?.stringValue
        currentStepIndex = status?["currentStepIndex"]?.intValue.map(Int.init)
        pauseConditions = status?["pauseConditions"]?.arrayValue ?? []
        controllerPause = status?["controllerPause"]?.boolValue ?? false
        abort = status?["abort"]?.boolValue ?? false
        promoteFull = status?["promoteFull"]?.boolValue ?? false
        stepRun = AnalysisRunRef(status?["canary"]?["currentStepAnalysisRunStatus"])
        backgroundRun = AnalysisRunRef(status?["canary"]?["currentBackgroundAnalysisRunStatus"])
        routedWeight = status?["canary"]?["weights"]?["canary"]?["weight"]?.intValue.map(Int.init)
        prePromotionRun = AnalysisRunRef(status?["blueGreen"]?["prePromotionAnalysisRunStatus"])
        postPromotionRun = AnalysisRunRef(status?["blueGreen"]?["postPromotionAnalysisRunStatus"])
    }

    /// When the current pause step began, if the controller is holding one.
    public var pauseStart: String? {
        pauseConditions.first { $0["reason"] == "CanaryPauseStep" }?["startTime"]?.stringValue
    }
}

/// An AnalysisRun a Rollout waits on, as its status records it: name, phase and message.
public struct AnalysisRunRef: Sendable, Equatable {
    public var name: String
    public var status: String
    public var message: String

    public init(name: String, status: String, message: String = "") {
        self.name = name
        self.status = status
        self.message = message
    }

    init?(_ json: JSON?) {
        guard let name = json?["name"]?.stringValue, !name.isEmpty else { return nil }
        self.init(
            name: name, status: json?["status"]?.stringValue ?? "", message: json?["message"]?.stringValue ?? "")
    }

    var json: JSON {
        var json: JSON = ["name": .string(name), "status": .string(status)]
        if !message.isEmpty { json["message"] = .string(message) }
        return json
    }
}
