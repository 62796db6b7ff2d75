import Kube

/// Identifies one object the way Argo CD does: group, kind, namespace (empty when cluster-scoped), name.
public struct ResourceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String
    public var namespace: String
    public var name: String

    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public init(_ object: KubeObject) {
        self.init(group: object.gvk.group, kind: object.kind, namespace: object.namespace ?? "", name: object.name)
    }

    /// `group/kind/namespace/name`, as `capstan app sync --resource` and logs show it.
    public var description: String { "\(group)/\(kind)/\(namespace)/\(name)" }

    public static func < (a: ResourceKey, b: ResourceKey) -> Bool {
        (a.group, a.kind, a.namespace, a.name) < (b.group, b.kind, b.namespace, b.name)
    }
}

/// The `argocd.argoproj.io/tracking-id` annotation: `<app>:<group>/<kind>:<namespace>/<name>`.
/// Capstan only prunes objects whose tracking id names the Application and matches the object itself,
/// so a copied annotation never makes an object prunable by the wrong Application.
public enum TrackingID {
    public static let annotation = "argocd.argoproj.io/tracking-id"

    public static func value(app: String, key: ResourceKey) -> String {
        "\(app):\(key.group)/\(key.kind):\(key.namespace)/\(key.name)"
    }

    /// The Application an object's annotation names, only when the rest of the id matches the object.
    public static func owner(of object: KubeObject) -> String? {
        guard let id = object.annotations[annotation], let colon = id.firstIndex(of: ":") else { return nil }
        let app = String(id[..<colon])
        return id == value(app: app, key: ResourceKey(object)) ? app : nil
    }
}
