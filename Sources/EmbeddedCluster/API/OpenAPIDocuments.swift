import Kube

/// `/openapi/v2` and `/openapi/v3/<group-version>`, as kube-apiserver publishes them: one schema per kind
/// (marked with `x-kubernetes-group-version-kind`) and every schema it refers to, built-in kinds from
/// `BuiltinSchemas` and custom resources from their CRD's `openAPIV3Schema`. The paths declare the
/// `fieldValidation` parameter, so kubectl leaves unknown-field validation to the server; `kubectl explain`
/// reads the schemas.
extension ResourceCatalog {
    /// `/openapi/v3`: the index of per-group-version documents, each URL carrying a hash of its content so
    /// clients that cache by URL see a CRD change.
    var openAPIv3Root: JSON {
        var paths: [String: JSON] = [:]
        for (group, versions) in groups {
            for version in versions {
                let gv = GroupVersion(group: group, version: version)
                guard let document = openAPIv3(gv) else { continue }
                let path = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
                let hash = Self.fnv1a(document.serializedBytes())
                paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash)")]
            }
        }
        return ["paths": .object(paths)]
    }

    /// The OpenAPI v3 document of one group version.
    func openAPIv3(_ gv: GroupVersion) -> JSON? {
        let types = resources(in: gv)
        guard !types.isEmpty else { return nil }
        var paths: [String: JSON] = [:]
        for type in types {
            let base = gv.pathPrefix + (type.namespaced ? "/namespaces/{namespace}" : "") + "/" + type.gvr.resource
            if type.createOnly {
                paths[base] = ["post": operation(type, "post")]
                continue
            }
            paths[base] = ["get": operation(type, "list"), "post": operation(type, "post")]
            paths[base + "/{name}"] = [
                "get": operation(type, "get"), "put": operation(type, "put"), "patch": operation(type, "patch"),
                "delete": operation(type, "delete"),
            ]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.0"],
            "paths": .object(paths), "components": ["schemas": .object(schemas(for: types))],
        ]
    }

    /// `/openapi/v2`: every served kind in one Swagger 2.0 document.
    var openAPIv2: JSON {
        let types = byGVR.values.sorted { $0.gvr.description < $1.gvr.description }
        var definitions: [String: JSON] = [:]
        for (name, schema) in schemas(for: types) { definitions[name] = Self.swagger2(schema) }
        var paths: [String: JSON] = [:]
        for type in types {
            let prefix = type.gvr.groupVersion.pathPrefix + (type.namespaced ? "/namespaces/{namespace}" : "")
            let base = prefix + "/" + type.gvr.resource
            if type.createOnly {
                paths[base] = ["post": operation(type, "post", v2: true)]
                continue
            }
            paths[base] = ["get": operation(type, "list", v2: true), "post": operation(type, "post", v2: true)]
            paths[base + "/{name}"] = [
                "get": operation(type, "get", v2: true), "put": operation(type, "put", v2: true),
                "patch": operation(type, "patch", v2: true), "delete": operation(type, "delete", v2: true),
            ]
        }
        return [
            "swagger": "2.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": .object(paths),
            "definitions": .object(definitions),
            "securityDefinitions": ["BearerToken": ["type": "apiKey", "name": "authorization", "in": "header"]],
            "security": [["BearerToken": []]],
        ]
    }

    /// The schemas of these kinds and of everything they refer to, by schema name.
    func schemas(for types: [ResourceType]) -> [String: JSON] {
        let builtins = BuiltinSchemas.shared
        var roots: [String] = []
        var custom: [String: JSON] = [:]
        for type in types {
            if let name = builtins.name(group: type.gvr.group, version: type.gvr.version, kind: type.kind) {
                roots.append(name)
            } else if let schema = type.schema {
                custom[Self.schemaName(type)] = Self.published(schema, type: type)
                roots.append(BuiltinSchemas.objectMetaName)
            }
        }
        return builtins.closure(of: roots).merging(custom) { builtin, _ in builtin }
    }

    /// The name kube-apiserver gives a custom kind's schema: the group reversed, version and kind
    /// (`io.argoproj.v1alpha1.Rollout`).
    static func schemaName(_ type: ResourceType) -> String {
        (type.gvr.group.split(separator: ".").reversed() + [Substring(type.gvr.version), Substring(type.kind)])
            .joined(separator: ".")
    }

    /// A CRD's schema as published: `metadata` is ObjectMeta, and the kind is marked.
    static func published(_ schema: JSON, type: ResourceType) -> JSON {
        var published = schema
        var properties = schema["properties"]?.objectValue ?? [:]
        properties["metadata"] = BuiltinSchemas.reference(BuiltinSchemas.objectMetaName)
        properties["apiVersion"] = properties["apiVersion"] ?? ["type": "string"]
        properties["kind"] = properties["kind"] ?? ["type": "string"]
        published["properties"] = .object(properties)
        published["x-kubernetes-group-version-kind"] = [
            ["group": .string(type.gvr.group), "version": .string(type.gvr.version), "kind": .string(type.kind)]
        ]
        return published
    }

    func operation(_ type: ResourceType, _ action: String, v2: Bool = false) -> JSON {
        let gvk: JSON = [
            "group": .string(type.gvr.group), "version": .string(type.gvr.version), "kind": .string(type.kind),
        ]
        let writes = ["post", "put", "patch"].contains(action)
        let parameters: JSON =
            writes
            ? [
                ["name": "dryRun", "in": "query", "schema": ["type": "string"]],
                ["name": "fieldManager", "in": "query", "schema": ["type": "string"]],
                ["name": "fieldValidation", "in": "query", "schema": ["type": "string"]],
            ] : []
        return [
            "operationId": .string(action + type.kind), "parameters": v2 ? Self.swagger2(parameters) : parameters,
            "responses": ["200": ["description": "OK"]], "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": gvk,
        ]
    }

    /// A v3 schema in Swagger 2.0's form: references point at `#/definitions/`, without the `allOf` wrapper,
    /// and parameters carry their type directly.
    static func swagger2(_ schema: JSON) -> JSON {
        switch schema {
        case .object(var members):
            if let all = members["allOf"]?.arrayValue, all.count == 1, let ref = all[0]["$ref"] {
                members["allOf"] = nil
                members["$ref"] = ref
            }
            if let ref = members["$ref"]?.stringValue {
                members["$ref"] = .string(ref.replacingPrefix("#/components/schemas/", with: "#/definitions/"))
            }
            if let parameterSchema = members["schema"], members["in"] == "query" {
                members["schema"] = nil
                members["type"] = parameterSchema["type"]
            }
            return .object(members.mapValues(swagger2))
        case .array(let items): return .array(items.map(swagger2))
        default: return schema
        }
    }

    /// FNV-1a, 64 bits, in hex: a content hash for the index's URLs (not a security measure).
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16, uppercase: true)
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
