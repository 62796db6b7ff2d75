import Kube

/// What a person does to a Rollout, as the same patches Argo Rollouts' kubectl plugin makes, so either tool
/// can drive a Rollout the other started.
public enum RolloutActions {
    public enum Action: Sendable {
        /// Ends the current pause, or skips the current step when none holds.
        case promote
        /// Goes straight to 100% on the new version, skipping the remaining steps.
        case promoteFull
        /// Sends everything back to the stable version.
        case abort
        /// Starts the steps over after an abort.
        case retry
    }

    /// Applies `action` to the Rollout `name`; returns the patched Rollout.
    @discardableResult
    public static func perform(
        _ action: Action, name: String, namespace: String, client: KubeClient
    ) async throws(KubeError) -> KubeObject {
        let gvr = RolloutController.gvr
        let rollout = try await client.get(gvr, namespace: namespace, name: name)
        if case .promote = action, rollout.spec?["paused"]?.boolValue == true {
            return try await client.patch(
                gvr, namespace: namespace, name: name, type: .merge, patch: ["spec": ["paused": false]])
        }
        let state = RolloutStatus(rollout.status)
        let updating = state.currentPodHash != nil && state.currentPodHash != state.stableRS
        if case .promote = action, !updating {
            throw KubeError(
                code: 409, reason: .conflict, message: "rollout \(name) is not updating: nothing to promote")
        }
        let status: JSON
        switch action {
        case .promote:
            status =
                state.pauseConditions.isEmpty
                ? ["currentStepIndex": .int(Int64((state.currentStepIndex ?? 0) + 1))] : ["pauseConditions": .null]
        case .promoteFull: status = ["promoteFull": true, "pauseConditions": .null]
        case .abort: status = ["abort": true]
        case .retry: status = ["abort": false]
        }
        return try await client.patch(
            gvr, namespace: namespace, name: name, type: .merge, patch: ["status": status], subresource: "status")
    }
}
