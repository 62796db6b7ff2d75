/// A Kubernetes object of any kind, held as JSON with typed accessors for the fields every object shares.
public struct KubeObject: Sendable, Hashable {
    public var json: JSON

    public init(_ json: JSON) { self.json = json }

    public init(apiVersion: String, kind: String, name: String, namespace: String? = nil, body: [String: JSON] = [:]) {
        var object = body
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        var metadata: [String: JSON] = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        object["metadata"] = .object(metadata)
        json = .object(object)
    }

    public var apiVersion: String {
        get { json["apiVersion"]?.stringValue ?? "" }
        set { json["apiVersion"] = .string(newValue) }
    }
    public var kind: String {
        get { json["kind"]?.stringValue ?? "" }
        set { json["kind"] = .string(newValue) }
    }
    public var gvk: GroupVersionKind { GroupVersionKind(apiVersion: apiVersion, kind: kind) }

    public var metadata: JSON {
        get { json["metadata"] ?? .object([:]) }
        set { json["metadata"] = newValue }
    }

    func metaString(_ key: String) -> String? { json["metadata"]?[key]?.stringValue }
    mutating func setMeta(_ key: String, _ value: JSON?) {
        var meta = metadata
        meta[key] = value
        json["metadata"] = meta
    }

    public var name: String {
        get { metaString("name") ?? "" }
        set { setMeta("name", .string(newValue)) }
    }
    public var generateName: String? { metaString("generateName") }
    public var namespace: String? {
        get { metaString("namespace").flatMap { $0.isEmpty ? nil : $0 } }
        set { setMeta("namespace", newValue.map(JSON.string)) }
    }
    public var uid: String? {
        get { metaString("uid") }
        set { setMeta("uid", newValue.map(JSON.string)) }
    }
    public var resourceVersion: String? {
        get { metaString("resourceVersion") }
        set { setMeta("resourceVersion", newValue.map(JSON.string)) }
    }
    public var generation: Int64 {
        get { json["metadata"]?["generation"]?.intValue ?? 0 }
        set { setMeta("generation", .int(newValue)) }
    }
    public var creationTimestamp: String? { metaString("creationTimestamp") }
    public var deletionTimestamp: String? {
        get { metaString("deletionTimestamp") }
        set { setMeta("deletionTimestamp", newValue.map(JSON.string)) }
    }

    public var labels: [String: String] {
        get { Self.stringMap(json["metadata"]?["labels"]) }
        set { setMeta("labels", newValue.isEmpty ? nil : .object(newValue.mapValues(JSON.string))) }
    }
    public var annotations: [String: String] {
        get { Self.stringMap(json["metadata"]?["annotations"]) }
        set { setMeta("annotations", newValue.isEmpty ? nil : .object(newValue.mapValues(JSON.string))) }
    }
    public var finalizers: [String] {
        get { json["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        set { setMeta("finalizers", newValue.isEmpty ? nil : .array(newValue.map(JSON.string))) }
    }
    public var ownerReferences: [OwnerReference] {
        get { json["metadata"]?["ownerReferences"]?.arrayValue?.compactMap(OwnerReference.init(json:)) ?? [] }
        set { setMeta("ownerReferences", newValue.isEmpty ? nil : .array(newValue.map(\.json))) }
    }
    public var managedFields: [JSON] {
        get { json["metadata"]?["managedFields"]?.arrayValue ?? [] }
        set { setMeta("managedFields", newValue.isEmpty ? nil : .array(newValue)) }
    }

    public var spec: JSON? {
        get { json["spec"] }
        set { json["spec"] = newValue }
    }
    public var status: JSON? {
        get { json["status"] }
        set { json["status"] = newValue }
    }

    /// `namespace/name`, or `name` for cluster-scoped objects: the key used by caches and work queues.
    public var key: String { namespace.map { "\($0)/\(name)" } ?? name }

    /// A JSON object of strings as a dictionary (non-string values are serialized).
    public static func stringMap(_ json: JSON?) -> [String: String] {
        guard let object = json?.objectValue else { return [:] }
        var map: [String: String] = [:]
        for (k, v) in object {
            if let s = v.stringValue { map[k] = s } else if v != .null { map[k] = v.serialized() }
        }
        return map
    }
}

/// A link from a dependent object to its owner, used by garbage collection.
public struct OwnerReference: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool
    public var blockOwnerDeletion: Bool

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool = false,
        blockOwnerDeletion: Bool = false
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// A controller reference to `owner`, as controllers set on what they create.
    public init(controlledBy owner: KubeObject) {
        self.init(
            apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid ?? "",
            controller: true, blockOwnerDeletion: true)
    }

    public init?(json: JSON) {
        guard let uid = json["uid"]?.stringValue, let name = json["name"]?.stringValue else { return nil }
        self.init(
            apiVersion: json["apiVersion"]?.stringValue ?? "", kind: json["kind"]?.stringValue ?? "",
            name: name, uid: uid, controller: json["controller"]?.boolValue ?? false,
            blockOwnerDeletion: json["blockOwnerDeletion"]?.boolValue ?? false)
    }

    public var json: JSON {
        var o: [String: JSON] = [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
            "uid": .string(uid),
        ]
        if controller { o["controller"] = true }
        if blockOwnerDeletion { o["blockOwnerDeletion"] = true }
        return .object(o)
    }
}
