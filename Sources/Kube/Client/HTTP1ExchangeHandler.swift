import NIOCore
import NIOHTTP1

/// A whole HTTP/1.1 answer, and whether its connection can carry another request.
public struct HTTP1Response: Sendable {
    public let status: HTTPResponseStatus
    public let headers: HTTPHeaders
    public let body: ByteBuffer
    let keepAlive: Bool
}

/// Why an exchange on a pooled connection failed.
public struct HTTP1ExchangeError: Error, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The connection closed before any of the answer arrived: a reused connection the server had just
        /// closed, which another connection can retry.
        case closedBeforeAnswer
        case closedDuringAnswer
        case timedOut(TimeAmount)
        case tooLarge(Int)
        case busy
        case cancelled
        /// No connection to `host:port` could be made.
        case cannotConnect(String)
    }
    public let kind: Kind
    /// What the connection reported when it closed (a TLS failure, a reset), if anything.
    public let cause: (any Error)?

    public var description: String {
        let what =
            switch kind {
            case .closedBeforeAnswer: "the connection closed before the server answered"
            case .closedDuringAnswer: "the connection closed in the middle of the answer"
            case .timedOut(let limit): "no whole answer within \(limit.nanoseconds / 1_000_000) ms"
            case .tooLarge(let limit): "the answer is larger than \(limit) bytes"
            case .busy: "the connection is already sending a request"
            case .cancelled: "the request was cancelled"
            case .cannotConnect(let target): "cannot connect to \(target)"
            }
        return cause.map { "\(what): \($0)" } ?? what
    }
}

/// The last handler of a pooled connection: sends one request at a time, head, body and end in a single flush
/// (one TCP segment for a small request), and collects the whole answer. Every method runs on the channel's
/// event loop.
final class HTTP1ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private struct Exchange {
        let promise: EventLoopPromise<HTTP1Response>
        let maximumBytes: Int
        let requestKeepAlive: Bool
        var timeout: Scheduled<Void>?
        var head: HTTPResponseHead?
        var body: ByteBuffer?
    }

    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    /// The first error the pipeline reported, kept to explain a close.
    private var failure: (any Error)?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(.closedBeforeAnswer)
        self.context = nil
    }

    /// Sends a request; `promise` gets its whole answer, or an `HTTP1ExchangeError`.
    func send(
        _ head: HTTPRequestHead, body: ByteBuffer?, maximumBytes: Int, timeout: TimeAmount,
        promise: EventLoopPromise<HTTP1Response>
    ) {
        guard let context, context.channel.isActive else {
            promise.fail(HTTP1ExchangeError(kind: .closedBeforeAnswer, cause: failure))
            return
        }
        guard exchange == nil else {
            promise.fail(HTTP1ExchangeError(kind: .busy, cause: nil))
            return
        }
        exchange = Exchange(promise: promise, maximumBytes: maximumBytes, requestKeepAlive: head.isKeepAlive)
        exchange?.timeout = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.fail(.timedOut(timeout))
            context.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Ends the exchange `promise` belongs to, if it is still running, and closes the connection (the answer
    /// may still arrive, and nobody would read it).
    func cancel(_ promise: EventLoopPromise<HTTP1Response>) {
        guard let current = exchange, current.promise.futureResult === promise.futureResult else { return }
        fail(.cancelled)
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var current = exchange else {
            // An answer nobody asked for: the connection cannot be trusted any more.
            context.close(promise: nil)
            return
        }
        // Taken out while it changes, so appending to its body does not copy the body.
        exchange = nil
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx answers (100 Continue) precede the real one.
            if head.status.code >= 200 || head.status == .switchingProtocols { current.head = head }
            exchange = current
        case .body(let chunk):
            let size = (current.body?.readableBytes ?? 0) + chunk.readableBytes
            guard size <= current.maximumBytes else {
                exchange = current
                fail(.tooLarge(current.maximumBytes))
                context.close(promise: nil)
                return
            }
            if current.body == nil {
                current.body = chunk
            } else {
                var chunk = chunk
                current.body!.writeBuffer(&chunk)
            }
            exchange = current
        case .end:
            guard let head = current.head else {
                exchange = current
                return
            }
            current.timeout?.cancel()
            current.promise.succeed(
                HTTP1Response(
                    status: head.status, headers: head.headers, body: current.body ?? ByteBuffer(),
                    keepAlive: current.requestKeepAlive && head.isKeepAlive))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(exchange?.head == nil ? .closedBeforeAnswer : .closedDuringAnswer)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = error }
        context.close(promise: nil)
    }

    private func fail(_ kind: HTTP1ExchangeError.Kind) {
        guard let current = exchange else { return }
        exchange = nil
        current.timeout?.cancel()
        current.promise.fail(HTTP1ExchangeError(kind: kind, cause: failure))
    }
}
