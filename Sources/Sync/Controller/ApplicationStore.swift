import Kube
import Logging

/// Reads and writes Application objects. Like Argo CD's CRD, Capstan's has no status subresource, so
/// status is written with a patch on the object: a JSON patch that replaces whole status members, so that
/// stale fields of an earlier operation never linger.
struct ApplicationStore: Sendable {
    let client: KubeClient
    let logger: Logger

    /// The Application as the server has it now; nil when it was deleted. Any other failure is thrown, so a
    /// server that cannot be reached is never taken for a withdrawn operation.
    func get(_ app: Application) async throws(KubeError) -> Application? {
        try await client.getIfExists(Application.gvr, namespace: app.namespace, name: app.name).map(Application.init)
    }

    /// The Application as the server has it now, or `app` itself (logged) when the server cannot say.
    func current(_ app: Application) async -> Application? {
        do { return try await get(app) } catch {
            logger.warning(
                "could not read the application; using the copy at hand",
                metadata: ["app": "\(app.namespace)/\(app.name)", "error": "\(error)"])
            return app
        }
    }

    /// Replaces the given status members. With `clearOperation`, the same patch removes `operation` if it is
    /// still the one that ran (a `test` op guards it), so a finished operation can never be seen again without
    /// its result, and a newer request set meanwhile is kept.
    func patchStatus(_ app: Application, _ members: [String: JSON], clearOperation: JSON? = nil) async {
        do {
            // A merge patch of {} creates status when absent and changes nothing otherwise.
            if app.object.status == nil {
                _ = try await client.patch(
                    Application.gvr, namespace: app.namespace, name: app.name, type: .merge,
                    patch: ["status": .object([:])])
            }
            let operations = members.sorted { $0.key < $1.key }.map { key, value -> JSON in
                ["op": "add", "path": .string("/status/\(key)"), "value": value]
            }
            if let clearOperation {
                let guarded: [JSON] = [
                    ["op": "test", "path": "/operation", "value": clearOperation],
                    ["op": "remove", "path": "/operation"],
                ]
                do {
                    _ = try await client.patch(
                        Application.gvr, namespace: app.namespace, name: app.name, type: .json,
                        patch: .array(operations + guarded))
                    return
                } catch {
                    if error.isNotFound { return }  // otherwise the operation changed or is gone: write status alone
                }
            }
            _ = try await client.patch(
                Application.gvr, namespace: app.namespace, name: app.name, type: .json, patch: .array(operations))
        } catch {
            if !error.isNotFound {
                logger.warning(
                    "could not write application status",
                    metadata: ["app": "\(app.namespace)/\(app.name)", "error": "\(error)"])
            }
        }
    }

    /// Sets `operation` (starting a sync) unless one is already there.
    func requestOperation(_ app: Application, _ operation: JSON) async throws(KubeError) {
        _ = try await client.patch(
            Application.gvr, namespace: app.namespace, name: app.name, type: .merge,
            patch: ["operation": operation])
    }

    /// Removes an annotation (the refresh request); a failure is logged and the next reconcile tries again.
    func removeAnnotation(_ app: Application, _ name: String) async {
        do {
            _ = try await client.patch(
                Application.gvr, namespace: app.namespace, name: app.name, type: .merge,
                patch: ["metadata": ["annotations": .object([name: .null])]])
        } catch  where !error.isNotFound {
            logger.warning(
                "could not remove annotation \(name)",
                metadata: ["app": "\(app.namespace)/\(app.name)", "error": "\(error)"])
        } catch {}
    }
}
