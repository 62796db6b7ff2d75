import Kube

/// An object as the store keeps it: its serialized bytes (what GET returns) plus the few fields the server
/// indexes or filters on, so reads never re-serialize and memory stays close to the objects' JSON size.
struct StoredObject: Sendable {
    var bytes: [UInt8]
    var resourceVersion: Int64
    var namespace: String
    var name: String
    var uid: String
    var labels: [String: String]
    var ownerUIDs: [String]
    /// Has a deletionTimestamp: finalizers or foreground dependents still hold it.
    var isTerminating: Bool

    init(object: KubeObject, resourceVersion: Int64) {
        bytes = object.json.serializedBytes()
        self.resourceVersion = resourceVersion
        namespace = object.namespace ?? ""
        name = object.name
        uid = object.uid ?? ""
        labels = object.labels
        ownerUIDs = object.ownerReferences.map(\.uid)
        isTerminating = object.deletionTimestamp != nil
    }

    /// Decodes the object (for writes and for field selectors; reads use `bytes`).
    var object: KubeObject { KubeObject((try? JSON.parse(bytes)) ?? .object([:])) }
}

/// Where an object lives: resource (group-qualified), namespace and name.
struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    var resource: String
    var namespace: String
    var name: String

    var description: String { "\(resource)/\(namespace)/\(name)" }
    static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        (a.resource, a.namespace, a.name) < (b.resource, b.namespace, b.name)
    }
}
