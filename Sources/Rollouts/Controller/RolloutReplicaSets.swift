import Kube

/// The ReplicaSets a Rollout owns: named `<rollout>-<hash>` and labelled with `rollouts-pod-template-hash`
/// in their selector and pod template, as Argo Rollouts makes them.
enum RolloutReplicaSets {
    /// The pod template a ReplicaSet runs, without the hash label and the ephemeral metadata the controller
    /// added: what it was made from.
    static func template(of replicaSet: KubeObject) -> JSON? {
        guard var template = replicaSet.spec?["template"] else { return nil }
        template[path: ["metadata", "labels", PodTemplateHash.label]] = nil
        return EphemeralMetadata.strip(EphemeralMetadata.injected(in: replicaSet), from: template)
    }

    /// A new ReplicaSet for `template`, its pods carrying `ephemeral` metadata for the role it starts in.
    static func make(
        _ rollout: KubeObject, template: JSON, hash: String, replicas: Int, revision: Int,
        ephemeral: EphemeralMetadata? = nil
    ) -> KubeObject {
        var podTemplate = template
        podTemplate[path: ["metadata", "labels", PodTemplateHash.label]] = .string(hash)
        if let ephemeral,
            let patch = EphemeralMetadata.patch(podTemplate["metadata"], previous: nil, desired: ephemeral)
        {
            podTemplate["metadata"] = MergePatch.apply(patch, to: podTemplate["metadata"] ?? [:])
        }
        var selector = rollout.spec?["selector"] ?? [:]
        selector[path: ["matchLabels", PodTemplateHash.label]] = .string(hash)
        var labels = KubeObject.stringMap(template[path: ["metadata", "labels"]])
        labels[PodTemplateHash.label] = hash
        var rs = KubeObject(
            apiVersion: "apps/v1", kind: "ReplicaSet", name: "\(rollout.name)-\(hash)", namespace: rollout.namespace,
            body: [
                "spec": [
                    "replicas": .int(Int64(replicas)), "minReadySeconds": rollout.spec?["minReadySeconds"] ?? 0,
                    "selector": selector, "template": podTemplate,
                ]
            ])
        rs.labels = labels
        rs.annotations = [RevisionHistory.annotation: String(revision)]
        if let ephemeral { rs.annotations[EphemeralMetadata.annotation] = ephemeral.json.serialized() }
        rs.ownerReferences = [
            OwnerReference(
                apiVersion: rollout.apiVersion, kind: "Rollout", name: rollout.name, uid: rollout.uid ?? "",
                controller: true, blockOwnerDeletion: true)
        ]
        return rs
    }
}
