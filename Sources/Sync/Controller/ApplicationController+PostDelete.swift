import Kube
import Logging

extension ApplicationController {
    /// Adds the post-delete finalizer to an Application whose manifests hold PostDelete hooks, so that deleting
    /// it runs them.
    func ensurePostDeleteFinalizer(_ app: Application, desired: [KubeObject]) async {
        guard desired.contains(where: { SyncAnnotations($0).postDelete }),
            !app.object.finalizers.contains(Self.postDeleteFinalizer)
        else { return }
        do {
            _ = try await client.patch(
                Application.gvr, namespace: app.namespace, name: app.name, type: .json,
                patch: [
                    [
                        "op": "test", "path": "/metadata/resourceVersion",
                        "value": .string(app.object.resourceVersion ?? ""),
                    ],
                    app.object.finalizers.isEmpty
                        ? ["op": "add", "path": "/metadata/finalizers", "value": [.string(Self.postDeleteFinalizer)]]
                        : ["op": "add", "path": "/metadata/finalizers/-", "value": .string(Self.postDeleteFinalizer)],
                ])
        } catch {
            logger.debug(
                "could not add the post-delete finalizer yet",
                metadata: ["app": "\(app.object.key)", "error": "\(error)"])
        }
    }

    /// The post-delete stage of a deleted Application (its resources are gone by now): creates each PostDelete
    /// hook of its last rendered manifests, waits until all have completed, then lets the Application go and
    /// deletes the hooks whose delete policy says so. A failed hook holds the Application, with an Event, until
    /// it is fixed or the finalizer is removed by hand.
    func runPostDeleteHooks(_ app: Application) async {
        let key = app.object.key
        do {
            let cache = try await clusters.cache(for: app.destination)
            let state = try await comparer.desiredState(of: app, maxAge: options.pollInterval)
            let hooks = try await LiveComparer(cache: cache, app: app).compare(
                revision: state.revision, type: state.type,
                rendered: state.objects
            )
            .desired.filter { SyncAnnotations($0).postDelete && !$0.name.isEmpty }
            var outcomes: [(KubeObject, GroupVersionResource, HookCompletion)] = []
            for hook in hooks {
                let info = try await cache.client.resource(for: hook.gvk)
                let namespace = info.namespaced ? hook.namespace : nil
                if let live = try await cache.client.getIfExists(info.gvr, namespace: namespace, name: hook.name) {
                    outcomes.append((live, info.gvr, HookCompletion.state(of: live)))
                } else {
                    _ = try await cache.client.apply(hook, fieldManager: SyncModule.fieldManager, force: true)
                    outcomes.append((hook, info.gvr, .running))
                }
            }
            if let failed = outcomes.first(where: { $0.2 == .failed }) {
                await events.record(
                    app.object, type: .warning, reason: "PostDeleteHookFailed",
                    message:
                        "post-delete hook \(failed.0.kind)/\(failed.0.name) failed; \(app.name) stays until it succeeds"
                )
                await queue.add(key, after: .seconds(10))
                return
            }
            guard outcomes.allSatisfy({ $0.2 == .succeeded }) else {
                await queue.add(key, after: .seconds(1))
                return
            }
            var finished = app.object
            finished.finalizers = app.object.finalizers.filter { $0 != Self.postDeleteFinalizer }
            _ = try await client.update(finished)
            for (hook, gvr, _) in outcomes where SyncAnnotations(hook).deletePolicies.contains("HookSucceeded") {
                do {
                    try await cache.client.deleteIfExists(
                        gvr, namespace: hook.namespace, name: hook.name, propagation: .background)
                } catch {
                    logger.warning(
                        "a finished post-delete hook could not be deleted",
                        metadata: ["app": "\(key)", "hook": "\(hook.kind)/\(hook.name)", "cause": "\(error)"])
                }
            }
            logger.info("post-delete hooks completed", metadata: ["app": "\(key)", "hooks": "\(outcomes.count)"])
        } catch {
            await events.record(
                app.object, type: .warning, reason: "PostDeleteHookError",
                message: "post-delete hooks of \(app.name): \(error)")
            logger.warning("post-delete hooks failed to run", metadata: ["app": "\(key)", "cause": "\(error)"])
            await queue.add(key, after: .seconds(5))
        }
    }
}
