import Kube

/// Argo CD's health rules for Deployments, StatefulSets, DaemonSets, ReplicaSets and Pods.
enum WorkloadHealth {
    static func int(_ json: JSON?) -> Int64 { json?.intValue ?? 0 }

    static func observed(_ object: KubeObject, _ status: JSON) -> Bool {
        int(status["observedGeneration"]) >= object.generation
    }

    static func deployment(_ object: KubeObject, _ status: JSON) -> Health {
        if object.spec?["paused"]?.boolValue == true { return Health(.suspended, "Deployment is paused") }
        guard observed(object, status) else {
            return Health(
                .progressing,
                "Waiting for rollout to finish: observed deployment generation less than desired generation")
        }
        if HealthAssessor.condition(status, "Progressing")?["reason"]?.stringValue == "ProgressDeadlineExceeded" {
            return Health(.degraded, "Deployment \"\(object.name)\" exceeded its progress deadline")
        }
        let wanted = object.spec?["replicas"]?.intValue ?? 1
        let updated = int(status["updatedReplicas"])
        if updated < wanted {
            return Health(
                .progressing,
                "Waiting for rollout to finish: \(updated) out of \(wanted) new replicas have been updated...")
        }
        if int(status["replicas"]) > updated {
            return Health(
                .progressing,
                "Waiting for rollout to finish: \(int(status["replicas"]) - updated) old replicas are pending termination..."
            )
        }
        if int(status["availableReplicas"]) < updated {
            return Health(
                .progressing,
                "Waiting for rollout to finish: \(int(status["availableReplicas"])) of \(updated) updated replicas are available..."
            )
        }
        return Health(.healthy)
    }

    static func statefulSet(_ object: KubeObject, _ status: JSON) -> Health {
        guard observed(object, status) else {
            return Health(.progressing, "Waiting for statefulset spec update to be observed...")
        }
        let wanted = object.spec?["replicas"]?.intValue ?? 1
        if int(status["readyReplicas"]) < wanted {
            return Health(.progressing, "Waiting for \(wanted) pods to be ready...")
        }
        if let update = status["updateRevision"]?.stringValue, let current = status["currentRevision"]?.stringValue,
            update != current,
            object.spec?[path: ["updateStrategy", "type"]]?.stringValue != "OnDelete"
        {
            return Health(.progressing, "waiting for statefulset rolling update to complete")
        }
        return Health(.healthy)
    }

    static func daemonSet(_ object: KubeObject, _ status: JSON) -> Health {
        guard observed(object, status) else {
            return Health(.progressing, "Waiting for daemon set spec update to be observed...")
        }
        let wanted = int(status["desiredNumberScheduled"])
        if int(status["updatedNumberScheduled"]) < wanted {
            return Health(.progressing, "Waiting for daemon set rollout to finish")
        }
        if int(status["numberAvailable"]) < wanted {
            return Health(.progressing, "Waiting for daemon set pods to be available")
        }
        return Health(.healthy)
    }

    static func replicaSet(_ object: KubeObject, _ status: JSON) -> Health {
        guard observed(object, status) else {
            return Health(
                .progressing,
                "Waiting for rollout to finish: observed replica set generation less than desired generation")
        }
        if let failure = HealthAssessor.condition(status, "ReplicaFailure"), failure["status"]?.stringValue == "True" {
            return Health(.degraded, failure["message"]?.stringValue ?? "ReplicaFailure")
        }
        let wanted = object.spec?["replicas"]?.intValue ?? 1
        if int(status["availableReplicas"]) < wanted {
            return Health(
                .progressing,
                "Waiting for rollout to finish: \(int(status["availableReplicas"])) out of \(wanted) new replicas are available..."
            )
        }
        return Health(.healthy)
    }
}

/// Pod health: Pending and not-yet-ready pods progress, crash loops and failures degrade.
enum PodHealth {
    static let failingReasons: Set<String> = [
        "CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError",
        "InvalidImageName", "CreateContainerError", "RunContainerError",
    ]

    static func assess(_ object: KubeObject, _ status: JSON) -> Health {
        let statuses =
            (status["containerStatuses"]?.arrayValue ?? []) + (status["initContainerStatuses"]?.arrayValue ?? [])
        for container in statuses {
            if let reason = container[path: ["state", "waiting", "reason"]]?.stringValue,
                failingReasons.contains(reason)
            {
                return Health(.degraded, container[path: ["state", "waiting", "message"]]?.stringValue ?? reason)
            }
        }
        switch status["phase"]?.stringValue {
        case "Succeeded": return Health(.healthy, status["message"]?.stringValue ?? "")
        case "Failed": return Health(.degraded, status["message"]?.stringValue ?? "Pod failed")
        case "Running":
            if object.spec?["restartPolicy"]?.stringValue ?? "Always" != "Always" {
                return Health(.progressing, "Pod is running")
            }
            let ready = HealthAssessor.condition(status, "Ready")?["status"]?.stringValue == "True"
            return ready ? Health(.healthy) : Health(.progressing, "Waiting for the pod to be ready")
        case "Pending": return Health(.progressing, status["message"]?.stringValue ?? "Pod is pending")
        default: return Health(.unknown, status["message"]?.stringValue ?? "")
        }
    }
}
