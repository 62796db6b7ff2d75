import Kube

/// Decoded copies of the objects written last, so that the next write of the same object (a controller's status
/// after its spec, a pod's next phase, a Rollout's next step) starts from the decoded object instead of decoding
/// the stored bytes again. A copy is used only while its resourceVersion is the stored one; the whole set is
/// dropped when it reaches `capacity`, which bounds the memory it holds.
struct RecentObjects {
    let capacity: Int
    private var copies: [ObjectKey: (resourceVersion: Int64, object: KubeObject)] = [:]

    init(capacity: Int) { self.capacity = capacity }

    mutating func remember(_ key: ObjectKey, _ object: KubeObject, resourceVersion: Int64) {
        if copies.count >= capacity && copies[key] == nil { copies.removeAll(keepingCapacity: true) }
        copies[key] = (resourceVersion, object)
    }

    mutating func forget(_ key: ObjectKey) { copies[key] = nil }

    /// The decoded object for `stored`: the remembered copy if it is that version, else decoded now.
    func object(_ key: ObjectKey, _ stored: StoredObject) -> KubeObject {
        if let copy = copies[key], copy.resourceVersion == stored.resourceVersion { return copy.object }
        return stored.object
    }
}

extension ClusterStore {
    /// The stored object at `key`, decoded (or remembered from its last write), nil when there is none.
    func currentObject(_ key: ObjectKey) -> KubeObject? {
        objects[key.resource]?[key].map { recent.object(key, $0) }
    }
}
