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

    @Test func aStepsResizingWaitsForTheStatusThatRecordsTheStep() {
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
        func plan(canaryPods: Int, stablePods: Int, at step: Int) -> CanaryPlanner.Plan {
            status.currentStepIndex = step
            return CanaryPlanner(
                spec: spec, canary: canary, status: status, currentHash: "new",
                newRS: ReplicaSetState(name: "n", hash: "new", replicas: canaryPods, available: canaryPods),
                stableRS: ReplicaSetState(name: "o", hash: "old", replicas: stablePods, available: stablePods),
                others: [], now: Date()
            ).plan()
        }
        // Step 0 (20% of 5: one canary pod) is reached: the plan records step 1 and resizes nothing yet.
        let advancing = plan(canaryPods: 1, stablePods: 4, at: 0)
        #expect(advancing.scale.isEmpty && advancing.newReplicaSet == nil, "\(advancing.scale)")
        #expect(advancing.status.currentStepIndex == 1 && advancing.phase == "Progressing")
        // The next reconcile, at step 1, resizes to 40% (2 canary, 3 stable) within maxSurge and maxUnavailable.
        let resizing = plan(canaryPods: 1, stablePods: 4, at: 1)
        #expect(resizing.scale == ["n": 2, "o": 3], "\(resizing.scale)")
        #expect(resizing.status.currentStepIndex == 1)
        // Once 40% is reached the pause step holds.
        let pausing = plan(canaryPods: 2, stablePods: 3, at: 1)
        #expect(pausing.scale.isEmpty && pausing.status.currentStepIndex == 2 && pausing.phase == "Paused")
    }

    /// A timed pause is measured from its recorded start (whole seconds, as Argo measures it) and the controller
    /// is woken when it ends, not a fixed margin later.
    @Test func aTimedPauseWakesTheControllerWhenItEnds() throws {
        let spec = RolloutSpec(["replicas": 1, "strategy": ["canary": ["steps": [["pause": ["duration": "10s"]]]]]])
        guard case .canary(let canary) = spec.strategy else {
            Issue.record("not a canary")
            return
        }
        var status = RolloutStatus(nil)
        (status.currentPodHash, status.stableRS, status.currentStepIndex) = ("new", "old", 0)
        let now = try #require(KubeTime.parse("2026-12-01T12:00:00Z")).addingTimeInterval(0.7)
        func plan(_ status: RolloutStatus, at now: Date) -> CanaryPlanner.Plan {
            CanaryPlanner(
                spec: spec, canary: canary, status: status, currentHash: "new",
                newRS: ReplicaSetState(name: "n", hash: "new", replicas: 1, available: 1),
                stableRS: ReplicaSetState(name: "o", hash: "old", replicas: 0, available: 0), others: [], now: now
            ).plan()
        }
        let started = plan(status, at: now)
        #expect(started.phase == "Paused")
        #expect(started.requeueAfter == .milliseconds(9_300) + WakeUp.margin)
        let later = plan(started.status, at: now.addingTimeInterval(5))
        #expect(later.requeueAfter == .milliseconds(4_300) + WakeUp.margin)
        let ended = plan(started.status, at: now.addingTimeInterval(9.3))
        #expect(ended.status.currentStepIndex == 1 && ended.pauseEnded == KubeTime.parse("2026-12-01T12:00:10Z"))
    }
}
