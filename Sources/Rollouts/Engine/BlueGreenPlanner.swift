import Analysis
import Foundation
import Kube

/// What a blue-green Rollout should do now, the pure decision beside `CanaryPlanner`: the new version comes up
/// beside the old one (`previewReplicaCount` pods, all by default) behind the preview Service; once it is
/// available the Rollout pauses for a promotion (`autoPromotionEnabled: false`), waits `autoPromotionSeconds`,
/// or goes on at once; promotion scales the new version to full size, points the active Service at it, and
/// leaves the old version running `scaleDownDelaySeconds` (30) before scaling it to zero. An abort points the
/// preview Service back at the stable version and scales the new one away (after
/// `abortScaleDownDelaySeconds`; 0 keeps it).
public struct BlueGreenPlanner {
    public var spec: RolloutSpec
    public var blueGreen: BlueGreenStrategy
    public var status: RolloutStatus
    public var currentHash: String
    public var newRS: ReplicaSetState?
    public var stableRS: ReplicaSetState?
    public var others: [ReplicaSetState]
    /// When each ReplicaSet waiting to be scaled down may be (its `scale-down-deadline` annotation).
    public var deadlines: [String: Date]
    public var now: Date
    /// The pre- and post-promotion AnalysisRuns the status records, if they exist.
    public var preRun: AnalysisRunState?
    public var postRun: AnalysisRunState?

    public static let pauseReason = "BlueGreenPause"
    public static let deadlineAnnotation = "argo-rollouts.argoproj.io/scale-down-deadline"

    /// The planner's answer.
    public struct Plan: RolloutPlan, Equatable {
        public var scale: [String: Int] = [:]
        public var newReplicaSet: Int?
        public var status: RolloutStatus
        public var phase = "Progressing"
        public var message = ""
        public var requeueAfter: Duration?
        /// The pod template hash the active and preview Services should select.
        public var activeSelector: String?
        public var previewSelector: String?
        /// ReplicaSet name → the scale-down deadline to record on it.
        public var newDeadlines: [String: Date] = [:]
        /// Pre- or post-promotion analysis is due and its AnalysisRun must be started.
        public var wantPrePromotion = false
        public var wantPostPromotion = false
        /// The AnalysisRuns still needed; the controller terminates the Rollout's other running ones.
        public var keepRuns: Set<String> = []
    }

    public init(
        spec: RolloutSpec, blueGreen: BlueGreenStrategy, status: RolloutStatus, currentHash: String,
        newRS: ReplicaSetState?, stableRS: ReplicaSetState?, others: [ReplicaSetState], deadlines: [String: Date],
        now: Date
    ) {
        self.spec = spec
        self.blueGreen = blueGreen
        self.status = status
        self.currentHash = currentHash
        self.newRS = newRS
        self.stableRS = stableRS
        self.others = others
        self.deadlines = deadlines
        self.now = now
    }

    public func plan() -> Plan {
        var plan = Plan(status: status)
        if status.currentPodHash != currentHash {
            plan.status.currentPodHash = currentHash
            plan.status.pauseConditions = []
            plan.status.controllerPause = false
            plan.status.abort = false
            plan.status.promoteFull = false
            plan.status.prePromotionRun = nil
            plan.status.postPromotionRun = nil
        }
        plan.status.currentStepIndex = nil
        plan.scaleDown(others, deadlines: deadlines, now: now)
        guard let stable = stableRS, stable.hash != currentHash else { return settled(plan) }
        if plan.status.abort { return aborted(plan, stable: stable) }
        plan.activeSelector = stable.hash
        plan.previewSelector = currentHash
        if stable.replicas != spec.replicas { plan.scale[stable.name] = spec.replicas }
        if spec.paused {
            plan.setNew(blueGreen.previewReplicaCount ?? spec.replicas, newRS: newRS)
            plan.phase = "Paused"
            plan.message = "manually paused"
            return plan
        }
        let preview = blueGreen.previewReplicaCount ?? spec.replicas
        let promoting = plan.status.promoteFull || (plan.status.controllerPause && plan.status.pauseConditions.isEmpty)
        plan.setNew(promoting ? spec.replicas : preview, newRS: newRS)
        guard (newRS?.available ?? 0) >= preview else {
            plan.message = "waiting for the new ReplicaSet's preview pods to become available"
            return plan
        }
        switch gate(preRun, configured: blueGreen.prePromotionAnalysis, isPre: true, promoting: promoting, &plan) {
        case .proceed: break
        case .hold:
            if plan.wantPrePromotion { plan.message = "starting the pre-promotion analysis" }
            return plan
        case .abort: return aborted(plan, stable: stable)
        }
        if !promoting, let held = holdForPromotion(&plan) { return held }
        plan.setNew(spec.replicas, newRS: newRS)
        guard (newRS?.available ?? 0) >= spec.replicas else {
            plan.message = "waiting for the new ReplicaSet's pods to become available before the switch"
            return plan
        }
        // The switch: the active Service moves to the new version; it becomes stable once the post-promotion
        // analysis (if any) passes, and the old version then waits out its delay.
        plan.activeSelector = currentHash
        switch gate(postRun, configured: blueGreen.postPromotionAnalysis, isPre: false, promoting: true, &plan) {
        case .proceed: break
        case .hold:
            if plan.wantPostPromotion { plan.message = "starting the post-promotion analysis" }
            return plan
        case .abort: return aborted(plan, stable: stable)
        }
        plan.newDeadlines[stable.name] = now.addingTimeInterval(TimeInterval(blueGreen.scaleDownDelaySeconds))
        return settled(plan)
    }

    enum Gate {
        case proceed
        case hold
        case abort
    }

    /// Pre- or post-promotion analysis: Successful goes on, Failed or Error aborts, Inconclusive holds until a
    /// promotion, anything else waits.
    func gate(_ run: AnalysisRunState?, configured: JSON?, isPre: Bool, promoting: Bool, _ plan: inout Plan) -> Gate {
        guard let configured, configured != .null else { return .proceed }
        guard let run else {
            if isPre { plan.wantPrePromotion = true } else { plan.wantPostPromotion = true }
            return .hold
        }
        if isPre { plan.status.prePromotionRun = run.ref } else { plan.status.postPromotionRun = run.ref }
        plan.keepRuns.insert(run.name)
        switch run.phase {
        case .successful?:
            plan.keepRuns.remove(run.name)
            return .proceed
        case .failed?, .error?:
            plan.status.abort = true
            return .abort
        case .inconclusive? where promoting: return .proceed
        case .inconclusive?:
            plan.phase = "Paused"
            plan.message = "InconclusiveAnalysisRun"
            return .hold
        default:
            plan.message = "waiting for AnalysisRun \(run.name)"
            return .hold
        }
    }

    /// A pause before promotion, or nil to promote now.
    func holdForPromotion(_ plan: inout Plan) -> Plan? {
        let pauseStart = plan.status.pauseConditions.first { $0["reason"]?.stringValue == Self.pauseReason }?[
            "startTime"]?.stringValue.flatMap(KubeTime.parse)
        if blueGreen.autoPromotionEnabled && blueGreen.autoPromotionSeconds == nil { return nil }
        if blueGreen.autoPromotionEnabled, let seconds = blueGreen.autoPromotionSeconds, let pauseStart {
            let due = pauseStart.addingTimeInterval(TimeInterval(seconds))
            if now >= due { return nil }
            plan.requeueAfter = WakeUp.after(due, now: now)
        }
        if pauseStart == nil {
            plan.status.pauseConditions = [
                ["reason": .string(Self.pauseReason), "startTime": .string(KubeTime.format(now))]
            ]
            plan.status.controllerPause = true
            if let seconds = blueGreen.autoPromotionSeconds, blueGreen.autoPromotionEnabled {
                plan.requeueAfter = WakeUp.after(
                    WakeUp.recorded(now).addingTimeInterval(TimeInterval(seconds)), now: now)
            }
        }
        plan.phase = "Paused"
        plan.message = Self.pauseReason
        return plan
    }

    /// Everything on the current version and both Services on it: Healthy once all of it is available.
    func settled(_ plan: Plan) -> Plan {
        var plan = plan
        plan.setNew(spec.replicas, newRS: newRS)
        plan.activeSelector = currentHash
        plan.previewSelector = currentHash
        guard (newRS?.available ?? 0) >= spec.replicas else {
            plan.message = "waiting for the new ReplicaSet's pods to become available"
            return plan
        }
        plan.markHealthy(currentHash)
        return plan
    }

    func aborted(_ plan: Plan, stable: ReplicaSetState) -> Plan {
        var plan = plan
        plan.activeSelector = stable.hash
        plan.previewSelector = stable.hash
        if stable.replicas != spec.replicas { plan.scale[stable.name] = spec.replicas }
        if blueGreen.abortScaleDownDelaySeconds > 0, let newRS {
            plan.scaleDown(newRS, afterSeconds: blueGreen.abortScaleDownDelaySeconds, deadlines: deadlines, now: now)
        }
        plan.markAborted(currentHash, runs: [plan.status.prePromotionRun, plan.status.postPromotionRun])
        plan.keepRuns = []
        return plan
    }
}
