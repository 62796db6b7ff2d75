import Kube
import Logging

extension ApplicationController {
    /// Argo CD's cascade finalizer: an Application carrying it has its resources deleted before it goes.
    /// `resources-finalizer.argocd.argoproj.io` (or `.../foreground`) deletes them with foreground propagation,
    /// `.../background` with background propagation. Without it the resources stay, as in Argo CD.
    static let resourcesFinalizer = "resources-finalizer.argocd.argoproj.io"
    /// Added to an Application whose manifests hold `hook: PostDelete` objects, as Argo CD does; its hooks run
    /// after the resources are gone, and the Application goes once they all succeeded.
    static let postDeleteFinalizer = "post-delete-finalizer.argocd.argoproj.io"

    /// Runs while the Application has a `deletionTimestamp`: deletes every object it manages (its tracking id
    /// names the Application and matches the object; `Delete=false` in its sync options keeps it), waits for
    /// them to go, then removes the finalizer so the Application itself can be deleted.
    func finalizeDeletion(_ app: Application) async {
        let key = app.object.key
        operations[key]?.cancel()
        operations[key] = nil
        let ours = app.object.finalizers.filter {
            $0 == Self.resourcesFinalizer || $0.hasPrefix(Self.resourcesFinalizer + "/")
        }
        guard !ours.isEmpty else {
            if app.object.finalizers.contains(Self.postDeleteFinalizer) { await runPostDeleteHooks(app) }
            return
        }
        let propagation: PropagationPolicy =
            ours.contains(Self.resourcesFinalizer + "/background") ? .background : .foreground
        do {
            let cache = try await clusters.cache(for: app.destination)
            var remaining = 0
            for (gvr, object) in try await managedObjects(of: app, cache: cache) {
                if SyncOptions(annotation: object.annotations[SyncAnnotations.syncOptions]).raw("Delete") == "false" {
                    continue
                }
                remaining += 1
                guard object.deletionTimestamp == nil else { continue }
                _ = try await cache.client.delete(
                    gvr, namespace: object.namespace, name: object.name, propagation: propagation)
            }
            guard remaining == 0 else {
                await queue.add(key, after: .seconds(1))
                return
            }
            var finished = app.object
            finished.finalizers = app.object.finalizers.filter { !ours.contains($0) }
            _ = try await client.update(finished)
            logger.info("deleted the resources of a deleted Application", metadata: ["app": "\(key)"])
        } catch {
            let message = "could not delete the resources of \(app.name): \(error)"
            await events.record(app.object, type: .warning, reason: "DeletionError", message: message)
            logger.warning("cascade deletion failed", metadata: ["app": "\(key)", "cause": "\(error)"])
            await queue.add(key, after: .seconds(5))
        }
    }

    /// The live objects the Application manages: those listed in `status.resources` (read from the server,
    /// so a restarted controller finds them) and those the cluster cache tracks for it.
    private func managedObjects(
        of app: Application, cache: ClusterCache
    ) async throws -> [(GroupVersionResource, KubeObject)] {
        var found: [ResourceKey: (GroupVersionResource, KubeObject)] = [:]
        for entry in app.object.status?["resources"]?.arrayValue ?? [] {
            let gvk = GroupVersionKind(
                group: entry["group"]?.stringValue ?? "", version: entry["version"]?.stringValue ?? "v1",
                kind: entry["kind"]?.stringValue ?? "")
            guard let name = entry["name"]?.stringValue, let info = try await Self.served(gvk, by: cache.client) else {
                continue
            }
            let namespace = info.namespaced ? entry["namespace"]?.stringValue : nil
            // Only "not found" skips an object; any other failure stops the deletion, which is retried.
            guard let object = try await cache.client.getIfExists(info.gvr, namespace: namespace, name: name),
                TrackingID.owner(of: object) == app.name
            else { continue }
            found[ResourceKey(object)] = (info.gvr, object)
        }
        for (key, object) in await cache.tracked(by: app.name) where found[key] == nil {
            let info = try await cache.client.resource(for: object.gvk)
            found[key] = (info.gvr, object)
        }
        return found.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The resource type of a kind, nil when the server no longer serves it (no objects can exist then).
    static func served(_ gvk: GroupVersionKind, by client: KubeClient) async throws(KubeError) -> APIResourceInfo? {
        do { return try await client.resource(for: gvk) } catch  where error.isNotFound { return nil }
    }
}
