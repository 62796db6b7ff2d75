/// What discovery says about one resource: its GVR, kind, scope, verbs and subresources.
public struct APIResourceInfo: Sendable, Hashable {
    public var gvr: GroupVersionResource
    public var kind: String
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]
    public var subresources: Set<String>

    public init(
        gvr: GroupVersionResource, kind: String, namespaced: Bool, verbs: [String] = [],
        shortNames: [String] = [], subresources: Set<String> = []
    ) {
        self.gvr = gvr
        self.kind = kind
        self.namespaced = namespaced
        self.verbs = verbs
        self.shortNames = shortNames
        self.subresources = subresources
    }
}

/// Maps kinds to resources using the server's discovery documents (`/api`, `/apis`), so any kind,
/// CRDs included, can be addressed without hand-written tables. Refreshes itself when a kind is unknown.
public actor RESTMapper {
    var byKind: [GroupVersionKind: APIResourceInfo] = [:]
    var byResource: [GroupVersionResource: APIResourceInfo] = [:]
    var loaded = false

    public init() {}

    /// Replaces the mapping with discovery results.
    public func load(_ resources: [APIResourceInfo]) {
        byKind = [:]
        byResource = [:]
        for info in resources {
            byKind[GroupVersionKind(group: info.gvr.group, version: info.gvr.version, kind: info.kind)] = info
            byResource[info.gvr] = info
        }
        loaded = true
    }

    public var isLoaded: Bool { loaded }

    public func info(for gvk: GroupVersionKind) -> APIResourceInfo? { byKind[gvk] }
    public func info(for gvr: GroupVersionResource) -> APIResourceInfo? { byResource[gvr] }
    public func all() -> [APIResourceInfo] { Array(byResource.values) }
}
