import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// Sends `request` and collects its whole answer (at most `maximumBytes`) before `timeout` has passed.
    ///
    /// This uses AsyncHTTPClient's future-based API: its async `execute` starts an extra unstructured task per
    /// request (for cancellation bookkeeping), which wakes a pool thread every time, a measurable share of a
    /// small request's cost. Cancelling the calling task cancels the request.
    public func collect(
        _ request: HTTPClient.Request, eventLoop: EventLoopPreference = .indifferent, timeout: TimeAmount,
        maximumBytes: Int
    ) async throws -> HTTPClient.Response {
        let task = execute(
            request: request, delegate: ResponseAccumulator(request: request, maxBodySize: maximumBytes),
            eventLoop: eventLoop, deadline: .now() + timeout)
        return try await withTaskCancellationHandler {
            try await task.futureResult.get()
        } onCancel: {
            task.cancel()
        }
    }
}
