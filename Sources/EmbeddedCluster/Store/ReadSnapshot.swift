import Kube
import Synchronization

/// What a GET of one object needs, readable from any thread without the store actor: each object's serialized
/// bytes, and which resources are served and whether they are namespaced. `ClusterStore` updates it in the
/// same step as its own maps, before a write is acknowledged, so a GET that follows a write sees the write.
/// `DirectReadHandler` answers the plainest GETs from it on the connection's event loop.
public final class ReadSnapshot: Sendable {
    /// A served resource: where its objects are kept and whether they live in namespaces.
    struct Served: Sendable {
        let storageKey: String
        let namespaced: Bool
    }

    private let objects = Mutex<[ObjectKey: [UInt8]]>([:])
    private let served = Mutex<[GroupVersionResource: Served]>([:])
    private let answered = Atomic<Int>(0)

    /// How many GETs were answered from the snapshot.
    public var directReads: Int { answered.load(ordering: .relaxed) }

    init() {}

    func set(_ key: ObjectKey, _ bytes: [UInt8]) {
        objects.withLock { $0[key] = bytes }
    }

    func remove(_ key: ObjectKey) {
        objects.withLock { _ = $0.removeValue(forKey: key) }
    }

    /// Takes the served resources from `catalog` (after a CRD is registered or removed).
    func serve(_ catalog: ResourceCatalog) {
        let table = catalog.byGVR.mapValues { Served(storageKey: $0.storageKey, namespaced: $0.namespaced) }
        served.withLock { $0 = table }
    }

    /// Whether `gvr` is served and namespaced (nil: not served).
    func isNamespaced(_ gvr: GroupVersionResource) -> Bool? {
        served.withLock { $0[gvr]?.namespaced }
    }

    /// The serialized object, as GET returns it; nil when the resource is not served or the object does not
    /// exist (the API responder then answers with the right Status).
    func bytes(_ gvr: GroupVersionResource, namespace: String?, name: String) -> [UInt8]? {
        guard let resource = served.withLock({ $0[gvr] }) else { return nil }
        let key = ObjectKey(
            resource: resource.storageKey, namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
        return objects.withLock { $0[key] }
    }

    /// Counts a GET answered from `bytes(_:namespace:name:)`.
    func countDirectRead() {
        answered.add(1, ordering: .relaxed)
    }
}
