/// An API group and version, as written in `apiVersion` (`apps/v1`, or `v1` for the core group).
public struct GroupVersion: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String

    public init(group: String, version: String) {
        self.group = group
        self.version = version
    }

    /// Parses an `apiVersion` string.
    public init(apiVersion: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
    }

    public var description: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// The URL prefix of this group version on an API server: `/api/v1` or `/apis/G/V`.
    public var pathPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }
}

/// The type of an object: group, version and kind.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    public init(apiVersion: String, kind: String) {
        let gv = GroupVersion(apiVersion: apiVersion)
        self.init(group: gv.group, version: gv.version, kind: kind)
    }

    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    public var apiVersion: String { groupVersion.description }
    public var description: String { "\(apiVersion), Kind=\(kind)" }
}

/// A resource collection on the server: group, version and plural resource name (`apps/v1/deployments`).
public struct GroupVersionResource: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    public var description: String { "\(groupVersion)/\(resource)" }

    public static let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
    public static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
    public static let services = GroupVersionResource(group: "", version: "v1", resource: "services")
    public static let endpoints = GroupVersionResource(group: "", version: "v1", resource: "endpoints")
    public static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    public static let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")
    public static let events = GroupVersionResource(group: "", version: "v1", resource: "events")
    public static let nodes = GroupVersionResource(group: "", version: "v1", resource: "nodes")
    public static let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
    public static let replicaSets = GroupVersionResource(group: "apps", version: "v1", resource: "replicasets")
    public static let statefulSets = GroupVersionResource(group: "apps", version: "v1", resource: "statefulsets")
    public static let daemonSets = GroupVersionResource(group: "apps", version: "v1", resource: "daemonsets")
    public static let jobs = GroupVersionResource(group: "batch", version: "v1", resource: "jobs")
    public static let leases = GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases")
    public static let customResourceDefinitions = GroupVersionResource(
        group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions")
}
