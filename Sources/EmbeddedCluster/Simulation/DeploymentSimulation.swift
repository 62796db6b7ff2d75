import Kube

extension WorkloadSimulator {
    /// The Deployment controller: one ReplicaSet per pod template (labelled `pod-template-hash`), rolled
    /// with RollingUpdate (maxSurge / maxUnavailable) or Recreate, old ReplicaSets trimmed to
    /// `revisionHistoryLimit`, and status with Available / Progressing conditions (ProgressDeadlineExceeded).
    func reconcileDeployment(_ deployment: KubeObject) async {
        guard deployment.deletionTimestamp == nil, deployment.uid != nil, let spec = deployment.spec else { return }
        let desired = Int(spec["replicas"]?.intValue ?? 1)
        let template = spec["template"] ?? [:]
        let hash = Hashing.templateHash(template)
        guard var owned = await owned(.replicaSets, by: deployment) else { return }
        // The controller's own test: a ReplicaSet whose template equals the Deployment's, ignoring the hash
        // label (so `kubectl rollout undo` reuses the old ReplicaSet instead of making a copy).
        var newRS =
            owned.first { Self.sameTemplate($0.spec?["template"], template) }
            ?? owned.first { $0.labels["pod-template-hash"] == hash }
        let revision = (owned.compactMap { Int($0.annotations[Self.revisionAnnotation] ?? "") }.max() ?? 0)
        if newRS == nil, spec["paused"]?.boolValue != true {
            newRS = await createReplicaSet(for: deployment, hash: hash, revision: revision + 1)
            if let newRS { owned.append(newRS) }
        } else if let reused = newRS, Int(reused.annotations[Self.revisionAnnotation] ?? "") ?? 0 < revision,
            spec["paused"]?.boolValue != true
        {
            // An old ReplicaSet becomes the new one again: it takes the next revision, as in a real cluster.
            var bumped = reused
            bumped.annotations[Self.revisionAnnotation] = String(revision + 1)
            if let stored = try? await store.update(
                .replicaSets, namespace: reused.namespace, name: reused.name, object: bumped, options: writer)
            {
                newRS = stored
                owned = owned.map { $0.uid == stored.uid ? stored : $0 }
            }
        }
        let old = owned.filter { $0.uid != newRS?.uid }
        if spec["paused"]?.boolValue != true, let current = newRS {
            await roll(deployment, desired: desired, newRS: current, old: old)
        }
        await trimHistory(old, limit: Int(spec["revisionHistoryLimit"]?.intValue ?? 10))
        await reportStatus(deployment, desired: desired, newRS: newRS, hash: hash)
    }

    static let revisionAnnotation = "deployment.kubernetes.io/revision"

    /// Two pod templates are the same when they differ at most in the `pod-template-hash` label and the
    /// `creationTimestamp: null` clients leave in template metadata.
    static func sameTemplate(_ a: JSON?, _ b: JSON?) -> Bool {
        func normalized(_ template: JSON?) -> JSON {
            var t = template ?? [:]
            t[path: ["metadata", "labels", "pod-template-hash"]] = nil
            t[path: ["metadata", "creationTimestamp"]] = nil
            if t[path: ["metadata", "labels"]]?.objectValue?.isEmpty == true { t[path: ["metadata", "labels"]] = nil }
            if t["metadata"]?.objectValue?.isEmpty == true { t["metadata"] = nil }
            return t
        }
        return normalized(a) == normalized(b)
    }

    func createReplicaSet(for deployment: KubeObject, hash: String, revision: Int) async -> KubeObject? {
        var template = deployment.spec?["template"] ?? [:]
        template[path: ["metadata", "labels", "pod-template-hash"]] = .string(hash)
        var selector = deployment.spec?["selector"] ?? [:]
        selector[path: ["matchLabels", "pod-template-hash"]] = .string(hash)
        var rs = KubeObject(
            apiVersion: "apps/v1", kind: "ReplicaSet", name: "\(deployment.name)-\(hash)",
            namespace: deployment.namespace,
            body: ["spec": ["replicas": 0, "selector": selector, "template": template]])
        rs.labels = KubeObject.stringMap(template["metadata"]?["labels"])
        rs.annotations = [
            Self.revisionAnnotation: String(revision),
            "deployment.kubernetes.io/desired-replicas": String(deployment.spec?["replicas"]?.intValue ?? 1),
        ]
        rs.ownerReferences = [OwnerReference(controlledBy: deployment)]
        return try? await store.create(.replicaSets, namespace: deployment.namespace, object: rs, options: writer)
    }

    /// One step of the rollout: scale the new ReplicaSet up within the surge budget and old ones down
    /// within the unavailability budget.
    func roll(_ deployment: KubeObject, desired: Int, newRS: KubeObject, old: [KubeObject]) async {
        let strategy = deployment.spec?["strategy"]
        let oldReplicas = old.reduce(0) { $0 + Int($1.spec?["replicas"]?.intValue ?? 0) }
        let newReplicas = Int(newRS.spec?["replicas"]?.intValue ?? 0)
        if strategy?["type"]?.stringValue == "Recreate" {
            for rs in old where (rs.spec?["replicas"]?.intValue ?? 0) > 0 { await setReplicas(rs, 0, of: deployment) }
            let oldPods = old.reduce(0) { $0 + Int($1.status?["replicas"]?.intValue ?? 0) }
            if oldPods == 0 && newReplicas != desired { await setReplicas(newRS, desired, of: deployment) }
            return
        }
        let surge = Self.resolve(strategy?["rollingUpdate"]?["maxSurge"], total: desired, roundUp: true, default: "25%")
        var unavailable = Self.resolve(
            strategy?["rollingUpdate"]?["maxUnavailable"], total: desired, roundUp: false,
            default: "25%")
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        if newReplicas < desired {
            let room = desired + surge - (oldReplicas + newReplicas)
            if room > 0 { await setReplicas(newRS, min(desired, newReplicas + room), of: deployment) }
        } else if newReplicas > desired {
            await setReplicas(newRS, desired, of: deployment)
        }
        guard oldReplicas > 0 else { return }
        let available =
            Int(newRS.status?["availableReplicas"]?.intValue ?? 0)
            + old.reduce(0) { $0 + Int($1.status?["availableReplicas"]?.intValue ?? 0) }
        let oldUnhealthy = old.reduce(0) {
            $0 + Int($1.spec?["replicas"]?.intValue ?? 0) - Int($1.status?["availableReplicas"]?.intValue ?? 0)
        }
        var budget = max(0, available - (desired - unavailable)) + max(0, oldUnhealthy)
        for rs in old.sorted(by: { $0.name < $1.name }) where budget > 0 {
            let replicas = Int(rs.spec?["replicas"]?.intValue ?? 0)
            guard replicas > 0 else { continue }
            let cut = min(replicas, budget)
            budget -= cut
            await setReplicas(rs, replicas - cut, of: deployment)
        }
    }

    /// Scales a ReplicaSet of `deployment` and records the Deployment controller's ScalingReplicaSet Event.
    func setReplicas(_ rs: KubeObject, _ replicas: Int, of deployment: KubeObject) async {
        let before = rs.spec?["replicas"]?.intValue ?? 0
        var updated = rs
        updated.json[path: ["spec", "replicas"]] = .int(Int64(replicas))
        guard
            (try? await store.update(
                .replicaSets, namespace: rs.namespace, name: rs.name, object: updated, options: writer)) != nil,
            before != Int64(replicas)
        else { return }
        let direction = Int64(replicas) > before ? "up" : "down"
        await recordEvent(
            about: deployment, reason: "ScalingReplicaSet",
            message: "Scaled \(direction) replica set \(rs.name) from \(before) to \(replicas)",
            component: "deployment-controller")
    }

    func trimHistory(_ old: [KubeObject], limit: Int) async {
        let idle = old.filter {
            ($0.spec?["replicas"]?.intValue ?? 0) == 0 && ($0.status?["replicas"]?.intValue ?? 0) == 0
        }
        .sorted {
            Int($0.annotations[Self.revisionAnnotation] ?? "") ?? 0
                < Int($1.annotations[Self.revisionAnnotation] ?? "") ?? 0
        }
        for rs in idle.dropLast(max(limit, 0)) {
            _ = try? await store.delete(.replicaSets, namespace: rs.namespace, name: rs.name)
        }
    }

    func reportStatus(_ deployment: KubeObject, desired: Int, newRS: KubeObject?, hash: String) async {
        guard let uid = deployment.uid else { return }
        guard let owned = await owned(.replicaSets, by: deployment) else { return }
        func sum(_ field: String) -> Int { owned.reduce(0) { $0 + Int($1.status?[field]?.intValue ?? 0) } }
        let updated = Int(newRS.flatMap { rs in owned.first { $0.uid == rs.uid } }?.status?["replicas"]?.intValue ?? 0)
        let replicas = sum("replicas"), ready = sum("readyReplicas"), available = sum("availableReplicas")
        let unavailableBudget = Self.resolve(
            deployment.spec?["strategy"]?["rollingUpdate"]?["maxUnavailable"],
            total: desired, roundUp: false, default: "25%")
        let complete = updated == desired && replicas == desired && available == desired
        let key = uid
        let progressState = "\(updated)/\(available)/\(replicas)/\(hash)"
        if progressSeen[key]?.state != progressState { progressSeen[key] = (progressState, .now) }
        let deadline = Duration.seconds(deployment.spec?["progressDeadlineSeconds"]?.intValue ?? 600)
        let stalled = !complete && ContinuousClock.now - (progressSeen[key]?.since ?? .now) > deadline
        let now = KubeTime.now()
        let previous = deployment.status?["conditions"]?.arrayValue ?? []
        func condition(_ type: String, _ status: Bool, _ reason: String, _ message: String) -> JSON {
            let old = previous.first { $0["type"]?.stringValue == type }
            let statusText: JSON = status ? "True" : "False"
            let since = old?["status"] == statusText ? (old?["lastTransitionTime"] ?? .string(now)) : .string(now)
            return [
                "type": .string(type), "status": statusText, "reason": .string(reason), "message": .string(message),
                "lastTransitionTime": since,
                "lastUpdateTime": old?["reason"]?.stringValue == reason
                    ? (old?["lastUpdateTime"] ?? .string(now)) : .string(now),
            ]
        }
        let name = newRS?.name ?? deployment.name
        let progressing =
            stalled
            ? condition(
                "Progressing", false, "ProgressDeadlineExceeded", "ReplicaSet \"\(name)\" has timed out progressing.")
            : complete
                ? condition(
                    "Progressing", true, "NewReplicaSetAvailable", "ReplicaSet \"\(name)\" has successfully progressed."
                )
                : condition("Progressing", true, "ReplicaSetUpdated", "ReplicaSet \"\(name)\" is progressing.")
        let availableCondition =
            available >= desired - unavailableBudget
            ? condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : condition(
                "Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
        var status: [String: JSON] = [
            "observedGeneration": .int(deployment.generation), "replicas": .int(Int64(replicas)),
            "updatedReplicas": .int(Int64(updated)), "readyReplicas": .int(Int64(ready)),
            "availableReplicas": .int(Int64(available)), "conditions": [availableCondition, progressing],
        ]
        if replicas - available > 0 { status["unavailableReplicas"] = .int(Int64(replicas - available)) }
        guard deployment.status != .object(status) else { return }
        var object = deployment
        object.status = .object(status)
        if let revision = newRS?.annotations[Self.revisionAnnotation],
            deployment.annotations[Self.revisionAnnotation] != revision
        {
            object.annotations[Self.revisionAnnotation] = revision
            _ = try? await store.update(
                .deployments, namespace: deployment.namespace, name: deployment.name,
                object: object, options: writer)
            if let fresh = try? await store.get(.deployments, namespace: deployment.namespace, name: deployment.name) {
                object = fresh
                object.status = .object(status)
            }
        }
        _ = try? await store.update(
            .deployments, namespace: deployment.namespace, name: deployment.name,
            object: object, subresource: "status", options: writer)
    }

    /// An int-or-percent against `total` (`25%` of 10 is 3 rounding up, 2 rounding down).
    static func resolve(_ value: JSON?, total: Int, roundUp: Bool, default fallback: String) -> Int {
        let v = value ?? .string(fallback)
        if let i = v.intValue { return Int(i) }
        guard let s = v.stringValue, s.hasSuffix("%"), let p = Double(s.dropLast()) else { return 0 }
        let exact = Double(total) * p / 100
        return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
    }
}
