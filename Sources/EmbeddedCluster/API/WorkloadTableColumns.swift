import Foundation
import Kube

/// Pod columns: READY, STATUS (the container's waiting or terminated reason when there is one, as kubectl
/// shows CrashLoopBackOff), RESTARTS, AGE; IP, NODE, NOMINATED NODE and READINESS GATES with `-o wide`.
enum PodColumns {
    static let all: [TableColumn] = [
        .name,
        .text("Ready", "Ready containers of all containers.") { pod in
            let statuses = pod.status?["containerStatuses"]?.arrayValue ?? []
            let total = pod.spec?["containers"]?.arrayValue?.count ?? statuses.count
            return "\(statuses.filter { $0["ready"]?.boolValue == true }.count)/\(total)"
        },
        .text("Status", "What the pod is doing.", status),
        .text("Restarts", "Container restarts.") { pod in
            let restarts = (pod.status?["containerStatuses"]?.arrayValue ?? []).compactMap {
                $0["restartCount"]?.intValue
            }
            return String(restarts.reduce(0, +))
        },
        .age,
        .text("IP", priority: 1, "The pod's IP address.") { $0.status?["podIP"]?.stringValue ?? "<none>" },
        .text("Node", priority: 1, "The node the pod runs on.") { $0.spec?["nodeName"]?.stringValue ?? "<none>" },
        .text("Nominated Node", priority: 1, "The node the scheduler nominated.") {
            $0.status?["nominatedNodeName"]?.stringValue ?? "<none>"
        },
        .text("Readiness Gates", priority: 1, "Readiness gates met of all gates.") { pod in
            let gates = pod.spec?["readinessGates"]?.arrayValue ?? []
            return gates.isEmpty ? "<none>" : "0/\(gates.count)"
        },
    ]

    static func status(_ pod: KubeObject) -> String {
        if pod.deletionTimestamp != nil { return "Terminating" }
        var reason = pod.status?["reason"]?.stringValue ?? pod.status?["phase"]?.stringValue ?? "Pending"
        for container in pod.status?["containerStatuses"]?.arrayValue ?? [] {
            if let waiting = container[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = container[path: ["state", "terminated"]] {
                reason = terminated["reason"]?.stringValue ?? "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
            }
        }
        if reason == "Pending",
            pod.status?["conditions"]?.arrayValue?.contains(where: {
                $0["type"] == "PodScheduled" && $0["status"] == "False"
            }) == true
        {
            return "Pending"
        }
        return reason
    }
}

/// Deployment, ReplicaSet, StatefulSet, DaemonSet and Job columns, with CONTAINERS, IMAGES and SELECTOR for
/// `-o wide`.
enum WorkloadColumns {
    static func int(_ o: KubeObject, _ path: [String]) -> Int64 { o.json[path: path]?.intValue ?? 0 }

    static let wide: [TableColumn] = [
        .text("Containers", priority: 1, "Container names of the pod template.") { o in
            BuiltinColumns.joined(containers(o).compactMap { $0["name"]?.stringValue })
        },
        .text("Images", priority: 1, "Container images of the pod template.") { o in
            BuiltinColumns.joined(containers(o).compactMap { $0["image"]?.stringValue })
        },
        .text("Selector", priority: 1, "The label selector.") { BuiltinColumns.selector($0.spec?["selector"]) },
    ]

    static func containers(_ o: KubeObject) -> [JSON] {
        o.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
    }

    static let deployment: [TableColumn] =
        [
            .name,
            .text("Ready", "Ready replicas of desired.") {
                "\(int($0, ["status", "readyReplicas"]))/\($0.spec?["replicas"]?.intValue ?? 1)"
            },
            .number("Up-to-date", declared: "string", "Replicas at the current template.") {
                int($0, ["status", "updatedReplicas"])
            },
            .number("Available", declared: "string", "Available replicas.") {
                int($0, ["status", "availableReplicas"])
            }, .age,
        ] + wide

    static let replicaSet: [TableColumn] =
        [
            .name, .number("Desired", "Desired replicas.") { $0.spec?["replicas"]?.intValue ?? 1 },
            .number("Current", "Current replicas.") { int($0, ["status", "replicas"]) },
            .number("Ready", "Ready replicas.") { int($0, ["status", "readyReplicas"]) }, .age,
        ] + wide

    static let statefulSet: [TableColumn] =
        [
            .name,
            .text("Ready", "Ready replicas of desired.") {
                "\(int($0, ["status", "readyReplicas"]))/\($0.spec?["replicas"]?.intValue ?? 1)"
            }, .age,
        ] + wide.prefix(2)

    static let daemonSet: [TableColumn] =
        [
            .name,
            .number("Desired", "Nodes that should run the pod.") { int($0, ["status", "desiredNumberScheduled"]) },
            .number("Current", "Nodes running the pod.") { int($0, ["status", "currentNumberScheduled"]) },
            .number("Ready", "Nodes with the pod ready.") { int($0, ["status", "numberReady"]) },
            .number("Up-to-date", "Nodes at the current template.") { int($0, ["status", "updatedNumberScheduled"]) },
            .number("Available", "Nodes with the pod available.") { int($0, ["status", "numberAvailable"]) },
            .text("Node Selector", "The pod template's node selector.") {
                BuiltinColumns.selector($0.json[path: ["spec", "template", "spec", "nodeSelector"]])
            }, .age,
        ] + wide

    static let job: [TableColumn] =
        [
            .name,
            .text("Status", "Complete, Failed, Suspended or Running.") { job in
                let conditions = job.status?["conditions"]?.arrayValue ?? []
                for type in ["Complete", "Failed", "Suspended"]
                where conditions.contains(where: { $0["type"]?.stringValue == type && $0["status"] == "True" }) {
                    return type
                }
                return "Running"
            },
            .text("Completions", "Succeeded pods of required.") {
                "\(int($0, ["status", "succeeded"]))/\($0.spec?["completions"]?.intValue ?? 1)"
            },
            TableColumn(name: "Duration", description: "Time from start to completion (or now).") { job, now in
                guard let start = job.status?["startTime"]?.stringValue.flatMap(KubeTime.parse) else { return "" }
                let end = job.status?["completionTime"]?.stringValue.flatMap(KubeTime.parse) ?? now
                return .string(HumanDuration.format(end.timeIntervalSince(start)))
            }, .age,
        ] + wide
}
