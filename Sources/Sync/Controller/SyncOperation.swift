import Kube

/// The `operation.sync` request on an Application, as Argo CD and `capstan app sync` write it.
public struct SyncOperation: Sendable {
    public var revision: String?
    public var prune: Bool
    public var dryRun: Bool
    public var resources: Set<ResourceKey>?
    public var syncOptions: SyncOptions?
    public var automated: Bool
    public var username: String?
    /// A source to deploy instead of the spec's (rollback to a history entry).
    public var source: JSON?
    public var json: JSON

    public init(json: JSON) {
        self.json = json
        let sync = json["sync"] ?? .object([:])
        revision = sync["revision"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        prune = sync["prune"]?.boolValue ?? false
        dryRun = sync["dryRun"]?.boolValue ?? false
        if let list = sync["resources"]?.arrayValue, !list.isEmpty {
            resources = Set(
                list.map { r in
                    ResourceKey(
                        group: r["group"]?.stringValue ?? "", kind: r["kind"]?.stringValue ?? "",
                        namespace: r["namespace"]?.stringValue ?? "", name: r["name"]?.stringValue ?? "")
                })
        }
        syncOptions = sync["syncOptions"]?.arrayValue.map { SyncOptions($0.compactMap(\.stringValue)) }
        automated = json[path: ["initiatedBy", "automated"]]?.boolValue ?? false
        username = json[path: ["initiatedBy", "username"]]?.stringValue
        source = sync["source"]
    }

    /// The `info` entry that tells one request from an identical earlier one.
    public static let requestIDInfo = "capstan.io/request-id"

    /// The JSON for an operation Capstan starts itself. A `requestID` (in Argo's `info` list) makes the
    /// request unique, so whoever asked can tell its result from that of an identical earlier request.
    public static func request(
        revision: String?, prune: Bool, automated: Bool, username: String? = nil, dryRun: Bool = false,
        resources: [ResourceKey] = [], source: JSON? = nil, requestID: String? = nil
    ) -> JSON {
        var sync: [String: JSON] = ["prune": .bool(prune)]
        if let revision { sync["revision"] = .string(revision) }
        if dryRun { sync["dryRun"] = true }
        if let source { sync["source"] = source }
        if !resources.isEmpty {
            sync["resources"] = .array(
                resources.map {
                    [
                        "group": .string($0.group), "kind": .string($0.kind),
                        "namespace": .string($0.namespace), "name": .string($0.name),
                    ]
                })
        }
        var initiatedBy: [String: JSON] = automated ? ["automated": true] : [:]
        if let username { initiatedBy["username"] = .string(username) }
        var operation: [String: JSON] = ["sync": .object(sync), "initiatedBy": .object(initiatedBy)]
        if let requestID { operation["info"] = [["name": .string(requestIDInfo), "value": .string(requestID)]] }
        return .object(operation)
    }
}
