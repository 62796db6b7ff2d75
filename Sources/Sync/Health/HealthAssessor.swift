import Kube

/// Health of one live object, with Argo CD's built-in rules per kind.
public enum HealthAssessor {
    public static func assess(_ object: KubeObject?) -> Health {
        guard let object else { return Health(.missing) }
        if object.deletionTimestamp != nil { return Health(.progressing, "Pending deletion") }
        let status = object.status ?? .object([:])
        switch (object.gvk.group, object.kind) {
        case ("apps", "Deployment"): return WorkloadHealth.deployment(object, status)
        case ("apps", "StatefulSet"): return WorkloadHealth.statefulSet(object, status)
        case ("apps", "DaemonSet"): return WorkloadHealth.daemonSet(object, status)
        case ("apps", "ReplicaSet"): return WorkloadHealth.replicaSet(object, status)
        case ("", "Pod"): return PodHealth.assess(object, status)
        case ("batch", "Job"): return job(object, status)
        case ("batch", "CronJob"):
            return object.spec?["suspend"]?.boolValue == true
                ? Health(.suspended, "CronJob is suspended") : Health(.healthy)
        case ("", "Service"): return service(object, status)
        case ("networking.k8s.io", "Ingress"), ("extensions", "Ingress"): return loadBalanced(status, what: "Ingress")
        case ("", "PersistentVolumeClaim"): return pvc(status)
        case ("autoscaling", "HorizontalPodAutoscaler"): return hpa(status)
        case ("argoproj.io", "Rollout"): return rollout(object, status)
        case ("argoproj.io", "Application"): return application(status)
        default: return conditions(status)
        }
    }

    static func condition(_ status: JSON, _ type: String) -> JSON? {
        status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    static func job(_ object: KubeObject, _ status: JSON) -> Health {
        if condition(status, "Failed")?["status"]?.stringValue == "True" {
            return Health(.degraded, condition(status, "Failed")?["message"]?.stringValue ?? "Job failed")
        }
        if condition(status, "Complete")?["status"]?.stringValue == "True" { return Health(.healthy, "Job completed") }
        if object.spec?["suspend"]?.boolValue == true { return Health(.suspended, "Job is suspended") }
        return Health(.progressing, "Job is running")
    }

    static func service(_ object: KubeObject, _ status: JSON) -> Health {
        guard object.spec?["type"]?.stringValue == "LoadBalancer" else { return Health(.healthy) }
        return loadBalanced(status, what: "Service")
    }

    static func loadBalanced(_ status: JSON, what: String) -> Health {
        let ingress = status[path: ["loadBalancer", "ingress"]]?.arrayValue ?? []
        return ingress.isEmpty ? Health(.progressing, "Waiting for the \(what) load balancer") : Health(.healthy)
    }

    static func pvc(_ status: JSON) -> Health {
        switch status["phase"]?.stringValue {
        case "Bound": Health(.healthy)
        case "Lost": Health(.degraded, "Volume is lost")
        default: Health(.progressing, "Waiting for the claim to be bound")
        }
    }

    static func hpa(_ status: JSON) -> Health {
        for type in ["AbleToScale", "ScalingActive"] {
            if let c = condition(status, type), c["status"]?.stringValue == "False",
                c["reason"]?.stringValue?.hasPrefix("Failed") == true
            {
                return Health(.degraded, c["message"]?.stringValue ?? type)
            }
        }
        return status["conditions"] == nil && status["currentReplicas"] == nil
            ? Health(.progressing, "Waiting to autoscale") : Health(.healthy)
    }

    static func rollout(_ object: KubeObject, _ status: JSON) -> Health {
        if let observed = status["observedGeneration"]?.stringValue
            ?? status["observedGeneration"]?.intValue.map(String.init),
            observed != String(object.generation)
        {
            return Health(.progressing, "Waiting for rollout spec update to be observed")
        }
        let message = status["message"]?.stringValue ?? ""
        switch status["phase"]?.stringValue {
        case "Healthy": return Health(.healthy, message)
        case "Paused": return Health(.suspended, message)
        case "Degraded": return Health(.degraded, message)
        case "Progressing": return Health(.progressing, message)
        default: return Health(.progressing, "Waiting for rollout status")
        }
    }

    static func application(_ status: JSON) -> Health {
        let value = status[path: ["health", "status"]]?.stringValue ?? ""
        return Health(
            HealthStatus(rawValue: value) ?? .unknown, status[path: ["health", "message"]]?.stringValue ?? "")
    }

    /// Objects with a Ready or Available condition follow it; anything else is Healthy once it exists.
    static func conditions(_ status: JSON) -> Health {
        for type in ["Ready", "Available"] {
            guard let c = condition(status, type) else { continue }
            let message = c["message"]?.stringValue ?? ""
            switch c["status"]?.stringValue {
            case "True": return Health(.healthy, message)
            case "False": return Health(.degraded, message)
            default: return Health(.progressing, message)
            }
        }
        return Health(.healthy)
    }
}
