import Foundation
import Kube

/// A ReplicaSet as the planner sees it.
public struct ReplicaSetState: Sendable, Equatable {
    public var name: String
    public var hash: String
    public var replicas: Int
    public var available: Int
    /// The `rollout.argoproj.io/revision` it was created (or last reused) at.
    public var revision: Int

    public init(name: String, hash: String, replicas: Int, available: Int, revision: Int = 0) {
        self.name = name
        self.hash = hash
        self.replicas = replicas
        self.available = available
        self.revision = revision
    }
}

/// Old ReplicaSets beyond `revisionHistoryLimit`: the oldest revisions among those scaled to zero.
public enum RevisionHistory {
    public static let annotation = "rollout.argoproj.io/revision"

    public static func excess(_ old: [ReplicaSetState], limit: Int) -> [String] {
        let idle = old.filter { $0.replicas == 0 && $0.available == 0 }.sorted { $0.revision > $1.revision }
        return idle.dropFirst(max(limit, 0)).map(\.name)
    }
}

/// What a canary Rollout should do now: the pure decision of the rollout engine. Given the spec, the status
/// and the ReplicaSets, it returns the replica count each ReplicaSet should have and the status to write.
/// Weight is carried by replica counts (no traffic router yet): the canary is scaled to its share first and
/// the stable side shrinks only once the canary's pods are available, so capacity never drops below the
/// stable's share.
public struct CanaryPlanner {
    public var spec: RolloutSpec
    public var canary: CanaryStrategy
    public var status: RolloutStatus
    public var currentHash: String
    public var newRS: ReplicaSetState?
    public var stableRS: ReplicaSetState?
    public var others: [ReplicaSetState]
    public var now: Date
    /// The AnalysisRun of the analysis step the status records, if it exists.
    public var stepRun: AnalysisRunState?
    /// The background AnalysisRun the status records, if it exists.
    public var backgroundRun: AnalysisRunState?

    /// The planner's answer.
    public struct Plan: Sendable, Equatable {
        /// ReplicaSet name → replicas; the new ReplicaSet, when it does not exist yet, under `newReplicaSet`.
        public var scale: [String: Int] = [:]
        public var newReplicaSet: Int?
        public var status: RolloutStatus
        public var phase = "Progressing"
        public var message = ""
        public var requeueAfter: Duration?
        /// An analysis step reached whose AnalysisRun must be started.
        public var wantStepAnalysis: Int?
        /// Background analysis is due and its AnalysisRun must be started.
        public var wantBackgroundAnalysis = false
        /// The AnalysisRuns still needed; the controller terminates the Rollout's other running ones.
        public var keepRuns: Set<String> = []
        /// With a traffic router: the weight it should give the canary now.
        public var routerWeight: Int?
        /// When the timed pause this plan moves past ended (for `capstan bench rollouts`).
        public var pauseEnded: Date?
    }

    /// True when a traffic router carries the weight and replica counts only make room for it.
    var trafficRouted: Bool { canary.trafficRouting != nil && canary.trafficRouting != .null }

    public init(
        spec: RolloutSpec, canary: CanaryStrategy, status: RolloutStatus, currentHash: String,
        newRS: ReplicaSetState?, stableRS: ReplicaSetState?, others: [ReplicaSetState], now: Date
    ) {
        self.spec = spec
        self.canary = canary
        self.status = status
        self.currentHash = currentHash
        self.newRS = newRS
        self.stableRS = stableRS
        self.others = others
        self.now = now
    }

    public func plan() -> Plan {
        var plan = Plan(status: status)
        if trafficRouted { plan.routerWeight = status.routedWeight ?? 0 }
        for other in others where other.replicas > 0 { plan.scale[other.name] = 0 }
        if status.currentPodHash != currentHash {
            plan.status.currentPodHash = currentHash
            plan.status.currentStepIndex = 0
            plan.status.pauseConditions = []
            plan.status.controllerPause = false
            plan.status.abort = false
            plan.status.promoteFull = false
            plan.status.stepRun = nil
            plan.status.backgroundRun = nil
        }
        guard let stable = stableRS, stable.hash != currentHash else { return fullyPromoted(plan) }
        if plan.status.abort { return aborted(plan, stable: stable) }
        if spec.paused {
            plan.phase = "Paused"
            plan.message = "manually paused"
            plan.keepRuns = Set([status.stepRun?.name, status.backgroundRun?.name].compactMap { $0 })
            return plan
        }
        var index = plan.status.currentStepIndex ?? 0
        while index < canary.steps.count && !plan.status.promoteFull {
            switch backgroundGate(index: index, &plan) {
            case .proceed: break
            case .hold: return plan
            case .abort: return aborted(plan, stable: stable)
            }
            let weight = CanaryWeights.setWeight(steps: canary.steps, index: index, aborted: false)
            let reached = scaleTo(weight: weight, stable: stable, plan: &plan)
            let step = canary.steps[index]
            if step.pause.isPause {
                guard let next = paused(step, &plan) else { break }
                index = next
                continue
            }
            if step.raw["analysis"] != nil {
                switch stepAnalysisGate(index: index, &plan) {
                case .proceed:
                    index = advance(from: index, &plan)
                    continue
                case .hold: break
                case .abort: return aborted(plan, stable: stable)
                }
                break
            }
            guard reached else {
                plan.message = "more replicas need to be updated"
                break
            }
            index += 1
        }
        plan.status.currentStepIndex = index
        if index >= canary.steps.count || plan.status.promoteFull {
            plan.status.currentStepIndex = canary.steps.count
            return fullyPromoted(plan)
        }
        return plan
    }

    /// Scales the new and stable ReplicaSets toward `weight`; true once the canary's share is available and
    /// the stable side is down to its share.
    func scaleTo(weight: Int, stable: ReplicaSetState, plan: inout Plan) -> Bool {
        let desired = CanaryWeights.desiredReplicas(
            replicas: spec.replicas, weight: weight, trafficRouted: trafficRouted, stableExists: true)
        plan.setNew(desired.canary, newRS: newRS)
        let canaryAvailable = (newRS?.available ?? 0) >= desired.canary
        // The router moves traffic only to pods that can take it.
        if trafficRouted && canaryAvailable { plan.routerWeight = weight }
        let stableTarget = canaryAvailable ? desired.stable : max(stable.replicas, desired.stable)
        if stable.replicas != stableTarget { plan.scale[stable.name] = stableTarget }
        return canaryAvailable && stableTarget == desired.stable && stable.available >= desired.stable
    }

    /// A pause step: the index to go on with, or nil while it holds.
    func paused(_ step: CanaryStep, _ plan: inout Plan) -> Int? {
        let index = plan.status.currentStepIndex ?? 0
        if let start = plan.status.pauseStart.flatMap(KubeTime.parse) {
            if let duration = step.pause.duration {
                let ends = start.addingTimeInterval(duration.timeInterval)
                if now >= ends {
                    plan.pauseEnded = ends
                    return advance(from: index, &plan)
                }
                plan.requeueAfter = .milliseconds(Int64(ends.timeIntervalSince(now) * 1000) + 50)
            }
            plan.phase = "Paused"
            plan.message = "CanaryPauseStep"
            return nil
        }
        if plan.status.controllerPause {
            return advance(from: index, &plan)  // promoted: the pause condition was cleared
        }
        plan.status.pauseConditions = [["reason": "CanaryPauseStep", "startTime": .string(KubeTime.format(now))]]
        plan.status.controllerPause = true
        plan.phase = "Paused"
        plan.message = "CanaryPauseStep"
        if let duration = step.pause.duration { plan.requeueAfter = duration + .milliseconds(50) }
        return nil
    }

    func advance(from index: Int, _ plan: inout Plan) -> Int {
        plan.status.pauseConditions = []
        plan.status.controllerPause = false
        plan.status.currentStepIndex = index + 1
        return index + 1
    }

    /// Everything on the new ReplicaSet; once it is all available it becomes the stable one.
    func fullyPromoted(_ plan: Plan) -> Plan {
        var plan = plan
        plan.setNew(spec.replicas, newRS: newRS)
        guard (newRS?.available ?? 0) >= spec.replicas else {
            plan.message = "waiting for the new ReplicaSet's pods to become available"
            return plan
        }
        if let stable = stableRS, stable.hash != currentHash, stable.replicas > 0 { plan.scale[stable.name] = 0 }
        plan.status.stableRS = currentHash
        // Both Services now select the new version: the router sends nothing to "canary" any more.
        if trafficRouted { plan.routerWeight = 0 }
        plan.status.currentStepIndex = canary.steps.count
        plan.status.pauseConditions = []
        plan.status.controllerPause = false
        plan.status.promoteFull = false
        plan.phase = "Healthy"
        plan.message = ""
        return plan
    }

    /// An aborted update: the stable side back to full size, the canary scaled away.
    func aborted(_ plan: Plan, stable: ReplicaSetState) -> Plan {
        var plan = plan
        plan.setNew(0, newRS: newRS)
        if stable.replicas != spec.replicas { plan.scale[stable.name] = spec.replicas }
        if trafficRouted { plan.routerWeight = 0 }
        plan.status.pauseConditions = []
        plan.status.controllerPause = false
        plan.status.currentStepIndex = 0  // a retry starts the steps over
        plan.phase = "Degraded"
        plan.message = "RolloutAborted: Rollout aborted update to revision \(currentHash)"
        let failedRun = [plan.status.stepRun, plan.status.backgroundRun].compactMap { $0 }.first {
            ["Failed", "Error"].contains($0.status)
        }
        if let failedRun, !failedRun.message.isEmpty { plan.message += ": \(failedRun.message)" }
        plan.keepRuns = []
        return plan
    }

}

extension Duration {
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
