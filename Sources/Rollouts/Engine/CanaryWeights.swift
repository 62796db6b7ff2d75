/// The weight a canary is at and the replica counts that weight asks for, as Argo Rollouts computes them.
public enum CanaryWeights {
    /// The weight in force at step `index`: the last `setWeight` at or before it; 0 before any; 100 once the
    /// steps are done (or when there are none); 0 after an abort.
    public static func setWeight(steps: [CanaryStep], index: Int, aborted: Bool) -> Int {
        if aborted { return 0 }
        guard index < steps.count else { return 100 }
        for step in steps[...max(index, 0)].reversed() {
            if let weight = step.setWeight { return weight }
        }
        return 0
    }

    /// Desired replicas of the canary and the stable ReplicaSet at `weight`. Without a traffic router the
    /// weight is carried by replica counts, each rounded up so neither side drops to zero while the weight
    /// is strictly between 0 and 100 (10 replicas at 41%: 5 canary and 6 stable, one surged replica). With a
    /// router the stable side stays fully scaled and the router splits the traffic. With no distinct stable
    /// ReplicaSet (the first deploy, or a rollback to the stable one) everything goes to the new one.
    public static func desiredReplicas(
        replicas: Int, weight: Int, trafficRouted: Bool, stableExists: Bool
    ) -> (canary: Int, stable: Int) {
        guard stableExists else { return (replicas, 0) }
        let canary = (replicas * weight + 99) / 100
        let stable = (replicas * (100 - weight) + 99) / 100
        return (canary, trafficRouted ? replicas : stable)
    }

    /// True when the two rounded-up counts add up to one more than `replicas`, which the surge allows for.
    public static func roundsUpBothSides(replicas: Int, weight: Int) -> Bool {
        (replicas * weight) % 100 != 0
    }
}
