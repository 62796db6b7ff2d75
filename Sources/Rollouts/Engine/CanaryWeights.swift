/// The weight a canary is at, as Argo Rollouts computes it (`CanaryScaling` turns it into replica counts).
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
}
