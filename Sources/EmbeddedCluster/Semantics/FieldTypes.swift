import Kube

/// The type checks kube-apiserver's decoder makes before anything else: metadata strings and string maps,
/// and the integer fields of the workload kinds. A value of the wrong type is a 400 naming the field and
/// what it holds, as the real server's "cannot be handled as a Deployment" answer does.
enum FieldTypes {
    static let stringMetadata = ["name", "namespace", "generateName", "resourceVersion", "uid"]
    static let integerFields: [String: [[String]]] = [
        "deployments.apps": [
            ["spec", "replicas"], ["spec", "minReadySeconds"], ["spec", "revisionHistoryLimit"],
            ["spec", "progressDeadlineSeconds"],
        ],
        "replicasets.apps": [["spec", "replicas"], ["spec", "minReadySeconds"]],
        "statefulsets.apps": [["spec", "replicas"], ["spec", "minReadySeconds"], ["spec", "revisionHistoryLimit"]],
        "jobs.batch": [
            ["spec", "completions"], ["spec", "parallelism"], ["spec", "backoffLimit"],
            ["spec", "activeDeadlineSeconds"], ["spec", "ttlSecondsAfterFinished"],
        ],
    ]

    static func check(_ object: KubeObject, type: ResourceType) throws(KubeError) {
        let metadata = object.json["metadata"]
        if let metadata, metadata != .null, metadata.objectValue == nil {
            throw mismatch(type, field: "metadata", expected: "an object", found: metadata)
        }
        for field in stringMetadata {
            if let value = metadata?[field], value != .null, value.stringValue == nil {
                throw mismatch(type, field: "metadata.\(field)", expected: "a string", found: value)
            }
        }
        for field in ["labels", "annotations"] {
            guard let value = metadata?[field], value != .null else { continue }
            guard let map = value.objectValue else {
                throw mismatch(type, field: "metadata.\(field)", expected: "a map of strings", found: value)
            }
            if let bad = map.first(where: { $0.value.stringValue == nil }) {
                throw mismatch(type, field: "metadata.\(field).\(bad.key)", expected: "a string", found: bad.value)
            }
        }
        for path in integerFields[type.storageKey] ?? [] {
            if let value = object.json[path: path], value != .null, value.intValue == nil {
                throw mismatch(type, field: path.joined(separator: "."), expected: "an integer", found: value)
            }
        }
    }

    static func mismatch(_ type: ResourceType, field: String, expected: String, found: JSON) -> KubeError {
        let shown = found.stringValue.map { "\"\($0.prefix(64))\"" } ?? String(found.serialized().prefix(64))
        return KubeError(
            code: 400, reason: .badRequest,
            message: "\(type.kind) in version \"\(type.gvr.version)\" cannot be handled as a \(type.kind): "
                + "\(field): expected \(expected), found \(shown)")
    }
}
