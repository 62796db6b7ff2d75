import Kube

/// `spec.workloadRef`: a Rollout that takes its pod template (and, without its own, its selector) from a
/// Deployment, so an existing Deployment can be moved to progressive delivery without copying it. The
/// Deployment is watched: a new template there starts an update here. `scaleDown` says what becomes of the
/// Deployment's own pods: `never` (the default) leaves them, `onsuccess` scales it to zero once the Rollout is
/// Healthy, `progressively` scales it down as the Rollout's pods become available.
extension RolloutController {
    /// The Rollout as the engine should see it: with the referenced Deployment's template and selector filled
    /// in, or a problem naming what is missing.
    func resolvingWorkload(_ rollout: KubeObject) async -> (rollout: KubeObject, problem: SpecProblem?) {
        guard let ref = rollout.spec?["workloadRef"], ref != .null else { return (rollout, nil) }
        let name = ref["name"]?.stringValue ?? ""
        guard let deployment = await deployments?.get("\(rollout.namespace ?? "")/\(name)"),
            let template = deployment.spec?["template"]
        else {
            return (rollout, SpecProblem(field: "spec.workloadRef", message: "Deployment \"\(name)\" not found"))
        }
        var resolved = rollout
        var spec = rollout.spec ?? [:]
        spec["template"] = template
        if spec["selector"] == nil || spec["selector"] == .null { spec["selector"] = deployment.spec?["selector"] }
        resolved.spec = spec
        return (resolved, nil)
    }

    /// Problems with a `workloadRef` itself, as Argo Rollouts validates it.
    static func workloadRefProblems(_ ref: JSON?) -> [SpecProblem] {
        guard let ref, ref != .null else { return [] }
        var problems: [SpecProblem] = []
        if ref["kind"]?.stringValue != "Deployment" || ref["apiVersion"]?.stringValue != "apps/v1" {
            problems.append(SpecProblem(field: "spec.workloadRef", message: "must reference an apps/v1 Deployment"))
        }
        if (ref["name"]?.stringValue ?? "").isEmpty {
            problems.append(SpecProblem(field: "spec.workloadRef.name", message: "is required"))
        }
        if let scaleDown = ref["scaleDown"]?.stringValue, !["never", "onsuccess", "progressively"].contains(scaleDown) {
            problems.append(
                SpecProblem(
                    field: "spec.workloadRef.scaleDown",
                    message: "must be never, onsuccess or progressively, not \"\(scaleDown)\""))
        }
        return problems
    }

    /// Scales the referenced Deployment down as `scaleDown` asks, given the Rollout's phase and available pods.
    func scaleDownWorkload(
        _ rollout: KubeObject, spec: RolloutSpec, phase: String, available: Int
    ) async throws(KubeError) {
        guard let ref = spec.workloadRef, let name = ref["name"]?.stringValue,
            let deployment = await deployments?.get("\(rollout.namespace ?? "")/\(name)")
        else { return }
        let current = Int(deployment.spec?["replicas"]?.intValue ?? 1)
        let wanted: Int
        switch ref["scaleDown"]?.stringValue ?? "never" {
        case "onsuccess": wanted = phase == "Healthy" ? 0 : current
        case "progressively": wanted = phase == "Healthy" ? 0 : min(current, max(0, spec.replicas - available))
        default: return
        }
        guard wanted != current else { return }
        _ = try await client.scale(.deployments, namespace: rollout.namespace, name: name, replicas: wanted)
        await events.record(
            rollout, type: .normal, reason: "ScalingDeployment",
            message: "Scaled Deployment \(name) from \(current) to \(wanted) (workloadRef scaleDown)")
    }
}
