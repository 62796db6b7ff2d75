import Foundation
import Kube

extension ClusterStore {
    /// The serialized object, as GET returns it.
    public func getBytes(_ gvr: GroupVersionResource, namespace: String?, name: String) throws(KubeError) -> [UInt8] {
        let type = try resourceType(gvr)
        guard let stored = objects[type.storageKey]?[key(type, namespace, name)] else {
            throw Self.notFound(type, name)
        }
        return stored.bytes
    }

    /// The object, decoded outside the actor so that reading never holds up other requests.
    public nonisolated func get(
        _ gvr: GroupVersionResource, namespace: String?, name: String
    ) async throws(KubeError)
        -> KubeObject
    {
        try Self.decode(try await getBytes(gvr, namespace: namespace, name: name))
    }

    static func decode(_ bytes: [UInt8]) throws(KubeError) -> KubeObject {
        do { return KubeObject(try JSON.parse(bytes)) } catch {
            throw KubeError(code: 500, reason: .internalError, message: "a stored object cannot be read: \(error)")
        }
    }

    /// One page of a list, as a serialized `<Kind>List`. The continue token names the last key returned.
    public func listBytes(
        _ gvr: GroupVersionResource, namespace: String?, labelSelector: LabelSelector?,
        fieldSelector: FieldSelector?, limit: Int?, continue token: String?
    ) throws(KubeError)
        -> [UInt8]
    {
        let type = try resourceType(gvr)
        var after: ObjectKey?
        if let token, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let parts = try? JSON.parse(Array(data)),
                let ns = parts["ns"]?.stringValue, let name = parts["name"]?.stringValue
            else {
                throw KubeError(code: 400, reason: .badRequest, message: "continue token is invalid")
            }
            after = ObjectKey(resource: type.storageKey, namespace: ns, name: name)
        }
        let filter = WatchFilter(
            resource: type.storageKey, namespace: type.namespaced ? namespace : nil,
            labelSelector: labelSelector, fieldSelector: fieldSelector)
        let all = objects[type.storageKey] ?? [:]
        var keys = all.keys.filter { filter.namespace == nil || $0.namespace == filter.namespace }
        if let after { keys = keys.filter { $0 > after } }
        keys.sort()
        var items: [[UInt8]] = []
        var lastKey: ObjectKey?
        var next: String?
        var remaining: Int?
        for (index, key) in keys.enumerated() {
            let stored = all[key]!
            guard filter.matches(ChangeEvent(type: .added, key: key, stored: stored)) else { continue }
            if let limit, limit > 0, items.count == limit, let lastKey {
                let marker: JSON = ["ns": .string(lastKey.namespace), "name": .string(lastKey.name)]
                next = Data(marker.serializedBytes()).base64EncodedString()
                // Like kube-apiserver, the count of what is left only when no selector would make it a guess.
                if labelSelector == nil && fieldSelector == nil { remaining = keys.count - index }
                break
            }
            items.append(ListItemBytes.strip(stored.bytes))
            lastKey = key
        }
        var out = Array("{\"apiVersion\":\"\(type.apiVersion)\",\"kind\":\"\(type.listKind)\",\"metadata\":{".utf8)
        if let next { out += Array("\"continue\":\"\(next)\",".utf8) }
        if let remaining { out += Array("\"remainingItemCount\":\(remaining),".utf8) }
        out += Array("\"resourceVersion\":\"\(resourceVersion)\"},\"items\":[".utf8)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += item
        }
        out += Array("]}".utf8)
        return out
    }

    /// Objects of a resource in key order, decoded (for the simulated controllers). Only the stored bytes are
    /// collected inside the actor; sorting and decoding happen outside it, so a list of 10,000 pods does not
    /// hold up the API while it is decoded.
    public nonisolated func list(
        _ gvr: GroupVersionResource, namespace: String? = nil
    ) async throws(KubeError)
        -> [KubeObject]
    {
        let stored = try await storedObjects(gvr, namespace: namespace)
        var objects: [KubeObject] = []
        objects.reserveCapacity(stored.count)
        for (_, bytes) in stored.sorted(by: { $0.0 < $1.0 }) { objects.append(try Self.decode(bytes)) }
        return objects
    }

    /// The objects of a kind that list `ownerUID` among their owners, found through the owner index rather than
    /// by scanning (what the simulated controllers ask for every ReplicaSet, Job and Deployment on each pass).
    public nonisolated func list(
        _ gvr: GroupVersionResource, ownedBy ownerUID: String
    ) async throws(KubeError) -> [KubeObject] {
        let stored = try await ownedObjects(gvr, ownerUID)
        var objects: [KubeObject] = []
        objects.reserveCapacity(stored.count)
        for (_, bytes) in stored.sorted(by: { $0.0 < $1.0 }) { objects.append(try Self.decode(bytes)) }
        return objects
    }

    func ownedObjects(_ gvr: GroupVersionResource, _ ownerUID: String) throws(KubeError) -> [(ObjectKey, [UInt8])] {
        let type = try resourceType(gvr)
        return (dependents[ownerUID] ?? []).compactMap { key in
            key.resource == type.storageKey ? objects[key.resource]?[key].map { (key, $0.bytes) } : nil
        }
    }

    func storedObjects(_ gvr: GroupVersionResource, namespace: String?) throws(KubeError) -> [(ObjectKey, [UInt8])] {
        let type = try resourceType(gvr)
        return (objects[type.storageKey] ?? [:]).compactMap { key, stored in
            namespace == nil || key.namespace == namespace ? (key, stored.bytes) : nil
        }
    }

    /// Opens a watch. Events after `resourceVersion` are replayed first; with no version, the current
    /// objects come first as ADDED events (the "list then watch" that `kubectl get -w` relies on).
    func watch(
        _ gvr: GroupVersionResource, namespace: String?, labelSelector: LabelSelector?,
        fieldSelector: FieldSelector?, resourceVersion from: String?
    ) throws(KubeError)
        -> (initial: [ChangeEvent], stream: AsyncStream<WatchMessage>, id: Int)
    {
        let type = try resourceType(gvr)
        let filter = WatchFilter(
            resource: type.storageKey, namespace: type.namespaced ? namespace : nil,
            labelSelector: labelSelector, fieldSelector: fieldSelector)
        var initial: [ChangeEvent]
        if let from, !from.isEmpty, from != "0" {
            guard let rv = Int64(from) else {
                throw KubeError(code: 400, reason: .badRequest, message: "resourceVersion \"\(from)\" is not valid")
            }
            guard let replay = hub.events(after: rv, matching: filter) else {
                throw KubeError(
                    code: 410, reason: .expired,
                    message: "too old resource version: \(rv) (\(hub.compactedThrough))")
            }
            initial = replay
        } else {
            initial = (objects[type.storageKey] ?? [:]).sorted { $0.key < $1.key }
                .map { ChangeEvent(type: .added, key: $0.key, stored: $0.value) }.filter(filter.matches)
        }
        let (stream, continuation) = AsyncStream<WatchMessage>.makeStream(
            bufferingPolicy: .bufferingOldest(WatchHub.watcherBuffer))
        let id = hub.add(filter, continuation)
        return (initial, stream, id)
    }

    func stopWatch(_ id: Int) { hub.remove(id) }

    /// Watches open now (for tests and diagnostics).
    public var watcherCount: Int { hub.watchers.count }

    /// Puts a bookmark at the current resourceVersion into a watch stream, after every change already sent.
    func bookmark(_ id: Int) { hub.bookmark(id, at: resourceVersion) }
}

extension ClusterStore {
    /// Runs a write (create, update, patch) and answers with the written object's bytes: the very bytes its
    /// commit stored when the write committed that version (the same JSON, not serialized a second time),
    /// otherwise the object serialized (a dry run, a write that changed nothing, a deletion it finished).
    public func answer(
        _ gvr: GroupVersionResource, dryRun: Bool,
        _ write: @Sendable (isolated ClusterStore) throws(KubeError) -> KubeObject
    ) throws(KubeError) -> [UInt8] {
        let object = try write(self)
        if !dryRun, let type = catalog.type(gvr),
            let stored = objects[type.storageKey]?[key(type, object.namespace, object.name)],
            object.resourceVersion == String(stored.resourceVersion)
        {
            return stored.bytes
        }
        return object.json.serializedBytes()
    }
}
