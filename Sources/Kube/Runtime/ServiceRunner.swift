import Logging
import ServiceLifecycle

/// Runs one `Service` (an HTTP server, say) in its own `ServiceGroup` and stops it gracefully: in-flight
/// requests finish and connections close properly; whatever is still running after `grace` (a watch that
/// never ends) is cancelled.
public final class ServiceRunner: Sendable {
    let group: ServiceGroup
    /// Ends when the service ends; fails when it failed (for example, it could not bind its port).
    public let task: Task<Void, any Error>

    public init(_ service: any Service, logger: Logger) {
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    public func stop(grace: Duration = .seconds(2)) async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let deadline = Task {
            try await Task.sleep(for: grace)
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }
}
