import Kube

/// Labels and annotations a canary gives the pods of one side only: `canaryMetadata` on the new version's pods
/// while it is the canary, `stableMetadata` on the stable version's. Argo calls them ephemeral: they are
/// not part of the pod template hash, they move with the role (a promoted canary loses `canaryMetadata` and
/// gains `stableMetadata` without restarting a pod), and what was injected is recorded on the ReplicaSet
/// (`rollout.argoproj.io/ephemeral-metadata`) so it can be taken off again without touching metadata that
/// others set.
public struct EphemeralMetadata: Sendable, Equatable {
    public static let annotation = "rollout.argoproj.io/ephemeral-metadata"

    public var labels: [String: String]
    public var annotations: [String: String]

    public init(labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.labels = labels
        self.annotations = annotations
    }

    /// Reads `canaryMetadata`/`stableMetadata`; nil when absent or empty.
    public init?(_ json: JSON?) {
        let labels = KubeObject.stringMap(json?["labels"])
        let annotations = KubeObject.stringMap(json?["annotations"])
        guard !labels.isEmpty || !annotations.isEmpty else { return nil }
        self.init(labels: labels, annotations: annotations)
    }

    /// What a ReplicaSet records it injected (its annotation), or nil. An annotation that is not JSON counts
    /// as nothing injected, as in Argo Rollouts: the desired metadata is then set again over it.
    public static func injected(in replicaSet: KubeObject) -> EphemeralMetadata? {
        guard let text = replicaSet.annotations[annotation], let json = try? JSON.parse(text) else { return nil }
        return EphemeralMetadata(json)
    }

    public var json: JSON {
        var json: JSON = [:]
        if !labels.isEmpty { json["labels"] = .object(labels.mapValues { .string($0) }) }
        if !annotations.isEmpty { json["annotations"] = .object(annotations.mapValues { .string($0) }) }
        return json
    }

    /// The merge patch of a `metadata` (a pod's, or a pod template's) that swaps `previous` for `desired`:
    /// desired values set, previously injected keys no longer desired removed, nothing else touched. Nil
    /// when `metadata` already agrees.
    public static func patch(_ metadata: JSON?, previous: EphemeralMetadata?, desired: EphemeralMetadata?) -> JSON? {
        var patch: [String: JSON] = [:]
        for (member, current, old, new) in [
            (
                "labels", KubeObject.stringMap(metadata?["labels"]), previous?.labels ?? [:],
                desired?.labels ?? [:]
            ),
            (
                "annotations", KubeObject.stringMap(metadata?["annotations"]), previous?.annotations ?? [:],
                desired?.annotations ?? [:]
            ),
        ] {
            var changes: [String: JSON] = [:]
            for (key, value) in new where current[key] != value { changes[key] = .string(value) }
            for key in old.keys where new[key] == nil && current[key] != nil { changes[key] = .null }
            if !changes.isEmpty { patch[member] = .object(changes) }
        }
        return patch.isEmpty ? nil : .object(patch)
    }

    /// `template` without what was injected into it: the template the ReplicaSet was made from.
    public static func strip(_ injected: EphemeralMetadata?, from template: JSON) -> JSON {
        guard let injected else { return template }
        var template = template
        for key in injected.labels.keys { template[path: ["metadata", "labels", key]] = nil }
        for key in injected.annotations.keys { template[path: ["metadata", "annotations", key]] = nil }
        for member in ["labels", "annotations"] where template["metadata"]?[member]?.objectValue?.isEmpty == true {
            template[path: ["metadata", member]] = nil
        }
        return template
    }
}
