import Foundation

/// Sizing the canary and the stable ReplicaSet for a weight, reaching full promotion, and scaling back after
/// an abort. The counts come from `CanaryScaling`; this decides which to ask for and when a step's size is
/// reached.
extension CanaryPlanner {
    /// `maxSurge` and `maxUnavailable` as pod counts. Both zero would forbid any move, so unavailability is
    /// then one pod, as in Argo Rollouts.
    var limits: (surge: Int, unavailable: Int) {
        let surge = (canary.maxSurge ?? .percent(25)).resolve(total: spec.replicas, roundUp: true)
        var unavailable = (canary.maxUnavailable ?? .percent(25)).resolve(total: spec.replicas, roundUp: false)
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        return (surge, min(unavailable, spec.replicas))
    }

    /// The `setCanaryScale` in force at step `index`: the last one at or before it, unless that one says
    /// `matchTrafficWeight`. Only with a traffic router; without one the weight is the replica split.
    func canaryScale(at index: Int) -> CanaryStep.CanaryScale? {
        guard trafficRouted, index < canary.steps.count else { return nil }
        for step in canary.steps[...index].reversed() {
            guard let scale = step.setCanaryScale else { continue }
            return scale.matchTrafficWeight ? nil : scale
        }
        return nil
    }

    /// Asks for the replica counts of `weight` at step `index` (nil once the steps are done); true once the
    /// step's size is reached and available, so the steps may go on.
    func scaleTo(weight: Int, index: Int?, stable: ReplicaSetState, plan: inout Plan) -> Bool {
        guard trafficRouted else { return scaleByReplicas(weight: weight, stable: stable, plan: &plan) }
        let scale = index.flatMap(canaryScale(at:))
        let counts = CanaryScaling.routed(
            replicas: spec.replicas, weight: scale?.weight ?? weight, fixedCanary: scale?.replicas,
            dynamicStableScale: canary.dynamicStableScale, minPodsPerReplicaSet: canary.minPodsPerReplicaSet,
            actualCanaryWeight: status.routedWeight, aborted: false)
        plan.setNew(counts.canary, newRS: newRS)
        if stable.replicas != counts.stable { plan.scale[stable.name] = counts.stable }
        let canaryReady = newRS.map { $0.replicas == counts.canary && $0.available == counts.canary } ?? false
        // The router moves traffic only to pods that can take it.
        if canaryReady { plan.routerWeight = weight }
        let stableReady =
            canary.dynamicStableScale || (stable.replicas == counts.stable && stable.current == counts.stable)
        return canaryReady && stableReady
    }

    /// Without a router: toward the split closest to `weight`, paced by `maxSurge` and `maxUnavailable`.
    func scaleByReplicas(weight: Int, stable: ReplicaSetState, plan: inout Plan) -> Bool {
        let limits = limits
        let desired = CanaryScaling.approximate(replicas: spec.replicas, weight: weight, maxSurge: limits.surge)
        let next = CanaryScaling.paced(
            replicas: spec.replicas, desired: desired, maxSurge: limits.surge, maxUnavailable: limits.unavailable,
            newRS: newRS, stableRS: stable, others: others)
        plan.setNew(next.canary, newRS: newRS)
        if stable.replicas != next.stable { plan.scale[stable.name] = next.stable }
        let canaryReady = newRS.map { $0.replicas == desired.canary && $0.available == desired.canary } ?? false
        let stableReady = stable.replicas == desired.stable && stable.current == desired.stable
        return canaryReady && stableReady && others.allSatisfy { $0.available == 0 }
    }

    /// Everything on the new ReplicaSet. With a distinct stable one, the weight goes to 100 first; once the new
    /// version is all available it becomes the stable one, and with a router the old one waits out
    /// `scaleDownDelaySeconds` (traffic could still be draining from it). `holdScaling` when this plan already
    /// moved past a step: the resizing then waits for the next reconcile.
    func fullyPromoted(_ plan: Plan, holdScaling: Bool = false) -> Plan {
        var plan = plan
        if let stable = stableRS, stable.hash != currentHash {
            let before = plan
            guard scaleTo(weight: 100, index: nil, stable: stable, plan: &plan) else {
                if holdScaling { plan.keepScaling(of: before) }
                plan.message = "waiting for the new ReplicaSet's pods to become available"
                return plan
            }
            if trafficRouted && !canary.dynamicStableScale {
                plan.scale[stable.name] = nil
                plan.newDeadlines[stable.name] = now.addingTimeInterval(TimeInterval(canary.scaleDownDelaySeconds))
                plan.wakeUp(at: now.addingTimeInterval(TimeInterval(canary.scaleDownDelaySeconds)), now: now)
            } else if stable.replicas > 0 {
                plan.scale[stable.name] = 0
            }
        } else {
            // No update from a stable version (a first deploy, or back to the stable one): no steps to take.
            plan.status.currentStepIndex = canary.steps.count
            plan.setNew(spec.replicas, newRS: newRS)
            guard (newRS?.available ?? 0) >= spec.replicas else {
                plan.message = "waiting for the new ReplicaSet's pods to become available"
                return plan
            }
        }
        // Both Services now select the new version: the router sends nothing to "canary" any more.
        if trafficRouted { plan.routerWeight = 0 }
        plan.status.currentStepIndex = canary.steps.count
        plan.markHealthy(currentHash)
        return plan
    }

    /// An aborted update: traffic back on the stable version at once, the stable side back to full size, the
    /// canary scaled away (paced like any step without a router; after `abortScaleDownDelaySeconds` with one,
    /// 0 keeping it).
    func aborted(_ plan: Plan, stable: ReplicaSetState) -> Plan {
        var plan = plan
        if trafficRouted {
            abortRouted(&plan, stable: stable)
        } else {
            _ = scaleByReplicas(weight: 0, stable: stable, plan: &plan)
        }
        plan.status.currentStepIndex = 0  // a retry starts the steps over
        plan.markAborted(currentHash, runs: [plan.status.stepRun, plan.status.backgroundRun])
        plan.keepRuns = []
        return plan
    }

    /// With `dynamicStableScale` the stable side may be small: traffic returns to it only as fast as its pods
    /// become available, and the canary keeps the pods for the traffic it still has.
    func abortRouted(_ plan: inout Plan, stable: ReplicaSetState) {
        if stable.replicas != spec.replicas { plan.scale[stable.name] = spec.replicas }
        guard canary.dynamicStableScale else {
            plan.routerWeight = 0
            if canary.abortScaleDownDelaySeconds > 0, let newRS {
                plan.scaleDown(newRS, afterSeconds: canary.abortScaleDownDelaySeconds, deadlines: deadlines, now: now)
            }
            return
        }
        let stableShare = spec.replicas == 0 ? 100 : min(100, stable.available * 100 / spec.replicas)
        let actual = status.routedWeight ?? 0
        plan.routerWeight = min(actual, 100 - stableShare)
        let counts = CanaryScaling.routed(
            replicas: spec.replicas, weight: 0, fixedCanary: nil, dynamicStableScale: true,
            minPodsPerReplicaSet: canary.minPodsPerReplicaSet, actualCanaryWeight: actual, aborted: true)
        plan.setNew(counts.canary, newRS: newRS)
    }
}
