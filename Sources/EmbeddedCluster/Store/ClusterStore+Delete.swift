import Kube
import Logging

extension ClusterStore {
    /// Deletes an object. Returns it as left: with `deletionTimestamp` while finalizers or foreground
    /// dependents hold it (`finished == false`), or as it was when removed.
    public func delete(
        _ gvr: GroupVersionResource, namespace: String?, name: String,
        propagation: PropagationPolicy? = nil, preconditionUID: String? = nil,
        preconditionResourceVersion: String? = nil, dryRun: Bool = false
    ) throws(KubeError)
        -> (object: KubeObject, finished: Bool)
    {
        let type = try resourceType(gvr)
        let key = key(type, namespace, name)
        guard var object = objects[type.storageKey]?[key]?.object else { throw Self.notFound(type, name) }
        if let uid = preconditionUID, uid != object.uid {
            throw KubeError(
                code: 409, reason: .conflict,
                message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(object.uid ?? "")")
        }
        if let rv = preconditionResourceVersion, rv != object.resourceVersion {
            throw KubeError(
                code: 409, reason: .conflict,
                message:
                    "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(object.resourceVersion ?? "")"
            )
        }
        if dryRun { return (object, true) }
        if object.deletionTimestamp != nil { return (object, false) }
        let policy = propagation ?? .background
        if policy == .orphan { orphanDependents(of: object) }
        var finalizers = object.finalizers
        if policy == .foreground && !(dependents[object.uid ?? ""]?.isEmpty ?? true) {
            finalizers.append("foregroundDeletion")
        }
        if type.storageKey == "namespaces" {
            // As kube-apiserver: answer at once with the namespace Terminating; the namespace finalizer
            // empties it in the background (`finalizeTerminatingNamespaces`).
            object.finalizers = finalizers
            object.deletionTimestamp = KubeTime.now()
            object.json[path: ["status", "phase"]] = "Terminating"
            let stored = try commit(key, object, event: .modified)!.object
            terminatingNamespaces.insert(name)
            return (stored, true)
        }
        if !finalizers.isEmpty {
            object.finalizers = finalizers
            object.deletionTimestamp = KubeTime.now()
            object.json[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
            let stored = try commit(key, object, event: .modified)!.object
            advanceDeletion(type, stored)
            let after = objects[type.storageKey]?[key]?.object
            return (after ?? stored, after == nil)
        }
        try commit(key, nil, event: .deleted)
        afterDelete(type, key: key, object: object)
        return (object, true)
    }

    /// DELETE on a collection: deletes every object the selectors match (nothing with `dryRun`) and answers
    /// with the list of them as each was left, as kube-apiserver does. An object that went away meanwhile is
    /// skipped; any other failure stops the request with its error.
    public func deleteCollection(
        _ gvr: GroupVersionResource, namespace: String?, labelSelector: LabelSelector?,
        fieldSelector: FieldSelector?, dryRun: Bool
    ) throws(KubeError) -> JSON {
        let list = try listBytes(
            gvr, namespace: namespace, labelSelector: labelSelector,
            fieldSelector: fieldSelector, limit: nil, continue: nil)
        var json: JSON
        do { json = try JSON.parse(list) } catch {
            throw KubeError(code: 500, reason: .internalError, message: "the stored list cannot be read: \(error)")
        }
        var left: [JSON] = []
        for item in json["items"]?.arrayValue ?? [] {
            let object = KubeObject(item)
            do {
                var deleted = try delete(gvr, namespace: object.namespace, name: object.name, dryRun: dryRun).object
                    .json
                deleted["apiVersion"] = nil  // list items carry neither, as in any list
                deleted["kind"] = nil
                left.append(deleted)
            } catch  where error.code == 404 {
                continue
            }
        }
        json["items"] = .array(left)
        return json
    }

    /// Moves a deletion forward: foreground owners delete their dependents, terminating namespaces empty
    /// themselves, and the object goes once nothing holds it.
    func advanceDeletion(_ type: ResourceType, _ object: KubeObject) {
        let key = key(type, object.namespace, object.name)
        var current = object
        if current.finalizers.contains("foregroundDeletion") {
            let uid = current.uid ?? ""
            for dependent in dependents[uid] ?? [] {
                deleteQuietly(dependent, policy: .foreground)
            }
            if dependents[uid]?.isEmpty ?? true {
                current.finalizers.removeAll { $0 == "foregroundDeletion" }
                if let stored = commitInBackground(key, current, event: .modified) { current = stored.object }
            }
        }
        if type.storageKey == "namespaces" {
            terminatingNamespaces.insert(current.name)
            return
        }
        if current.finalizers.isEmpty {
            commitInBackground(key, nil, event: .deleted)
            guard objects[key.resource]?[key] == nil else { return }  // the store refused it (logged)
            afterDelete(type, key: key, object: current)
        }
    }

    /// Garbage collection after an object is gone: dependents whose owners are all gone are deleted
    /// (background), foreground owners waiting on it advance, and a terminating namespace may finish.
    func afterDelete(_ type: ResourceType, key: ObjectKey, object: KubeObject) {
        if type.storageKey == "customresourcedefinitions.apiextensions.k8s.io" {
            deleteAllOf(crd: object)
            catalog.unregister(crdName: object.name)
        }
        let uid = object.uid ?? ""
        for dependent in dependents[uid] ?? [] {
            guard let stored = objects[dependent.resource]?[dependent] else { continue }
            if stored.ownerUIDs.allSatisfy({ byUID[$0] == nil }) { deleteQuietly(dependent, policy: .background) }
        }
        for ownerUID in object.ownerReferences.map(\.uid) {
            guard let ownerKey = byUID[ownerUID], let owner = objects[ownerKey.resource]?[ownerKey]?.object,
                owner.finalizers.contains("foregroundDeletion"), let ownerType = typeFor(storageKey: ownerKey.resource)
            else { continue }
            advanceDeletion(ownerType, owner)
        }
    }

    /// Deletes a dependent for the garbage collector; a failure is logged (the object stays and is
    /// collected again when its owner's deletion is looked at next).
    func deleteQuietly(_ key: ObjectKey, policy: PropagationPolicy) {
        guard let type = typeFor(storageKey: key.resource) else { return }
        do {
            _ = try delete(
                type.gvr, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name, propagation: policy)
        } catch  where error.code != 404 {
            logger.error("garbage collection could not delete \(key.resource) \(key.namespace)/\(key.name): \(error)")
        } catch {}
    }

    /// A write the server makes on its own (garbage collection, finalizers). It has no caller to answer, so a
    /// failure (the disk refused it) is logged as an error and nil is returned.
    @discardableResult
    func commitInBackground(_ key: ObjectKey, _ object: KubeObject?, event: WatchEvent.EventType) -> StoredObject? {
        do { return try commit(key, object, event: event) } catch {
            logger.error("could not store \(key.resource) \(key.namespace)/\(key.name): \(error)")
            return nil
        }
    }

    func orphanDependents(of owner: KubeObject) {
        let uid = owner.uid ?? ""
        for dependent in dependents[uid] ?? [] {
            guard var object = objects[dependent.resource]?[dependent]?.object else { continue }
            object.ownerReferences.removeAll { $0.uid == uid }
            commitInBackground(dependent, object, event: .modified)
        }
    }

    func deleteAllOf(crd: KubeObject) {
        guard let group = crd.spec?["group"]?.stringValue, let plural = crd.spec?["names"]?["plural"]?.stringValue
        else { return }
        let storageKey = "\(plural).\(group)"
        for key in objects[storageKey]?.keys.sorted() ?? [] { commitInBackground(key, nil, event: .deleted) }
    }

    func typeFor(storageKey: String) -> ResourceType? {
        catalog.byGVR.values.first { $0.storageKey == storageKey }
    }
}
