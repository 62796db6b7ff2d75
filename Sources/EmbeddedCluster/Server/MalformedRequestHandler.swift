import HTTPTypes
import Kube
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP decoder refuses (a request line or headers over the 80 KB limit, or bytes that
/// are not HTTP) with a `Status` body, as every other refusal of the API is answered, instead of the bare
/// empty 400 Hummingbird writes; then closes the connection, since the stream cannot be trusted past the error.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let tooLong = parserError == .headerOverflow || parserError == .invalidURL
        let status = KubeError(
            code: tooLong ? 414 : 400, reason: .badRequest,
            message: tooLong
                ? "the request line or headers are longer than the server accepts (80 KB)"
                : "the request is not valid HTTP/1.1: \(parserError)")
        let body = APIResponder.statusJSON(status).serializedBytes()
        var head = HTTPResponse(status: .init(code: status.code))
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
