import Kube

/// `spec.source` of an Application: where the manifests are and how to render them.
public struct ApplicationSource: Sendable, Equatable {
    public var repoURL: String
    public var path: String
    public var targetRevision: String
    public var chart: String?
    public var directory: JSON?
    public var kustomize: JSON?
    public var helm: JSON?
    /// Set only on `spec.sources` entries that exist to be referenced (`$ref/values.yaml`).
    public var ref: String?
    /// The raw object, for `status.sync.comparedTo` and history.
    public var json: JSON

    public init(json: JSON) {
        self.json = json
        repoURL = json["repoURL"]?.stringValue ?? ""
        path = json["path"]?.stringValue ?? ""
        targetRevision = json["targetRevision"]?.stringValue ?? "HEAD"
        chart = json["chart"]?.stringValue
        directory = json["directory"]
        kustomize = json["kustomize"]
        helm = json["helm"]
        ref = json["ref"]?.stringValue
    }
}

/// `spec.destination`: the cluster (by `server` URL or `name`) and the default namespace.
public struct ApplicationDestination: Sendable, Equatable {
    public static let inCluster = "https://kubernetes.default.svc"
    public var server: String?
    public var name: String?
    public var namespace: String?

    public init(json: JSON?) {
        server = json?["server"]?.stringValue
        name = json?["name"]?.stringValue
        namespace = json?["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True for the cluster Capstan itself runs against.
    public var isInCluster: Bool {
        (server == nil || server == Self.inCluster) && (name == nil || name == "in-cluster")
    }
}

/// One `spec.ignoreDifferences` rule.
public struct IgnoreDifference: Sendable, Equatable {
    public var group: String
    public var kind: String
    public var name: String?
    public var namespace: String?
    public var jsonPointers: [String]
    public var jqPathExpressions: [String]
    public var managedFieldsManagers: [String]

    public init(json: JSON) {
        group = json["group"]?.stringValue ?? ""
        kind = json["kind"]?.stringValue ?? ""
        name = json["name"]?.stringValue
        namespace = json["namespace"]?.stringValue
        jsonPointers = json["jsonPointers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        jqPathExpressions = json["jqPathExpressions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        managedFieldsManagers = json["managedFieldsManagers"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    public func matches(_ key: ResourceKey) -> Bool {
        (group == "*" || group == key.group) && (kind == "*" || kind == key.kind)
            && (name.map { $0 == key.name } ?? true) && (namespace.map { $0 == key.namespace } ?? true)
    }
}
