import Foundation
import Kube

/// One column of a server-side Table: its definition and how a row's cell is computed. `priority` 1 columns
/// are shown by `kubectl get -o wide` only.
struct TableColumn: Sendable {
    var name: String
    var type = "string"
    var format = ""
    var priority = 0
    var description: String
    var cell: @Sendable (KubeObject, Date) -> JSON

    var definition: JSON {
        [
            "name": .string(name), "type": .string(type), "format": .string(format),
            "description": .string(description), "priority": .int(Int64(priority)),
        ]
    }

    static let name = TableColumn(name: "Name", format: "name", description: "Name of the object.") { o, _ in
        .string(o.name)
    }
    static let age = TableColumn(name: "Age", description: "Time since the object was created.") { o, now in
        .string(HumanDuration.age(of: o.json[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now))
    }

    static func text(
        _ name: String, priority: Int = 0, _ description: String, _ value: @escaping @Sendable (KubeObject) -> String
    )
        -> TableColumn
    {
        TableColumn(name: name, priority: priority, description: description) { o, _ in .string(value(o)) }
    }

    /// A column of whole numbers. Some of kube-apiserver's declare the type `string` though their cells are
    /// numbers (a Deployment's Up-to-date, a ConfigMap's Data); `declared` keeps that.
    static func number(
        _ name: String, declared: String = "integer", _ description: String,
        _ value: @escaping @Sendable (KubeObject) -> Int64
    ) -> TableColumn {
        TableColumn(name: name, type: declared, description: description) { o, _ in .int(value(o)) }
    }
}

/// The columns kube-apiserver prints for the built-in kinds `kubectl get` is used with most; every other kind
/// gets Name and Age (custom resources: their CRD's `additionalPrinterColumns`).
enum BuiltinColumns {
    static func columns(for storageKey: String) -> [TableColumn] {
        switch storageKey {
        case "pods": return PodColumns.all
        case "deployments.apps": return WorkloadColumns.deployment
        case "replicasets.apps": return WorkloadColumns.replicaSet
        case "statefulsets.apps": return WorkloadColumns.statefulSet
        case "daemonsets.apps": return WorkloadColumns.daemonSet
        case "jobs.batch": return WorkloadColumns.job
        case "services": return ServiceColumns.all
        case "namespaces":
            return [.name, .text("Status", "Phase of the namespace.") { $0.status?["phase"]?.stringValue ?? "" }, .age]
        case "configmaps":
            return [
                .name,
                .number("Data", declared: "string", "Number of keys.") {
                    Int64(($0.json["data"]?.objectValue?.count ?? 0) + ($0.json["binaryData"]?.objectValue?.count ?? 0))
                }, .age,
            ]
        case "secrets":
            return [
                .name, .text("Type", "Type of the secret.") { $0.json["type"]?.stringValue ?? "" },
                .number("Data", declared: "string", "Number of keys.") {
                    Int64($0.json["data"]?.objectValue?.count ?? 0)
                }, .age,
            ]
        case "nodes": return NodeColumns.all
        case "events": return EventColumns.all
        case "leases.coordination.k8s.io":
            return [
                .name,
                .text("Holder", "Current holder of the lease.") { $0.spec?["holderIdentity"]?.stringValue ?? "" },
                .age,
            ]
        default: return [.name, .age]
        }
    }

    /// `a,b,c` or `<none>`, as kubectl prints lists.
    static func joined(_ items: [String]) -> String { items.isEmpty ? "<none>" : items.joined(separator: ",") }

    /// `app=web,tier=front` from a label selector, or `<none>`.
    static func selector(_ json: JSON?) -> String {
        let labels = json?["matchLabels"]?.objectValue ?? json?.objectValue ?? [:]
        var parts = labels.sorted { $0.key < $1.key }.compactMap { key, value in
            value.stringValue.map { "\(key)=\($0)" }
        }
        for expression in json?["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
            switch expression["operator"]?.stringValue {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!" + key)
            default: continue
            }
        }
        return joined(parts)
    }
}
