import Kube

extension WorkloadSimulator {
    /// Keeps `spec.replicas` pods from the template, owned by the ReplicaSet, and reports their readiness.
    func reconcileReplicaSet(_ rs: KubeObject) async {
        guard rs.deletionTimestamp == nil, let uid = rs.uid else { return }
        let desired = Int(rs.spec?["replicas"]?.intValue ?? 1)
        let pods = ((try? await store.list(.pods, namespace: rs.namespace)) ?? [])
            .filter { $0.ownerReferences.contains { $0.uid == uid } && $0.deletionTimestamp == nil }
        if pods.count < desired {
            for _ in pods.count..<desired { await createPod(for: rs) }
        } else if pods.count > desired {
            let victims = pods.sorted { (Self.isReady($0) ? 1 : 0, $1.name) < (Self.isReady($1) ? 1 : 0, $0.name) }
            for pod in victims.prefix(pods.count - desired) {
                _ = try? await store.delete(.pods, namespace: pod.namespace, name: pod.name)
            }
        }
        let current = ((try? await store.list(.pods, namespace: rs.namespace)) ?? [])
            .filter { $0.ownerReferences.contains { $0.uid == uid } && $0.deletionTimestamp == nil }
        let ready = current.filter(Self.isReady).count
        let status: JSON = ["replicas": .int(Int64(current.count)), "fullyLabeledReplicas": .int(Int64(current.count)),
                            "readyReplicas": .int(Int64(ready)), "availableReplicas": .int(Int64(ready)),
                            "observedGeneration": .int(rs.generation)]
        guard rs.status != status else { return }
        var updated = rs
        updated.status = status
        _ = try? await store.update(.replicaSets, namespace: rs.namespace, name: rs.name, object: updated,
                                    subresource: "status", options: writer)
    }

    func createPod(for owner: KubeObject) async {
        let template = owner.spec?["template"] ?? [:]
        var pod = KubeObject(apiVersion: "v1", kind: "Pod", name: "", namespace: owner.namespace,
                             body: ["spec": template["spec"] ?? [:]])
        pod.json[path: ["metadata", "generateName"]] = .string(owner.name + "-")
        pod.labels = KubeObject.stringMap(template["metadata"]?["labels"])
        pod.annotations = KubeObject.stringMap(template["metadata"]?["annotations"])
        pod.ownerReferences = [OwnerReference(controlledBy: owner)]
        _ = try? await store.create(.pods, namespace: owner.namespace, object: pod, options: writer)
    }
}
