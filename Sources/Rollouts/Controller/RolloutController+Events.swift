import Kube

extension RolloutController {
    /// A `RolloutStepCompleted` Event for each canary step the new status has moved past, as Argo records them
    /// (`Rollout step 2/8 completed (pause: 10s)`).
    func recordSteps(_ rollout: KubeObject, spec: RolloutSpec, status: JSON) async {
        guard case .canary(let canary) = spec.strategy,
            rollout.status?["currentPodHash"] == status["currentPodHash"],
            // Steps are taken only in an update from a stable version (a first deploy skips them).
            let stable = rollout.status?["stableRS"], stable != .null, stable != status["currentPodHash"],
            let before = rollout.status?["currentStepIndex"]?.intValue.map(Int.init),
            let after = status["currentStepIndex"]?.intValue.map(Int.init), after > before
        else { return }
        for index in before..<min(after, canary.steps.count) {
            let step = canary.steps[index]
            let detail = step.actions.map { action in
                let value = step.raw[action] ?? .null
                return "\(action): \(value.stringValue ?? value.intValue.map(String.init) ?? value.serialized())"
            }.joined(separator: ", ")
            await events.record(
                rollout, type: .normal, reason: "RolloutStepCompleted",
                message: "Rollout step \(index + 1)/\(canary.steps.count) completed (\(detail))")
        }
    }
}
