import Foundation
import Kube

/// Service columns: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE; SELECTOR with `-o wide`.
enum ServiceColumns {
    static let all: [TableColumn] = [
        .name, .text("Type", "How the service is exposed.") { $0.spec?["type"]?.stringValue ?? "ClusterIP" },
        .text("Cluster-IP", "The cluster IP.") { $0.spec?["clusterIP"]?.stringValue ?? "<none>" },
        .text("External-IP", "External addresses.") { service in
            let ingress = (service.status?[path: ["loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap {
                $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue
            }
            let external = (service.spec?["externalIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
            if service.spec?["type"] == "ExternalName" { return service.spec?["externalName"]?.stringValue ?? "<none>" }
            if service.spec?["type"] == "LoadBalancer" && ingress.isEmpty && external.isEmpty { return "<pending>" }
            return BuiltinColumns.joined(ingress + external)
        },
        .text("Port(s)", "Ports, node ports and protocols.") { service in
            let ports = (service.spec?["ports"]?.arrayValue ?? []).map { port -> String in
                let number = port["port"]?.intValue.map(String.init) ?? ""
                let node = port["nodePort"]?.intValue.map { ":\($0)" } ?? ""
                return "\(number)\(node)/\(port["protocol"]?.stringValue ?? "TCP")"
            }
            return BuiltinColumns.joined(ports)
        },
        .age,
        .text("Selector", priority: 1, "The pods the service selects.") {
            BuiltinColumns.selector($0.spec?["selector"])
        },
    ]
}

/// Node columns: STATUS, ROLES, AGE, VERSION; addresses and system information with `-o wide`.
enum NodeColumns {
    static func info(_ node: KubeObject, _ field: String) -> String {
        node.status?[path: ["nodeInfo", field]]?.stringValue ?? "<unknown>"
    }

    static func address(_ node: KubeObject, _ type: String) -> String {
        node.status?["addresses"]?.arrayValue?.first { $0["type"]?.stringValue == type }?["address"]?.stringValue
            ?? "<none>"
    }

    static let all: [TableColumn] = [
        .name,
        .text("Status", "Ready or NotReady.") { node in
            let ready = node.status?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"]
            var status = ready == "True" ? "Ready" : "NotReady"
            if node.spec?["unschedulable"]?.boolValue == true { status += ",SchedulingDisabled" }
            return status
        },
        .text("Roles", "Roles from node-role.kubernetes.io labels.") { node in
            let prefix = "node-role.kubernetes.io/"
            return BuiltinColumns.joined(
                node.labels.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted())
        },
        .age, .text("Version", "Kubelet version.") { info($0, "kubeletVersion") },
        .text("Internal-IP", priority: 1, "Internal address.") { address($0, "InternalIP") },
        .text("External-IP", priority: 1, "External address.") { address($0, "ExternalIP") },
        .text("OS-Image", priority: 1, "Operating system image.") { info($0, "osImage") },
        .text("Kernel-Version", priority: 1, "Kernel version.") { info($0, "kernelVersion") },
        .text("Container-Runtime", priority: 1, "Container runtime.") { info($0, "containerRuntimeVersion") },
    ]
}

/// Core Event columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; more with `-o wide`.
enum EventColumns {
    static func lastSeen(_ event: KubeObject) -> String? {
        event.json["lastTimestamp"]?.stringValue ?? event.json["eventTime"]?.stringValue
            ?? event.json[path: ["metadata", "creationTimestamp"]]?.stringValue
    }

    static let all: [TableColumn] = [
        TableColumn(name: "Last Seen", description: "Time since the event last occurred.") { event, now in
            .string(HumanDuration.age(of: lastSeen(event), now: now))
        },
        .text("Type", "Normal or Warning.") { $0.json["type"]?.stringValue ?? "" },
        .text("Reason", "Why the event happened.") { $0.json["reason"]?.stringValue ?? "" },
        .text("Object", "The object the event is about.") { event in
            let object = event.json["involvedObject"]
            return "\(object?["kind"]?.stringValue?.lowercased() ?? "")/\(object?["name"]?.stringValue ?? "")"
        },
        .text("Subobject", priority: 1, "The part of the object.") {
            $0.json[path: ["involvedObject", "fieldPath"]]?.stringValue ?? ""
        },
        .text("Source", priority: 1, "The component that reported it.") {
            $0.json[path: ["source", "component"]]?.stringValue ?? $0.json["reportingComponent"]?.stringValue ?? ""
        },
        .text("Message", "What happened.") { $0.json["message"]?.stringValue ?? "" },
        TableColumn(name: "First Seen", priority: 1, description: "Time since the event first occurred.") { e, now in
            .string(HumanDuration.age(of: e.json["firstTimestamp"]?.stringValue ?? lastSeen(e), now: now))
        },
        TableColumn(name: "Count", type: "integer", priority: 1, description: "Occurrences.") { event, _ in
            .int(event.json["count"]?.intValue ?? 1)
        },
        .text("Name", priority: 1, "The event's name.") { $0.name },
    ]
}
