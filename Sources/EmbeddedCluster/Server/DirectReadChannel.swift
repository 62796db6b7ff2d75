import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 connection with a `DirectReadHandler` placed right after its connection-state
/// handler, so that the requests answered directly count for the idle timeout and for closing after
/// `Connection: close` just as the ones the API responder answers.
struct DirectReadChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let makeHandler: @Sendable () -> DirectReadHandler

    var responder: Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(makeHandler(), position: .after(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
