import Kube
import Logging

/// The namespace finalizer: a terminating namespace's contents are deleted in bounded batches (each object
/// with the usual background propagation, finalizers and foreground owners honoured), and the namespace
/// goes once it is empty and nothing else holds it. Work is found from the store itself, so a deletion
/// interrupted by a restart resumes. Time is linear in the number of objects in the namespace.
extension ClusterStore {
    /// Objects deleted per step, so the API keeps answering between steps.
    static let namespaceFinalizerBatch = 500

    /// One step over every terminating namespace; returns true when it changed something (call again soon).
    public func finalizeTerminatingNamespaces() -> Bool {
        var progressed = false
        for name in terminatingNamespaces.sorted() {
            let nsKey = ObjectKey(resource: "namespaces", namespace: "", name: name)
            guard var namespace = objects["namespaces"]?[nsKey]?.object, namespace.deletionTimestamp != nil else {
                terminatingNamespaces.remove(name)
                continue
            }
            var waiting = false
            var batch: [ObjectKey] = []
            scan: for (resource, members) in objects where resource != "namespaces" {
                for (key, stored) in members where key.namespace == name {
                    if stored.isTerminating {
                        waiting = true
                    } else {
                        batch.append(key)
                        if batch.count == Self.namespaceFinalizerBatch { break scan }
                    }
                }
            }
            // Deleted after the scan: deleting while iterating would copy the dictionaries on every write.
            for key in batch { deleteQuietly(key, policy: .background) }
            if batch.count == Self.namespaceFinalizerBatch { return true }
            progressed = progressed || !batch.isEmpty
            guard batch.isEmpty, !waiting else { continue }
            if namespace.json[path: ["spec", "finalizers"]]?.arrayValue?.isEmpty == false {
                namespace.json[path: ["spec", "finalizers"]] = .array([])
                do { try commit(nsKey, namespace, event: .modified) } catch {
                    logger.error("cannot finalize namespace", metadata: ["namespace": "\(name)", "error": "\(error)"])
                    continue
                }
                progressed = true
            }
            guard namespace.finalizers.isEmpty else { continue }
            do { try commit(nsKey, nil, event: .deleted) } catch {
                logger.error("cannot remove namespace", metadata: ["namespace": "\(name)", "error": "\(error)"])
                continue
            }
            terminatingNamespaces.remove(name)
            progressed = true
        }
        return progressed
    }
}
