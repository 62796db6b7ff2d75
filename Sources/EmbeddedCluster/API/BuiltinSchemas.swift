import Kube

/// The structure of every built-in kind as OpenAPI v3 schemas: field names and JSON types, generated from
/// the official Kubernetes Python client by `scripts/generate-builtin-schemas.py` into
/// `Resources/builtin-schemas.json` (names and types only; no Kubernetes description text is copied).
///
/// Object references are written as in kube-apiserver's v3 documents (`allOf` around one `$ref`). Keyed
/// lists carry `x-kubernetes-patch-merge-key` from the table the server's strategic merge patch uses. The
/// operations declare no strategic-merge request body, so kubectl builds its patches for built-in kinds
/// from its own compiled-in types, as it does against a server whose documents it cannot use.
struct BuiltinSchemas: Sendable {
    static let shared = BuiltinSchemas(bytes: PackageResources.builtin_schemas_json)

    /// Schema name → OpenAPI v3 schema (`#/components/schemas/<name>`).
    let schemas: [String: JSON]
    /// `group/version/Kind` (`/v1/Pod` for the core group) → schema name.
    let kinds: [String: String]

    static let timeName = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
    static let intOrStringName = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
    static let objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    init(bytes: [UInt8]) {
        let document: JSON
        do {
            document = try JSON.parse(bytes)
        } catch {
            fatalError("Resources/builtin-schemas.json is compiled in and must be valid JSON: \(error)")
        }
        var schemas: [String: JSON] = [
            Self.timeName: ["type": "string", "format": "date-time"],
            Self.intOrStringName: ["type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true],
        ]
        let definitions = document["definitions"]?.objectValue ?? [:]
        for (name, definition) in definitions {
            var properties: [String: JSON] = [:]
            for (field, type) in definition["fields"]?.objectValue ?? [:] {
                properties[field] = Self.schema(of: type.stringValue ?? "object", field: field, owner: name)
            }
            schemas[name] = ["type": "object", "properties": .object(properties)]
        }
        var kinds: [String: String] = [:]
        for (gvk, name) in document["kinds"]?.objectValue ?? [:] {
            guard let name = name.stringValue else { continue }
            kinds[gvk] = name
            let parts = gvk.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            schemas[name]?["x-kubernetes-group-version-kind"] = [
                ["group": .string(parts[0]), "version": .string(parts[1]), "kind": .string(parts[2])]
            ]
        }
        self.schemas = schemas
        self.kinds = kinds
    }

    /// The schema name of a built-in kind, nil for kinds the document does not hold.
    func name(group: String, version: String, kind: String) -> String? {
        kinds["\(group)/\(version)/\(kind)"]
    }

    /// The v3 schema of one field type as the generator writes it (`string`, `[]<name>`, `{}<name>`, ...).
    static func schema(of type: String, field: String, owner: String) -> JSON {
        switch type {
        case "string", "boolean": return ["type": .string(type)]
        case "integer": return ["type": "integer", "format": "int64"]
        case "number": return ["type": "number", "format": "double"]
        case "date-time": return reference(timeName)
        case "int-or-string": return reference(intOrStringName)
        case "object": return ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        default: break
        }
        if type.hasPrefix("[]") {
            let element = String(type.dropFirst(2))
            var list: [String: JSON] = ["type": "array", "items": schema(of: element, field: field, owner: owner)]
            if let key = mergeKey(field: field, element: element) {
                list["x-kubernetes-patch-merge-key"] = .string(key)
                list["x-kubernetes-patch-strategy"] = field == "volumes" ? "merge,retainKeys" : "merge"
            } else if StrategicMergePatch.isMergedScalarList(field) && !element.contains(".") {
                list["x-kubernetes-patch-strategy"] = "merge"
            }
            return .object(list)
        }
        if type.hasPrefix("{}") {
            return [
                "type": "object",
                "additionalProperties": schema(of: String(type.dropFirst(2)), field: "", owner: owner),
            ]
        }
        var object = reference(type)
        if field == "strategy" && owner.hasSuffix("apps.v1.DeploymentSpec") {
            object["x-kubernetes-patch-strategy"] = "retainKeys"
        }
        return object
    }

    static func reference(_ name: String) -> JSON {
        ["allOf": [["$ref": .string("#/components/schemas/\(name)")]]]
    }

    /// The merge key of a keyed list of objects; ports are keyed only in containers and services.
    static func mergeKey(field: String, element: String) -> String? {
        guard element.contains(".") else { return nil }
        if field == "ports" {
            if element.hasSuffix(".ContainerPort") { return "containerPort" }
            return element.hasSuffix(".ServicePort") ? "port" : nil
        }
        return StrategicMergePatch.mergeKey(for: field, elements: [])
    }

    /// Every schema `root` refers to, itself included.
    func closure(of roots: [String]) -> [String: JSON] {
        var found: [String: JSON] = [:]
        var pending = roots
        while let name = pending.popLast() {
            guard found[name] == nil, let schema = schemas[name] else { continue }
            found[name] = schema
            Self.references(in: schema, into: &pending)
        }
        return found
    }

    static func references(in schema: JSON, into names: inout [String]) {
        switch schema {
        case .object(let members):
            if let ref = members["$ref"]?.stringValue, let name = ref.split(separator: "/").last {
                names.append(String(name))
            }
            for value in members.values { references(in: value, into: &names) }
        case .array(let items):
            for item in items { references(in: item, into: &names) }
        default: break
        }
    }
}
