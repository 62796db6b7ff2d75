import Kube

extension RolloutController {
    /// The ephemeral metadata a ReplicaSet's pods should carry now: `canaryMetadata` while it is the canary,
    /// `stableMetadata` while it is the stable version (a first deploy is the stable version from the start),
    /// none otherwise.
    static func ephemeralMetadata(
        for hash: String, canary: CanaryStrategy, currentHash: String, stableHash: String?
    ) -> EphemeralMetadata? {
        if hash == stableHash || (stableHash == nil && hash == currentHash) {
            return EphemeralMetadata(canary.raw["stableMetadata"])
        }
        if hash == currentHash { return EphemeralMetadata(canary.raw["canaryMetadata"]) }
        return nil
    }

    /// Moves each ReplicaSet's ephemeral metadata to what its role asks for: on the pod template (for pods
    /// still to come) and on the running pods, which are patched rather than restarted.
    func syncEphemeralMetadata(
        _ context: RolloutContext, canary: CanaryStrategy, stableHash: String?
    ) async throws(KubeError) {
        for rs in context.owned {
            let hash = rs.labels[PodTemplateHash.label] ?? ""
            let previous = EphemeralMetadata.injected(in: rs)
            let desired = Self.ephemeralMetadata(
                for: hash, canary: canary, currentHash: context.hash, stableHash: stableHash)
            guard previous != nil || desired != nil else { continue }
            let template = rs.spec?[path: ["template", "metadata"]]
            guard let change = EphemeralMetadata.patch(template, previous: previous, desired: desired) else {
                continue
            }
            let record: JSON = desired.map { .string($0.json.serialized()) } ?? .null
            _ = try await client.patch(
                .replicaSets, namespace: rs.namespace, name: rs.name, type: .merge,
                patch: [
                    "metadata": ["annotations": [EphemeralMetadata.annotation: record]],
                    "spec": ["template": ["metadata": change]],
                ], fieldManager: Self.manager)
            let pods = try await client.list(
                .pods, namespace: rs.namespace, labelSelector: "\(PodTemplateHash.label)=\(hash)"
            ).items
            for pod in pods where pod.deletionTimestamp == nil {
                guard
                    let podChange = EphemeralMetadata.patch(pod.json["metadata"], previous: previous, desired: desired)
                else { continue }
                _ = try await client.patch(
                    .pods, namespace: pod.namespace, name: pod.name, type: .merge, patch: ["metadata": podChange],
                    fieldManager: Self.manager)
            }
        }
    }
}
