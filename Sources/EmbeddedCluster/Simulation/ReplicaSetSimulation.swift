import Kube
import Logging

extension WorkloadSimulator {
    /// Keeps `spec.replicas` pods from the template, owned by the ReplicaSet, and reports their readiness.
    func reconcileReplicaSet(_ rs: KubeObject) async {
        guard rs.deletionTimestamp == nil, rs.uid != nil else { return }
        let desired = Int(rs.spec?["replicas"]?.intValue ?? 1)
        guard let pods = await owned(.pods, by: rs)?.filter({ $0.deletionTimestamp == nil }) else { return }
        if pods.count < desired {
            await createPods(min(desired - pods.count, Self.burstReplicas), for: rs)
        } else if pods.count > desired {
            let victims = pods.sorted { (Self.isReady($0) ? 1 : 0, $1.name) < (Self.isReady($1) ? 1 : 0, $0.name) }
            for pod in victims.prefix(min(pods.count - desired, Self.burstReplicas)) {
                guard (try? await store.delete(.pods, namespace: pod.namespace, name: pod.name)) != nil else {
                    continue
                }
                await recordEvent(
                    about: rs, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)",
                    component: "replicaset-controller")
            }
        }
        guard let current = await owned(.pods, by: rs)?.filter({ $0.deletionTimestamp == nil }) else { return }
        let ready = current.filter(Self.isReady).count
        let status: JSON = [
            "replicas": .int(Int64(current.count)), "fullyLabeledReplicas": .int(Int64(current.count)),
            "readyReplicas": .int(Int64(ready)), "availableReplicas": .int(Int64(ready)),
            "observedGeneration": .int(rs.generation),
        ]
        guard rs.status != status else { return }
        var updated = rs
        updated.status = status
        _ = try? await store.update(
            .replicaSets, namespace: rs.namespace, name: rs.name, object: updated,
            subresource: "status", options: writer)
    }

    /// The objects `owner` owns, or nil (logged) when they cannot be read: the owner is then left alone this
    /// pass, since acting on an empty list would create a second set of pods or ReplicaSets.
    func owned(_ gvr: GroupVersionResource, by owner: KubeObject) async -> [KubeObject]? {
        guard let uid = owner.uid else { return nil }
        do { return try await list(gvr, ownedBy: uid) } catch {
            logger.warning(
                "cannot read what an object owns; it is left for the next pass",
                metadata: ["owner": "\(owner.kind) \(owner.namespace ?? "")/\(owner.name)", "error": "\(error)"])
            return nil
        }
    }

    /// Pods one ReplicaSet creates or deletes per sync (kube-controller-manager's `burstReplicas`).
    static let burstReplicas = 500

    /// Creates up to `count` pods in slow-start batches (1, 2, 4, ...), as the ReplicaSet controller does,
    /// stopping at the first failure. While the cluster already holds a burst of unschedulable pods, none are
    /// created: the simulated node is full, and more Pending pods would only load the API.
    func createPods(_ count: Int, for owner: KubeObject) async {
        var remaining = count
        var batch = 1
        while remaining > 0 && unschedulablePods < Self.burstReplicas {
            for _ in 0..<min(batch, remaining) {
                guard await createPod(for: owner) else { return }
                remaining -= 1
            }
            batch *= 2
        }
    }

    @discardableResult
    func createPod(for owner: KubeObject) async -> Bool {
        let template = owner.spec?["template"] ?? [:]
        var pod = KubeObject(
            apiVersion: "v1", kind: "Pod", name: "", namespace: owner.namespace,
            body: ["spec": template["spec"] ?? [:]])
        pod.json[path: ["metadata", "generateName"]] = .string(owner.name + "-")
        pod.labels = KubeObject.stringMap(template["metadata"]?["labels"])
        pod.annotations = KubeObject.stringMap(template["metadata"]?["annotations"])
        pod.ownerReferences = [OwnerReference(controlledBy: owner)]
        do {
            let created = try await store.create(.pods, namespace: owner.namespace, object: pod, options: writer)
            unschedulablePods += 1
            await recordEvent(
                about: owner, reason: "SuccessfulCreate", message: "Created pod: \(created.name)",
                component: owner.kind == "Job" ? "job-controller" : "replicaset-controller")
            return true
        } catch {
            logger.warning(
                "cannot create a pod",
                metadata: [
                    "owner": "\(owner.namespace ?? "")/\(owner.name)",
                    "error": "\(error)",
                ])
            return false
        }
    }
}
