import Kube

/// What a request URL addresses on the API server.
enum RequestTarget: Equatable {
    case version
    case health
    case coreGroupList  // /api
    case groupList  // /apis
    case group(String)  // /apis/G
    case resourceList(GroupVersion)
    case openAPIv2
    case openAPIv3Root
    case openAPIv3(GroupVersion)
    case resource(ResourcePath)
    case unknown
}

/// A resource URL: `/apis/G/V[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]`.
struct ResourcePath: Equatable {
    var groupVersion: GroupVersion
    var namespace: String?
    var resource: String
    var name: String?
    var subresource: String?

    var gvr: GroupVersionResource {
        GroupVersionResource(group: groupVersion.group, version: groupVersion.version, resource: resource)
    }
}

extension RequestTarget {
    /// Parses a path; `isNamespaced` says whether a resource name in a group version is namespaced.
    init(path: String, isNamespaced: (GroupVersionResource) -> Bool?) {
        let segments = path.split(separator: "/").map(String.init)
        switch segments.first {
        case "version": self = .version; return
        case "healthz", "readyz", "livez": self = .health; return
        case "openapi":
            if segments.count == 2 && segments[1] == "v2" { self = .openAPIv2; return }
            if segments.count == 2 && segments[1] == "v3" { self = .openAPIv3Root; return }
            if segments.count == 4 && segments[1] == "v3" && segments[2] == "api" {
                self = .openAPIv3(GroupVersion(group: "", version: segments[3])); return
            }
            if segments.count == 5 && segments[1] == "v3" && segments[2] == "apis" {
                self = .openAPIv3(GroupVersion(group: segments[3], version: segments[4])); return
            }
            self = .unknown; return
        case "api":
            if segments.count == 1 { self = .coreGroupList; return }
            self = Self.resourceTarget(
                GroupVersion(group: "", version: segments[1]), Array(segments.dropFirst(2)),
                isNamespaced)
        case "apis":
            if segments.count == 1 { self = .groupList; return }
            if segments.count == 2 { self = .group(segments[1]); return }
            self = Self.resourceTarget(
                GroupVersion(group: segments[1], version: segments[2]),
                Array(segments.dropFirst(3)), isNamespaced)
        default:
            self = .unknown
        }
    }

    static func resourceTarget(
        _ gv: GroupVersion, _ rest: [String], _ isNamespaced: (GroupVersionResource) -> Bool?
    )
        -> RequestTarget
    {
        if rest.isEmpty { return .resourceList(gv) }
        if rest[0] == "namespaces", rest.count >= 3,
            isNamespaced(GroupVersionResource(group: gv.group, version: gv.version, resource: rest[2])) == true
        {
            guard rest.count <= 5 else { return .unknown }
            return .resource(
                ResourcePath(
                    groupVersion: gv, namespace: rest[1], resource: rest[2],
                    name: rest.count > 3 ? rest[3] : nil, subresource: rest.count > 4 ? rest[4] : nil))
        }
        guard rest.count <= 3 else { return .unknown }
        return .resource(
            ResourcePath(
                groupVersion: gv, namespace: nil, resource: rest[0],
                name: rest.count > 1 ? rest[1] : nil, subresource: rest.count > 2 ? rest[2] : nil))
    }
}
