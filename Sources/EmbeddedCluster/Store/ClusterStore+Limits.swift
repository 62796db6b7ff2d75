import Kube

/// What the store accepts, checked before anything is stored or acknowledged: one object size (etcd refuses
/// requests over 1.5 MiB) and the nesting depth every reader of the store can parse back.
extension ClusterStore {
    /// The largest serialized object the store keeps: etcd's default request limit, which kube-apiserver
    /// inherits.
    public static let maximumObjectBytes = 1_572_864

    /// Throws when serialized `bytes` could not be stored or read back.
    func checkStorable(_ bytes: [UInt8], key: ObjectKey) throws(KubeError) {
        if bytes.count > Self.maximumObjectBytes {
            throw KubeError(
                code: 413, reason: .requestEntityTooLarge,
                message: "\(key.resource) \"\(key.name)\" would be \(bytes.count) bytes; "
                    + "objects are limited to \(Self.maximumObjectBytes) bytes")
        }
        // Nesting deeper than the limit takes at least two bytes per level, so small objects skip the scan.
        guard bytes.count > 2 * JSON.maximumDepth else { return }
        let depth = JSON.nestingDepth(ofSerialized: bytes)
        if depth > JSON.maximumDepth {
            throw KubeError(
                code: 422, reason: .invalid,
                message: "\(key.resource) \"\(key.name)\" nests \(depth) levels deep; the limit is \(JSON.maximumDepth)"
            )
        }
    }

    /// A dry run answers with the object it would have stored, after the same checks a real write makes.
    func checkedDryRun(_ object: KubeObject) throws(KubeError) -> KubeObject {
        let key = ObjectKey(resource: object.kind, namespace: object.namespace ?? "", name: object.name)
        try checkStorable(object.json.serializedBytes(), key: key)
        return object
    }

    /// A patch body of the wrong shape is a 400 before it touches the object: merge and strategic merge
    /// patches are objects, JSON patches arrays (a merge patch `[1]` would otherwise replace the object).
    static func checkPatchShape(_ patch: JSON, type: PatchType) throws(KubeError) {
        switch type {
        case .merge, .strategicMerge, .apply:
            guard patch.objectValue != nil else {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "the \(type) patch body must be a JSON object, not \(patch.kindName)")
            }
        case .json:
            guard patch.arrayValue != nil else {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "the JSON patch body must be an array of operations, not \(patch.kindName)")
            }
        }
    }
}

extension JSON {
    /// `object`, `array`, `string`, ... for messages about a value of the wrong type.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
