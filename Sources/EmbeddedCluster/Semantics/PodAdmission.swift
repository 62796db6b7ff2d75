import Kube

/// What kube-apiserver's admission plugins and defaulting add to every new pod: the ServiceAccount
/// (`default`) and its token volume `kube-api-access-*` mounted in each container, the not-ready and
/// unreachable tolerations (300 s), priority 0 with `PreemptLowerPriority`, service links, and the pod's QoS
/// class. Typed clients and `kubectl describe` read these fields on every pod of a real cluster.
enum PodAdmission {
    static let tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    static func admit(_ pod: inout JSON) {
        var spec = pod["spec"]?.objectValue ?? [:]
        let account = spec["serviceAccountName"] ?? spec["serviceAccount"] ?? "default"
        spec["serviceAccountName"] = account
        spec["serviceAccount"] = account
        if spec["automountServiceAccountToken"] != .bool(false) { mountToken(&spec) }
        var tolerations = spec["tolerations"]?.arrayValue ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0["key"]?.stringValue == key }) {
            tolerations.append([
                "key": .string(key), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300,
            ])
        }
        spec["tolerations"] = .array(tolerations)
        if spec["priorityClassName"] == nil { spec["priority"] = spec["priority"] ?? 0 }
        spec["preemptionPolicy"] = spec["preemptionPolicy"] ?? "PreemptLowerPriority"
        spec["enableServiceLinks"] = spec["enableServiceLinks"] ?? true
        pod["spec"] = .object(spec)
        pod[path: ["status", "qosClass"]] = .string(qosClass(spec))
    }

    /// The projected token volume and its read-only mount in every container that has none at that path.
    static func mountToken(_ spec: inout [String: JSON]) {
        let name = "kube-api-access-" + ClusterStore.randomSuffix()
        var volumes = spec["volumes"]?.arrayValue ?? []
        volumes.append([
            "name": .string(name),
            "projected": [
                "sources": [
                    ["serviceAccountToken": ["expirationSeconds": 3607, "path": "token"]],
                    ["configMap": ["name": "kube-root-ca.crt", "items": [["key": "ca.crt", "path": "ca.crt"]]]],
                    [
                        "downwardAPI": [
                            "items": [
                                [
                                    "path": "namespace",
                                    "fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"],
                                ]
                            ]
                        ]
                    ],
                ],
                "defaultMode": 420,
            ],
        ])
        spec["volumes"] = .array(volumes)
        for list in ["initContainers", "containers"] {
            guard var containers = spec[list]?.arrayValue else { continue }
            for index in containers.indices {
                var mounts = containers[index]["volumeMounts"]?.arrayValue ?? []
                guard !mounts.contains(where: { $0["mountPath"]?.stringValue == tokenMountPath }) else { continue }
                mounts.append(["name": .string(name), "readOnly": true, "mountPath": .string(tokenMountPath)])
                containers[index]["volumeMounts"] = .array(mounts)
            }
            spec[list] = .array(containers)
        }
    }

    /// Guaranteed when every container limits cpu and memory with requests equal to the limits, BestEffort
    /// when none requests or limits anything, Burstable otherwise.
    static func qosClass(_ spec: [String: JSON]) -> String {
        let containers = (spec["initContainers"]?.arrayValue ?? []) + (spec["containers"]?.arrayValue ?? [])
        let resources = containers.map { $0["resources"] ?? [:] }
        let empty = resources.allSatisfy {
            ($0["requests"]?.objectValue ?? [:]).isEmpty && ($0["limits"]?.objectValue ?? [:]).isEmpty
        }
        if empty { return "BestEffort" }
        let guaranteed = resources.allSatisfy { resource in
            ["cpu", "memory"].allSatisfy { name in
                guard let limit = resource["limits"]?[name] else { return false }
                return resource["requests"]?[name] == nil || resource["requests"]?[name] == limit
            }
        }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}
