import Foundation
import Kube

/// The Rollout status the controller writes, in Argo Rollouts' shape: phase and message, step index, pod
/// hashes, replica counts, the selector for the scale subresource, pause conditions and conditions.
enum RolloutStatusWriter {
    static func status(
        _ rollout: KubeObject, plan: some RolloutPlan, hash: String, replicaSets: [ReplicaSetState], now: Date
    ) -> JSON {
        let state = plan.status
        let newRS = replicaSets.first { $0.hash == hash }
        let available = replicaSets.reduce(0) { $0 + $1.available }
        let replicas = replicaSets.reduce(0) { $0 + $1.replicas }
        var status: [String: JSON] = [
            "phase": .string(plan.phase), "message": .string(plan.message),
            "currentPodHash": .string(hash), "stableRS": state.stableRS.map(JSON.string) ?? .null,
            "currentStepIndex": state.currentStepIndex.map { .int(Int64($0)) } ?? .null,
            "pauseConditions": state.pauseConditions.isEmpty ? .null : .array(state.pauseConditions),
            "controllerPause": state.controllerPause ? true : .null, "abort": state.abort ? true : .null,
            "promoteFull": state.promoteFull ? true : .null,
            "observedGeneration": .string(String(rollout.generation)),
            "replicas": .int(Int64(replicas)), "HPAReplicas": .int(Int64(replicas)),
            "updatedReplicas": .int(Int64(newRS?.replicas ?? 0)),
            "readyReplicas": .int(Int64(available)), "availableReplicas": .int(Int64(available)),
            "selector": .string(selectorText(rollout.spec?["selector"])),
        ]
        var canary: [String: JSON] = [:]
        if let run = state.stepRun { canary["currentStepAnalysisRunStatus"] = run.json }
        if let run = state.backgroundRun { canary["currentBackgroundAnalysisRunStatus"] = run.json }
        if let weight = state.routedWeight {
            let services = rollout.spec?["strategy"]?["canary"]
            canary["weights"] = [
                "canary": [
                    "weight": .int(Int64(weight)), "podTemplateHash": .string(hash),
                    "serviceName": services?["canaryService"] ?? .null,
                ],
                "stable": [
                    "weight": .int(Int64(100 - weight)), "podTemplateHash": state.stableRS.map(JSON.string) ?? .null,
                    "serviceName": services?["stableService"] ?? .null,
                ],
            ]
        }
        // A merge patch keeps what it does not name: a run no longer waited on is removed explicitly.
        for key in (rollout.status?["canary"]?.objectValue ?? [:]).keys where canary[key] == nil { canary[key] = .null }
        status["canary"] = canary.isEmpty ? .null : .object(canary)
        if state.abort { status["abortedAt"] = rollout.status?["abortedAt"] ?? .string(KubeTime.format(now)) }
        let paused = plan.phase == "Paused"
        status["conditions"] = conditions(
            rollout,
            [
                (
                    "Progressing", plan.phase == "Degraded" ? "False" : "True",
                    plan.phase == "Degraded" ? "RolloutAborted" : paused ? "RolloutPaused" : "ReplicaSetUpdated"
                ),
                (
                    "Available",
                    available >= (rollout.spec?["replicas"]?.intValue.map(Int.init) ?? 1) ? "True" : "False",
                    "AvailableReason"
                ),
                ("Paused", paused ? "True" : "False", paused ? "RolloutPaused" : "RolloutResumed"),
                ("Healthy", plan.phase == "Healthy" ? "True" : "False", "RolloutHealthy"),
                ("Completed", plan.phase == "Healthy" ? "True" : "False", "RolloutCompleted"),
            ], message: plan.message, now: now)
        return .object(status)
    }

    /// Records the last progress on the Progressing condition and, past the deadline, marks the update
    /// Degraded with `ProgressDeadlineExceeded` (aborting it when `abort` is set).
    static func apply(
        _ verdict: ProgressDeadline.Verdict, to status: inout JSON, previous: JSON?, replicaSet: String, abort: Bool
    ) {
        guard case .array(var conditions) = status["conditions"] ?? .null,
            let index = conditions.firstIndex(where: { $0["type"] == "Progressing" })
        else { return }
        conditions[index]["lastUpdateTime"] = .string(KubeTime.format(verdict.lastProgress))
        if verdict.exceeded {
            let before = (previous?["conditions"]?.arrayValue ?? []).first { $0["type"] == "Progressing" }
            if before?["reason"] == "ProgressDeadlineExceeded", let since = before?["lastTransitionTime"] {
                conditions[index]["lastTransitionTime"] = since  // already exceeded: nothing new to write
            }
            let message = "ProgressDeadlineExceeded: ReplicaSet \"\(replicaSet)\" has timed out progressing."
            conditions[index]["status"] = "False"
            conditions[index]["reason"] = "ProgressDeadlineExceeded"
            conditions[index]["message"] = .string(message)
            status["phase"] = "Degraded"
            status["message"] = .string(message)
            if abort { status["abort"] = true }
        }
        status["conditions"] = .array(conditions)
    }

    static func invalid(_ rollout: KubeObject, message: String, now: Date) -> JSON {
        [
            "phase": "Degraded", "message": .string("InvalidSpec: \(message)"),
            "observedGeneration": .string(String(rollout.generation)),
            "conditions": conditions(rollout, [("InvalidSpec", "True", "InvalidSpec")], message: message, now: now),
        ]
    }

    /// Conditions keep their `lastTransitionTime` while their status stays the same.
    static func conditions(
        _ rollout: KubeObject, _ wanted: [(type: String, status: String, reason: String)], message: String, now: Date
    ) -> JSON {
        let previous = rollout.status?["conditions"]?.arrayValue ?? []
        return .array(
            wanted.map { type, status, reason in
                let old = previous.first { $0["type"]?.stringValue == type }
                let since =
                    old?["status"]?.stringValue == status
                    ? old?["lastTransitionTime"] ?? .string(KubeTime.format(now)) : .string(KubeTime.format(now))
                return [
                    "type": .string(type), "status": .string(status), "reason": .string(reason),
                    "message": .string(message), "lastTransitionTime": since, "lastUpdateTime": since,
                ]
            })
    }

    /// `app=demo,tier=web`, the label selector text the scale subresource reports.
    static func selectorText(_ selector: JSON?) -> String {
        KubeObject.stringMap(selector?["matchLabels"]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ",")
    }

    /// True when writing `status` would change nothing (a null in it removes a field that is absent anyway).
    static func sameStatus(_ current: JSON?, _ status: JSON) -> Bool {
        guard case .object(let wanted) = status else { return false }
        return wanted.allSatisfy { key, value in
            value == .null ? current?[key] == nil || current?[key] == .null : current?[key] == value
        }
    }
}
