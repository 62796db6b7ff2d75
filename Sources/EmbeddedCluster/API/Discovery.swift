import Kube

/// Discovery documents (`/api`, `/apis`, resource lists) and a minimal OpenAPI, built from the catalog.
extension ResourceCatalog {
    var coreVersions: JSON {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]],
        ]
    }

    func groupJSON(_ group: String, versions: [String]) -> JSON {
        let entries: [JSON] = versions.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }
        return ["name": .string(group), "versions": .array(entries), "preferredVersion": entries.first ?? .null]
    }

    var groupList: JSON {
        let groups = self.groups.filter { !$0.group.isEmpty }.map { groupJSON($0.group, versions: $0.versions) }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    func group(_ name: String) -> JSON? {
        guard let entry = groups.first(where: { $0.group == name && !name.isEmpty }) else { return nil }
        var json = groupJSON(entry.group, versions: entry.versions)
        json["kind"] = "APIGroup"
        json["apiVersion"] = "v1"
        return json
    }

    func resourceList(_ gv: GroupVersion) -> JSON? {
        let types = resources(in: gv)
        guard !types.isEmpty else { return nil }
        return [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv.description),
            "resources": .array(types.flatMap(\.discoveryEntries)),
        ]
    }

    /// `/openapi/v3`: the index of per-group-version documents.
    var openAPIv3Root: JSON {
        var paths: [String: JSON] = [:]
        for (group, versions) in groups {
            for version in versions {
                let path = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
                paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)")]
            }
        }
        return ["paths": .object(paths)]
    }

    /// A per-group-version OpenAPI v3 document declaring every resource path and its `fieldValidation`
    /// parameter, so kubectl uses server-side field validation instead of downloading full schemas.
    func openAPIv3(_ gv: GroupVersion) -> JSON? {
        let types = resources(in: gv)
        guard !types.isEmpty else { return nil }
        var paths: [String: JSON] = [:]
        let fieldValidation: JSON = ["name": "fieldValidation", "in": "query", "schema": ["type": "string"]]
        for type in types {
            let base = gv.pathPrefix + (type.namespaced ? "/namespaces/{namespace}" : "") + "/" + type.gvr.resource
            let gvk: JSON = ["group": .string(gv.group), "version": .string(gv.version), "kind": .string(type.kind)]
            func operation(_ action: String) -> JSON {
                [
                    "parameters": [fieldValidation], "responses": ["200": ["description": "OK"]],
                    "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk,
                ]
            }
            paths[base] = ["post": operation("post")]
            paths[base + "/{name}"] = ["put": operation("put"), "patch": operation("patch")]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Capstan embedded cluster", "version": "v1"],
            "paths": .object(paths), "components": ["schemas": [:]],
        ]
    }
}
