import Foundation
import Kube

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
    /// When each ReplicaSet waiting to be scaled down may be (its `scale-down-deadline` annotation).
    public var deadlines: [String: Date] = [:]

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
        /// ReplicaSet name → the scale-down deadline to record on it.
        public var newDeadlines: [String: Date] = [:]

        /// Takes back the resizing asked since `earlier`.
        mutating func keepScaling(of earlier: Plan) {
            (scale, newReplicaSet, routerWeight) = (earlier.scale, earlier.newReplicaSet, earlier.routerWeight)
        }
    }

    /// True when a traffic router carries the weight and replica counts only make room for it.
    var trafficRouted: Bool { canary.isTrafficRouted }

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
        plan.scaleDown(others, deadlines: deadlines, now: now)
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
        // Once this plan has moved past a step, the next step's scaling waits for the next reconcile, so the
        // ReplicaSets are never resized ahead of the step index the status records (a controller stopped
        // between the two writes resumes at the right step).
        var advanced = false
        while index < canary.steps.count && !plan.status.promoteFull {
            switch backgroundGate(index: index, &plan) {
            case .proceed: break
            case .hold: return plan
            case .abort: return aborted(plan, stable: stable)
            }
            let weight = CanaryWeights.setWeight(steps: canary.steps, index: index, aborted: false)
            let before = plan
            let reached = scaleTo(weight: weight, index: index, stable: stable, plan: &plan)
            if advanced && !reached {
                plan.keepScaling(of: before)
                plan.message = "more replicas need to be updated"
                break
            }
            let step = canary.steps[index]
            if step.pause.isPause {
                guard let next = paused(step, &plan) else { break }
                (index, advanced) = (next, true)
                continue
            }
            if step.raw["analysis"] != nil {
                switch stepAnalysisGate(index: index, &plan) {
                case .proceed:
                    (index, advanced) = (advance(from: index, &plan), true)
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
            (index, advanced) = (index + 1, true)
        }
        plan.status.currentStepIndex = index
        if index >= canary.steps.count || plan.status.promoteFull {
            plan.status.currentStepIndex = canary.steps.count
            return fullyPromoted(plan, holdScaling: advanced)
        }
        return plan
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
                plan.requeueAfter = WakeUp.after(ends, now: now)
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
        if let duration = step.pause.duration {
            plan.requeueAfter = WakeUp.after(WakeUp.recorded(now).addingTimeInterval(duration.timeInterval), now: now)
        }
        return nil
    }

    func advance(from index: Int, _ plan: inout Plan) -> Int {
        plan.status.pauseConditions = []
        plan.status.controllerPause = false
        plan.status.currentStepIndex = index + 1
        return index + 1
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
