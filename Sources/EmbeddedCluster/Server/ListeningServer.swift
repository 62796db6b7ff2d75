import Kube
import Logging
import NIOCore
import ServiceLifecycle

/// Starts an HTTP application and waits until it listens: the port it bound (useful when asked for port 0)
/// and the runner that stops it. An application that cannot bind is an error naming `what` and the cause.
enum ListeningServer {
    static func start(
        _ what: String, host: String, port: Int, logger: Logger,
        _ makeApplication: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) throws -> any Service
    ) async throws -> (port: Int, runner: ServiceRunner) {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let application = try makeApplication { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let runner = ServiceRunner(application, logger: logger)
        let task = runner.task
        Task {
            // A server that stops before it listens ends the wait; its error is read from `task` below.
            _ = try? await task.value
            continuation.finish()
        }
        var bound = 0
        for await p in stream { bound = p }
        guard bound != 0 else {
            throw ConfigError("\(what) could not listen on \(host):\(port): \(await task.result.failureDescription)")
        }
        return (bound, runner)
    }
}
