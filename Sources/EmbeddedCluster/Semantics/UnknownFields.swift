import Kube

/// What kube-apiserver does with fields its schema does not declare: it drops them from the object and,
/// as `fieldValidation` asks, says nothing (`Ignore`), answers a `Warning` header per field (`Warn`, the
/// default) or refuses the request (`Strict`). Built-in kinds are checked against `BuiltinSchemas`, custom
/// resources against their CRD's `openAPIV3Schema`, with the structural-schema rules: a field is kept when
/// `properties` or `additionalProperties` declare it or `x-kubernetes-preserve-unknown-fields` is set, and
/// `apiVersion`, `kind` and `metadata` (checked as ObjectMeta) are always known at the root and in
/// `x-kubernetes-embedded-resource` objects.
struct UnknownFields {
    /// Resolves `#/components/schemas/<name>` references.
    let schemas: [String: JSON]

    /// The object with undeclared fields removed, and their paths (`spec.template.spec.containers[0].foo`).
    /// `stored`, the version already in the store (pruned when it was written), lets every subtree that is
    /// unchanged from it pass without a walk: an update is checked where it changes something.
    func prune(_ object: JSON, schema: JSON, stored: JSON? = nil) -> (pruned: JSON, unknown: [String]) {
        var unknown: [String] = []
        let pruned = resource(object, schema: schema, path: "", stored: stored, unknown: &unknown)
        return (pruned, unknown.sorted())
    }

    private func resource(
        _ value: JSON, schema: JSON, path: String, stored: JSON?, unknown: inout [String]
    ) -> JSON {
        if let stored, stored == value { return value }
        guard case .object(var members) = value else { return value }
        let metadata = members.removeValue(forKey: "metadata")
        let typeMeta = (members.removeValue(forKey: "apiVersion"), members.removeValue(forKey: "kind"))
        guard
            case .object(var result) = walk(
                .object(members), schema: schema, path: path, stored: stored, unknown: &unknown)
        else {
            return value
        }
        if let metadata {
            let metaSchema = BuiltinSchemas.reference(BuiltinSchemas.objectMetaName)
            result["metadata"] = walk(
                metadata, schema: metaSchema, path: join(path, "metadata"), stored: stored?["metadata"],
                unknown: &unknown)
        }
        result["apiVersion"] = typeMeta.0
        result["kind"] = typeMeta.1
        return .object(result)
    }

    private func walk(
        _ value: JSON, schema unresolved: JSON, path: String, stored: JSON?, unknown: inout [String]
    ) -> JSON {
        if let stored, stored == value { return value }
        let schema = resolve(unresolved)
        if schema["x-kubernetes-embedded-resource"]?.boolValue == true && path != "" {
            var plain = schema
            plain["x-kubernetes-embedded-resource"] = nil
            return resource(value, schema: plain, path: path, stored: stored, unknown: &unknown)
        }
        switch value {
        case .object(let members):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            if properties == nil && additional == nil && (preserve || schema["type"] == nil) { return value }
            var kept: [String: JSON] = [:]
            for (key, member) in members {
                let memberPath = join(path, key)
                if let declared = properties?[key] {
                    kept[key] = walk(
                        member, schema: declared, path: memberPath, stored: stored?[key], unknown: &unknown)
                } else if let additional, additional != .bool(false) {
                    kept[key] =
                        additional == .bool(true)
                        ? member
                        : walk(member, schema: additional, path: memberPath, stored: stored?[key], unknown: &unknown)
                } else if preserve {
                    kept[key] = member
                } else {
                    unknown.append(memberPath)
                }
            }
            return .object(kept)
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            return .array(
                items.enumerated().map { index, item in
                    walk(
                        item, schema: itemSchema, path: "\(path)[\(index)]", stored: stored?[index], unknown: &unknown)
                })
        default:
            return value
        }
    }

    /// Follows `$ref` and the single-element `allOf` kube-apiserver wraps references in.
    private func resolve(_ schema: JSON) -> JSON {
        var current = schema
        for _ in 0..<8 {
            if let ref = current["$ref"]?.stringValue, let name = ref.split(separator: "/").last {
                current = schemas[String(name)] ?? [:]
            } else if let all = current["allOf"]?.arrayValue, all.count == 1, all[0]["$ref"] != nil {
                current = all[0]
            } else {
                return current
            }
        }
        return current
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// The `fieldValidation` directive of a write request.
public enum FieldValidation: String, Sendable {
    case ignore = "Ignore"
    case warn = "Warn"
    case strict = "Strict"

    /// Parses the query parameter; kube-apiserver's default (since 1.27) is `Warn`.
    static func parse(_ text: String?) throws(KubeError) -> FieldValidation {
        guard let text, !text.isEmpty else { return .warn }
        guard let directive = FieldValidation(rawValue: text) else {
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "fieldValidation: Invalid value: \"\(text)\": must be one of Ignore, Warn, or Strict")
        }
        return directive
    }
}
