import Kube

/// Discovery documents (`/api`, `/apis`, resource lists), built from the catalog.
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
        var list: JSON = [
            "kind": "APIResourceList", "groupVersion": .string(gv.description),
            "resources": .array(types.flatMap(\.discoveryEntries)),
        ]
        // kube-apiserver's core list (`/api/v1`) carries no apiVersion; the group lists do.
        if !gv.group.isEmpty { list["apiVersion"] = "v1" }
        return list
    }
}
