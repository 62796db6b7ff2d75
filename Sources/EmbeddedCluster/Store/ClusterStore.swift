import Foundation
import Kube
import Logging

/// The embedded cluster's state and API semantics: every object, the global resourceVersion, watches,
/// admission (names, namespaces, defaults), optimistic concurrency, field ownership, deletion and
/// garbage collection. One actor, so every write is serialized like a single etcd member behind one API server.
public actor ClusterStore {
    var catalog = ResourceCatalog() {
        didSet { snapshot.serve(catalog) }
    }
    /// The objects' bytes and the served resources, for reads that do not wait for the actor.
    public nonisolated let snapshot = ReadSnapshot()
    var objects: [String: [ObjectKey: StoredObject]] = [:]
    var byUID: [String: ObjectKey] = [:]
    var dependents: [String: Set<ObjectKey>] = [:]
    /// Decoded copies of the last objects written (see `RecentObjects`): enough for a controller working
    /// through a thousand objects in turn (AnalysisRuns measuring, Rollouts stepping) to find each one there.
    var recent = RecentObjects(capacity: 2_048)
    var resourceVersion: Int64 = 0
    var hub: WatchHub
    /// The durable copy; nil for an in-memory cluster (its objects live only in `objects`).
    let persistence: Persistence?
    let logger: Logger
    var pendingChanges: [(ObjectKey, [UInt8]?, Int64)] = []
    /// Namespaces being deleted, emptied by `finalizeTerminatingNamespaces` (found again at start-up).
    var terminatingNamespaces: Set<String> = []
    /// The cluster CA in PEM, published in every namespace's `kube-root-ca.crt` (empty when serving HTTP).
    var rootCA = ""
    /// ServiceAccount tokens issued through TokenRequest, with their expiry.
    var issuedTokens: [String: Date] = [:]

    /// Opens the store; with a path, every object and the resourceVersion sequence survive a restart.
    public init(path: String?, watchHistory: Int = 10_000, logger: Logger) async throws {
        persistence = try path.map { try Persistence(path: $0) }
        self.logger = logger
        let loaded = try persistence?.load() ?? (objects: [], resourceVersion: 0)
        resourceVersion = loaded.resourceVersion
        hub = WatchHub(capacity: watchHistory, startingAt: loaded.resourceVersion)
        var crds: [KubeObject] = []
        for (key, bytes, rv) in loaded.objects {
            let json: JSON
            do { json = try JSON.parse(bytes) } catch {
                logger.error(
                    "a stored object cannot be read back and is skipped",
                    metadata: ["object": "\(key)", "error": "\(error)"])
                continue
            }
            let object = KubeObject(json)
            let stored = StoredObject(object: object, resourceVersion: rv)
            index(key, stored)
            if key.resource == "customresourcedefinitions.apiextensions.k8s.io" { crds.append(object) }
            if key.resource == "namespaces" && object.deletionTimestamp != nil {
                terminatingNamespaces.insert(key.name)
            }
        }
        for crd in crds { _ = catalog.register(crd: crd) }
        snapshot.serve(catalog)
        if objects["namespaces"]?.isEmpty ?? true {
            for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                try createNamespaceIfMissing(name)
            }
        }
    }

    /// The latest resourceVersion handed out.
    public var currentResourceVersion: Int64 { resourceVersion }

    /// Number of objects of all kinds.
    public var objectCount: Int { objects.values.reduce(0) { $0 + $1.count } }

    func index(_ key: ObjectKey, _ stored: StoredObject) {
        if let old = objects[key.resource]?[key] { unindex(key, old) }
        objects[key.resource, default: [:]][key] = stored
        snapshot.set(key, stored.bytes)
        byUID[stored.uid] = key
        for owner in stored.ownerUIDs { dependents[owner, default: []].insert(key) }
    }

    func unindex(_ key: ObjectKey, _ stored: StoredObject) {
        byUID[stored.uid] = nil
        for owner in stored.ownerUIDs {
            dependents[owner]?.remove(key)
            if dependents[owner]?.isEmpty == true { dependents[owner] = nil }
        }
    }

    // MARK: resource lookup

    func resourceType(_ gvr: GroupVersionResource) throws(KubeError) -> ResourceType {
        guard let type = catalog.type(gvr) else {
            throw KubeError(code: 404, reason: .notFound, message: "the server could not find the requested resource")
        }
        return type
    }

    func key(_ type: ResourceType, _ namespace: String?, _ name: String) -> ObjectKey {
        ObjectKey(resource: type.storageKey, namespace: type.namespaced ? (namespace ?? "") : "", name: name)
    }

    static func notFound(_ type: ResourceType, _ name: String) -> KubeError {
        KubeError(
            code: 404, reason: .notFound,
            message: "\(type.gvr.resource)\(type.gvr.group.isEmpty ? "" : "." + type.gvr.group) \"\(name)\" not found",
            details: details(type, name))
    }

    /// A Status's `details` for one object, as kube-apiserver writes them (no `group` for the core group).
    static func details(_ type: ResourceType, _ name: String) -> JSON {
        var details: [String: JSON] = ["name": .string(name), "kind": .string(type.gvr.resource)]
        if !type.gvr.group.isEmpty { details["group"] = .string(type.gvr.group) }
        return .object(details)
    }

    // MARK: commit

    /// Closes the durable store and releases its file for the next server; writes after this fail.
    /// `EmbeddedCluster.stop()` calls it once nothing serves or simulates any more.
    public func close() {
        do { try persistence?.close() } catch {
            logger.error("the durable store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }

    /// Stores `object` (nil deletes) under a new resourceVersion, persists it and notifies watchers.
    @discardableResult
    func commit(_ key: ObjectKey, _ object: KubeObject?, event: WatchEvent.EventType) throws(KubeError) -> StoredObject?
    {
        resourceVersion += 1
        let rv = resourceVersion
        let previous = event == .modified ? objects[key.resource]?[key] : nil
        var stored: StoredObject
        if var object {
            object.resourceVersion = String(rv)
            stored = StoredObject(object: object, resourceVersion: rv)
            do throws(KubeError) { try checkStorable(stored.bytes, key: key) } catch {
                resourceVersion -= 1
                throw error
            }
            do { try persistence?.commit([(key, stored.bytes, rv)], resourceVersion: rv) } catch {
                resourceVersion -= 1
                throw KubeError(code: 500, reason: .internalError, message: "storage write failed: \(error)")
            }
            index(key, stored)
        } else {
            guard let old = objects[key.resource]?[key] else { return nil }
            var gone = old.object
            gone.resourceVersion = String(rv)
            stored = StoredObject(object: gone, resourceVersion: rv)
            do { try persistence?.commit([(key, nil, rv)], resourceVersion: rv) } catch {
                resourceVersion -= 1
                throw KubeError(code: 500, reason: .internalError, message: "storage write failed: \(error)")
            }
            unindex(key, old)
            objects[key.resource]?[key] = nil
            snapshot.remove(key)
        }
        hub.record(ChangeEvent(type: event, key: key, stored: stored, previous: previous))
        return object == nil ? nil : stored
    }

    func createNamespaceIfMissing(_ name: String) throws(KubeError) {
        let key = ObjectKey(resource: "namespaces", namespace: "", name: name)
        guard objects["namespaces"]?[key] == nil else { return }
        var ns = KubeObject(apiVersion: "v1", kind: "Namespace", name: name)
        ns.uid = ObjectUID.make()
        ns.json[path: ["metadata", "creationTimestamp"]] = .string(KubeTime.now())
        ns.labels = ["kubernetes.io/metadata.name": name]
        Defaults.apply(to: &ns, resource: "namespaces")
        try commit(key, ns, event: .added)
        populateNamespace(name)
    }
}
