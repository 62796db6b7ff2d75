import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers the plainest request of all, a GET of one existing object (no query, no body, JSON, the server's
/// own token or a client certificate), on the connection's event loop from the store's `ReadSnapshot`,
/// without a hop to Swift's thread pool, the API responder and the store actor and back. The answer is
/// byte for byte the API responder's. Everything else, a missing object included, goes on to the API
/// responder unchanged and in order: a GET is answered here only when no earlier request on the connection
/// is still waiting for its answer.
///
/// Controllers and kubectl read objects far more often than they write them; this is what brings a GET
/// under 0.4 ms (`capstan bench cluster`).
final class DirectReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let snapshot: ReadSnapshot
    private let token: String?
    private let serverName: String
    /// A GET this handler may answer, held until its end shows it has no body.
    private var held: HTTPRequest?
    /// Requests passed on whose answer is not yet written.
    private var passedOn = 0

    init(snapshot: ReadSnapshot, token: String?, serverName: String) {
        self.snapshot = snapshot
        self.token = token
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if passedOn == 0, held == nil, mayAnswer(request) {
                held = request
                return
            }
            passedOn += 1
        case .body:
            passOnHeld(context)
        case .end:
            if let request = held, let bytes = object(for: request) {
                held = nil
                snapshot.countDirectRead()
                answer(context, bytes)
                return
            }
            passOnHeld(context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn -= 1 }
        context.write(data, promise: promise)
    }

    private func passOnHeld(_ context: ChannelHandlerContext) {
        guard let request = held else { return }
        held = nil
        passedOn += 1
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    /// A GET of a path without query or escapes, asking for JSON, allowed without asking the store about
    /// issued tokens, and keeping the connection open.
    private func mayAnswer(_ request: HTTPRequest) -> Bool {
        guard request.method == .get, let path = request.path, !path.contains("?"), !path.contains("%"),
            request.headerFields[.connection] == nil, Self.acceptsJSON(request.headerFields[.accept])
        else { return false }
        guard let token else { return true }
        return APIResponder.bearerMatches(request.headerFields[.authorization], token: token)
    }

    /// No Accept, or only plain media types of which JSON (or anything) is one: what the API responder
    /// answers with the stored bytes. Parameters (`as=Table`) ask for something else.
    static func acceptsJSON(_ accept: String?) -> Bool {
        guard let accept else { return true }
        let types = accept.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let plain: Set<String> = ["application/json", "*/*", "application/vnd.kubernetes.protobuf"]
        return types.allSatisfy(plain.contains) && types.contains { $0 != "application/vnd.kubernetes.protobuf" }
    }

    private func object(for request: HTTPRequest) -> [UInt8]? {
        guard let path = request.path,
            case .resource(let resource) = RequestTarget(path: path, isNamespaced: snapshot.isNamespaced),
            let name = resource.name, resource.subresource == nil
        else { return nil }
        return snapshot.bytes(resource.gvr, namespace: resource.namespace, name: name)
    }

    private func answer(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        var head = HTTPResponse(status: .ok)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(bytes.count)
        head.headerFields[.date] = HTTPDate.now
        head.headerFields[.server] = serverName
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: bytes))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
