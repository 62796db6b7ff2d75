import Foundation
import Kube
import Logging

extension OperationRunner {
    /// How often an operation that a sync window holds back looks at the windows again.
    static let windowRecheck: Duration = .seconds(3)

    /// Holds an operation back while the project's sync windows block it, as Argo CD does: the operation stays
    /// Running with a message naming the window, and starts once the windows allow it (a manual sync passes a
    /// window with `manualSync: true`). While the project cannot be read, the operation is held too. Returns the Application to sync, or nil when the operation was withdrawn
    /// or the task cancelled meanwhile.
    func waitForSyncWindows(_ app: Application, operation: SyncOperation, startedAt: String) async -> Application? {
        var current = app
        var reported: String?
        while !Task.isCancelled {
            let reason: String
            do {
                let windows = try await ProjectPolicy.load(current, client: apps.client).syncWindows()
                guard let blocked = windows.blockReason(for: current, manual: !operation.automated) else {
                    return current
                }
                reason = blocked
            } catch {
                // Fail closed: windows that cannot be read may forbid this sync.
                reason = "the project's sync windows cannot be read (\(error.message))"
            }
            if reason != reported {
                reported = reason
                let message = "Sync operation blocked by sync window: \(reason)"
                await apps.patchStatus(
                    current,
                    [
                        "operationState": operationState(
                            operation, phase: "Running", startedAt: startedAt,
                            message: message, outcome: nil, retryCount: 0)
                    ])
                await events?.record(current.object, type: .normal, reason: "SyncWindowBlocked", message: message)
                logger.info(
                    "operation held by a sync window",
                    metadata: ["app": "\(current.object.key)", "reason": "\(reason)"])
            }
            try? await Task.sleep(for: Self.windowRecheck)
            guard let fresh = await apps.current(current), fresh.operation != nil else { return nil }
            current = fresh
        }
        return nil
    }
}
