/// What server-side apply knows of the built-in kinds' schema when it records field ownership: the keys of
/// associative lists (a Service port is identified by `port` and `protocol`, as in kube-apiserver's
/// `k:{"port":80,"protocol":"TCP"}`), the defaults those keys take when a manifest leaves them out, and the
/// atomic fields that are owned as a whole (`spec.selector` appears as `"f:selector": {}`).
public enum FieldSchema {
    /// Associative lists whose elements are identified by more than one field.
    static let compoundListKeys: [String: [String]] = [
        "topologySpreadConstraints": ["topologyKey", "whenUnsatisfiable"]
    ]

    /// Values a list key takes when the element leaves it out (the server's default).
    static let keyDefaults: [String: JSON] = ["protocol": "TCP"]

    /// Fields recorded as one leaf in managedFields: label selectors (an atomic struct) and selector maps.
    static let atomicFields: Set<String> = [
        "selector", "nodeSelector", "labelSelector", "podSelector", "namespaceSelector",
    ]

    /// The fields that identify an element of the list `field`, or nil for an atomic list.
    public static func listKeys(for field: String, elements: [JSON]) -> [String]? {
        if field == "ports" {
            return elements.contains { $0["containerPort"] != nil }
                ? ["containerPort", "protocol"] : ["port", "protocol"]
        }
        if let keys = compoundListKeys[field] { return keys }
        return StrategicMergePatch.mergeKey(for: field, elements: elements).map { [$0] }
    }

    /// The identity of one list element as the `k:` object, with defaulted keys filled in; nil when the
    /// element lacks a key that has no default.
    public static func identity(of element: JSON, keys: [String]) -> JSON? {
        var identity: [String: JSON] = [:]
        for key in keys {
            guard let value = element[key] ?? keyDefaults[key] else { return nil }
            identity[key] = value
        }
        return .object(identity)
    }

    /// True when `element` is the one a `k:` identity names (keys it leaves out take their defaults).
    public static func element(_ element: JSON, matches identity: [String: JSON]) -> Bool {
        identity.allSatisfy { (element[$0.key] ?? keyDefaults[$0.key]) == $0.value }
    }

    /// True when `field` of an object with this `apiVersion` is owned as a whole. Only built-in groups: a
    /// custom resource's schema is granular unless its CRD says otherwise.
    public static func isAtomic(_ field: String, apiVersion: String) -> Bool {
        guard atomicFields.contains(field) else { return false }
        let group = apiVersion.split(separator: "/").dropLast().first.map(String.init) ?? ""
        return !group.contains(".") || group.hasSuffix(".k8s.io")
    }
}
