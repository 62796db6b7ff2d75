import HummingbirdCore
import Kube
import Logging
import NIOCore

/// A server child channel whose connection task runs on the connection's own event-loop thread.
///
/// Hummingbird serves each connection from a task on Swift's cooperative pool, so every request crosses
/// threads twice (event loop to pool for the request, pool to event loop for the response), and each crossing
/// wakes a sleeping thread: on the 2-core VMs Capstan is measured on, those wake-ups were most of a GET's
/// latency. With the task's executor preference set to the event loop, the request is read, answered and
/// written on one thread; the store actor (a default actor) also runs its uncontended calls there (SE-0417).
struct EventLoopPinnedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}
