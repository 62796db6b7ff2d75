import NIOCore

/// Runs Swift tasks' jobs on a NIO event loop, whose thread then also runs the loop's I/O. A task that prefers
/// this executor (`withTaskExecutorPreference`) sends and receives on one thread, with no hand-off to the
/// cooperative pool and back for each exchange.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
