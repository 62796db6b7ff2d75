import Foundation
import Kube
import Rollouts
import Testing

/// Argo Rollouts' defaults, and the weights and replica counts a canary steps through.
@Suite struct RolloutModelTests {
    @Test func defaultsAreArgos() {
        let spec = RolloutSpec(["strategy": ["canary": [:]]])
        #expect(spec.replicas == 1 && spec.revisionHistoryLimit == 10 && spec.progressDeadlineSeconds == 600)
        guard case .canary(let canary) = spec.strategy else {
            Issue.record("not a canary")
            return
        }
        #expect(canary.maxSurge == .percent(25) && canary.maxUnavailable == .percent(25))
        #expect(canary.scaleDownDelaySeconds == 30 && canary.abortScaleDownDelaySeconds == 30)
        let blueGreen = RolloutSpec(["strategy": ["blueGreen": ["activeService": "a"]]])
        guard case .blueGreen(let bg) = blueGreen.strategy else {
            Issue.record("not blue-green")
            return
        }
        #expect(bg.autoPromotionEnabled && bg.scaleDownDelaySeconds == 30 && bg.previewService == nil)
    }

    @Test func surgeRoundsUpAndUnavailabilityDown() {
        #expect(IntOrPercent.percent(25).resolve(total: 10, roundUp: true) == 3)
        #expect(IntOrPercent.percent(25).resolve(total: 10, roundUp: false) == 2)
        #expect(IntOrPercent(JSON.string("1"), default: .count(0)) == .count(1))
        #expect(IntOrPercent(JSON.string("many"), default: .count(0)) == nil)
    }

    @Test func theWeightIsTheLastSetWeightReached() {
        let steps = [["setWeight": 20], ["pause": [:]], ["setWeight": 40], ["pause": ["duration": "10s"]]].map {
            CanaryStep(JSON($0))
        }
        #expect(CanaryWeights.setWeight(steps: steps, index: 0, aborted: false) == 20)
        #expect(CanaryWeights.setWeight(steps: steps, index: 1, aborted: false) == 20)
        #expect(CanaryWeights.setWeight(steps: steps, index: 3, aborted: false) == 40)
        #expect(CanaryWeights.setWeight(steps: steps, index: 4, aborted: false) == 100)
        #expect(CanaryWeights.setWeight(steps: steps, index: 2, aborted: true) == 0)
        #expect(CanaryWeights.setWeight(steps: [CanaryStep(["pause": [:]])], index: 0, aborted: false) == 0)
        #expect(steps[3].pause.duration == .seconds(10) && steps[1].pause.isPause && steps[1].pause.duration == nil)
    }

    @Test func replicaCountsRoundUpOnBothSides() {
        func desired(_ replicas: Int, _ weight: Int, routed: Bool = false, stable: Bool = true) -> [Int] {
            let counts = CanaryWeights.desiredReplicas(
                replicas: replicas, weight: weight, trafficRouted: routed, stableExists: stable)
            return [counts.canary, counts.stable]
        }
        #expect(desired(10, 10) == [1, 9])
        #expect(desired(10, 41) == [5, 6])
        #expect(CanaryWeights.roundsUpBothSides(replicas: 10, weight: 41))
        #expect(!CanaryWeights.roundsUpBothSides(replicas: 10, weight: 40))
        #expect(desired(1, 5) == [1, 1])
        #expect(desired(10, 41, routed: true) == [5, 10])
        #expect(desired(10, 41, stable: false) == [10, 0])
        #expect(desired(4, 0) == [0, 4] && desired(4, 100) == [4, 0])
    }

    @Test func aLaterStepsSizeReplacesAnEarlierOneInTheSamePlan() {
        let spec = RolloutSpec([
            "replicas": 5, "strategy": ["canary": ["steps": [["setWeight": 20], ["setWeight": 40], ["pause": [:]]]]],
        ])
        guard case .canary(let canary) = spec.strategy else {
            Issue.record("not a canary")
            return
        }
        var status = RolloutStatus(nil)
        status.currentPodHash = "new"
        status.stableRS = "old"
        status.currentStepIndex = 0
        // The canary already has step 2's two pods: passing step 1 (one pod) must not scale it down to one.
        let planner = CanaryPlanner(
            spec: spec, canary: canary, status: status, currentHash: "new",
            newRS: ReplicaSetState(name: "n", hash: "new", replicas: 2, available: 2),
            stableRS: ReplicaSetState(name: "o", hash: "old", replicas: 4, available: 4), others: [], now: Date())
        let plan = planner.plan()
        #expect(plan.scale["n"] == nil, "\(plan.scale)")
        #expect(plan.status.currentStepIndex == 2 && plan.phase == "Paused")
    }
}
