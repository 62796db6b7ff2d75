import Foundation
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
        /// Holds the rollout where it is (`spec.paused`), and lets it go on.
        case pause, resume
        /// Sets a container's image, which starts an update.
        case setImage(container: String, image: String)
        /// Goes back to the pod template of an earlier revision (the one before the current, by default).
        case undo(toRevision: Int?)
        /// Restarts every pod, one at a time (`spec.restartAt`).
        case restart
    }

    /// Applies `action` to the Rollout `name`; returns the patched Rollout. A patch guarded by the version it
    /// read that meets a concurrent write (the controller's status, written often while pods settle) reads
    /// again and retries, waiting a little longer each time (100 ms, 200 ms, ... eight tries in all).
    @discardableResult
    public static func perform(
        _ action: Action, name: String, namespace: String, client: KubeClient
    ) async throws(KubeError) -> KubeObject {
        var attempt = 0
        while true {
            do {
                return try await performOnce(action, name: name, namespace: namespace, client: client)
            } catch {
                attempt += 1
                let stale = error.isConflict || (error.isInvalid && error.message.contains("resourceVersion"))
                guard stale, attempt < 8 else { throw error }
                // Cancellation only cuts the wait short; the next try (or its error) follows as usual.
                do { try await Task.sleep(for: .milliseconds(100 * attempt)) } catch {}
            }
        }
    }

    static func performOnce(
        _ action: Action, name: String, namespace: String, client: KubeClient
    ) async throws(KubeError) -> KubeObject {
        let gvr = RolloutController.gvr
        let rollout = try await client.get(gvr, namespace: namespace, name: name)
        switch action {
        case .pause, .resume:
            return try await client.patch(
                gvr, namespace: namespace, name: name, type: .merge,
                patch: ["spec": ["paused": .bool(action.isPause)]])
        case .setImage(let container, let image):
            return try await setImage(rollout, container: container, image: image, client: client)
        case .undo(let revision):
            return try await undo(rollout, toRevision: revision, client: client)
        case .restart:
            return try await client.patch(
                gvr, namespace: namespace, name: name, type: .merge,
                patch: ["spec": ["restartAt": .string(KubeTime.format(Date()))]])
        default: break
        }
        if case .promote = action, rollout.spec?["paused"]?.boolValue == true {
            return try await client.patch(
                gvr, namespace: namespace, name: name, type: .merge, patch: ["spec": ["paused": false]])
        }
        let state = RolloutStatus(rollout.status)
        let updating = state.currentPodHash != nil && state.currentPodHash != state.stableRS
        if case .promote = action, !updating {
            // Not a conflict to retry: nothing will change by asking again.
            throw KubeError(
                code: 400, reason: .badRequest, message: "rollout \(name) is not updating: nothing to promote")
        }
        let status: JSON
        switch action {
        case .promote:
            status =
                state.pauseConditions.isEmpty
                ? ["currentStepIndex": .int(Int64((state.currentStepIndex ?? 0) + 1))] : ["pauseConditions": .null]
        case .promoteFull: status = ["promoteFull": true, "pauseConditions": .null]
        case .abort: status = ["abort": true]
        case .retry: status = ["abort": false, "canary": .null, "blueGreen": .null]
        case .pause, .resume, .setImage, .undo, .restart: return rollout
        }
        return try await client.patch(
            gvr, namespace: namespace, name: name, type: .merge, patch: ["status": status], subresource: "status")
    }

    /// Replaces the container's image (a JSON patch guarded by the resourceVersion it was read at, so a
    /// concurrent change is a conflict, not lost); an unknown container is an error naming the ones there are.
    static func setImage(
        _ rollout: KubeObject, container: String, image: String, client: KubeClient
    ) async throws(KubeError) -> KubeObject {
        let names = (rollout.spec?[path: ["template", "spec", "containers"]]?.arrayValue ?? []).compactMap {
            $0["name"]?.stringValue
        }
        guard names.contains(container) else {
            throw KubeError(
                code: 404, reason: .notFound,
                message:
                    "rollout \(rollout.name) has no container \(container) (it has \(names.joined(separator: ", ")))")
        }
        var containers = rollout.spec?[path: ["template", "spec", "containers"]]?.arrayValue ?? []
        for index in containers.indices where containers[index]["name"]?.stringValue == container {
            containers[index]["image"] = .string(image)
        }
        return try await client.patch(
            RolloutController.gvr, namespace: rollout.namespace, name: rollout.name, type: .json,
            patch: [
                ["op": "test", "path": "/metadata/resourceVersion", "value": .string(rollout.resourceVersion ?? "")],
                ["op": "replace", "path": "/spec/template/spec/containers", "value": .array(containers)],
            ])
    }
}

extension RolloutActions {
    /// Copies the template of the ReplicaSet at `toRevision` (default: the newest before the current one)
    /// back into the Rollout; the controller then reuses that ReplicaSet, as `kubectl argo rollouts undo` does.
    static func undo(_ rollout: KubeObject, toRevision: Int?, client: KubeClient) async throws(KubeError) -> KubeObject
    {
        let owned = try await client.list(.replicaSets, namespace: rollout.namespace).items.filter { rs in
            rs.ownerReferences.contains { $0.controller && $0.uid == rollout.uid }
        }
        let revisions = owned.compactMap { rs in
            Int(rs.annotations[RevisionHistory.annotation] ?? "").map { (revision: $0, replicaSet: rs) }
        }.sorted { $0.revision > $1.revision }
        let current = RolloutStatus(rollout.status).currentPodHash
        let target =
            toRevision.map { wanted in revisions.first { $0.revision == wanted } }
            ?? revisions.first { $0.replicaSet.labels[PodTemplateHash.label] != current }
        guard let target, let template = RolloutReplicaSets.template(of: target.replicaSet) else {
            throw KubeError(
                code: 404, reason: .notFound,
                message:
                    "rollout \(rollout.name) has no revision \(toRevision.map(String.init) ?? "before the current one") "
                    + "(it has \(revisions.map { String($0.revision) }.joined(separator: ", ")))")
        }
        return try await client.patch(
            RolloutController.gvr, namespace: rollout.namespace, name: rollout.name, type: .json,
            patch: [
                ["op": "test", "path": "/metadata/resourceVersion", "value": .string(rollout.resourceVersion ?? "")],
                ["op": "replace", "path": "/spec/template", "value": template],
            ])
    }
}

extension RolloutActions.Action {
    var isPause: Bool {
        if case .pause = self { return true }
        return false
    }
}
