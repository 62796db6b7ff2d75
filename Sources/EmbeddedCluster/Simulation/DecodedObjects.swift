import Kube

/// The simulation's decoded copies of stored objects, kept by resourceVersion: a pass decodes only the objects
/// that changed since the pass before, instead of every pod and ReplicaSet of the cluster each time (which,
/// with thousands of pods, was most of the server's work while workloads moved).
struct DecodedObjects {
    private var entries: [ObjectKey: Entry] = [:]
    private var pass = 0

    private struct Entry {
        var resourceVersion: Int64
        var object: KubeObject
        var lastUsed: Int
    }

    /// The stored objects, decoded, in the order given; unchanged ones come from the cache.
    mutating func objects(
        _ stored: [(key: ObjectKey, resourceVersion: Int64, bytes: [UInt8])]
    ) throws(KubeError)
        -> [KubeObject]
    {
        var objects: [KubeObject] = []
        objects.reserveCapacity(stored.count)
        for (key, resourceVersion, bytes) in stored {
            if let entry = entries[key], entry.resourceVersion == resourceVersion {
                entries[key]?.lastUsed = pass
                objects.append(entry.object)
                continue
            }
            let object = try ClusterStore.decode(bytes)
            entries[key] = Entry(resourceVersion: resourceVersion, object: object, lastUsed: pass)
            objects.append(object)
        }
        return objects
    }

    /// Ends a pass: copies not asked for during it (their objects are gone) are dropped.
    mutating func endPass() {
        entries = entries.filter { $0.value.lastUsed == pass }
        pass += 1
    }
}

extension ClusterStore {
    /// Stored objects of a resource with their resourceVersions, in key order: all of them, one namespace's,
    /// or those that list `ownerUID` among their owners (through the owner index). Nothing is decoded here.
    func versioned(
        _ gvr: GroupVersionResource, namespace: String? = nil, ownedBy ownerUID: String? = nil
    ) throws(KubeError) -> [(key: ObjectKey, resourceVersion: Int64, bytes: [UInt8])] {
        let type = try resourceType(gvr)
        let stored = objects[type.storageKey] ?? [:]
        let keys =
            if let ownerUID {
                (dependents[ownerUID] ?? []).filter { $0.resource == type.storageKey }.sorted()
            } else {
                stored.keys.filter { namespace == nil || $0.namespace == namespace }.sorted()
            }
        return keys.compactMap { key in stored[key].map { (key, $0.resourceVersion, $0.bytes) } }
    }
}
