import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Keep-alive HTTP/1.1 connections to one server (an API server, a Prometheus), for requests whose answer is
/// read whole: everything but watches, which stay on AsyncHTTPClient's streaming API. Redirects are not
/// followed; a 3xx answer is returned as it is.
///
/// AsyncHTTPClient sends a request's head and body as two writes (two TCP segments, two wake-ups of the
/// server), and its per-request state machines and tasks were about a third of a controller's CPU. Here a
/// request is one write, and an exchange is a promise completed by the connection's handler.
///
/// A connection is used by one exchange at a time and goes back to the pool when its answer is complete and
/// both sides keep it alive. An idle connection the server has meanwhile closed fails before any answer
/// arrives; that request is sent once more on a new connection at once.
public final class HTTP1ConnectionPool: Sendable {
    /// A connection and its handler, which only its event loop may touch.
    struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<HTTP1ExchangeHandler>
        let idleSince: NIODeadline
    }

    private struct State {
        var idle: [Connection] = []
        var open: [ObjectIdentifier: any Channel] = [:]
        var closed = false
    }

    let address: ServerAddress
    let group: any EventLoopGroup
    private let tls: NIOSSLContext?
    private let state = NIOLockedValueBox(State())
    /// Idle connections kept; more are closed when their answer is read. As many as a controller's concurrent
    /// reconciles (32 in the benchmarks), so a busy controller does not open and close connections per request.
    static let maximumIdle = 64
    /// An idle connection older than this is closed rather than reused (servers close theirs after a minute).
    static let idleTimeout = TimeAmount.seconds(30)
    static let connectTimeout = TimeAmount.seconds(10)

    /// Connections to `server` (`http[s]://host[:port][/prefix]`), TLS as `tls` says for an https URL, on
    /// `group`'s event loops.
    public init(server: String, tls: TLSConfiguration?, group: any EventLoopGroup) throws(ConfigError) {
        let address = try ServerAddress(server)
        self.address = address
        self.group = group
        guard var tls else {
            self.tls = nil
            return
        }
        tls.applicationProtocols = ["http/1.1"]
        do { self.tls = try NIOSSLContext(configuration: tls) } catch {
            throw ConfigError("the TLS settings for \(address.host) cannot be used: \(error)")
        }
    }

    /// Sends `method target` (a path below the server URL's prefix, with its query) with `headers` and `body`,
    /// and reads the whole answer (at most `maximumBytes`) within `timeout`. `Host` and `Content-Length` are
    /// added here.
    public func exchange(
        _ method: HTTPMethod, _ target: String, headers: HTTPHeaders, body: ByteBuffer?, timeout: TimeAmount,
        maximumBytes: Int
    ) async throws -> HTTP1Response {
        var head = HTTPRequestHead(
            version: .http1_1, method: method, uri: address.pathPrefix + target, headers: headers)
        head.headers.add(name: "Host", value: address.hostHeader)
        if let body {
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else if method == .POST || method == .PUT || method == .PATCH {
            head.headers.add(name: "Content-Length", value: "0")
        }
        return try await exchange(head, body: body, timeout: timeout, maximumBytes: maximumBytes)
    }

    private func exchange(
        _ head: HTTPRequestHead, body: ByteBuffer?, timeout: TimeAmount, maximumBytes: Int
    ) async throws -> HTTP1Response {
        if let reused = takeIdle() {
            do {
                return try await send(head, body: body, on: reused, timeout: timeout, maximumBytes: maximumBytes)
            } catch let error as HTTP1ExchangeError {
                guard case .closedBeforeAnswer = error.kind, !(error.cause is NIOSSLError) else { throw error }
                // The server closed the idle connection: send again on a new one.
            }
        }
        let connection = try await connect()
        do {
            return try await send(head, body: body, on: connection, timeout: timeout, maximumBytes: maximumBytes)
        } catch let error as HTTP1ExchangeError {
            // A TLS failure is reported as itself, so callers can tell it will not pass by retrying.
            if let tlsError = error.cause as? NIOSSLError { throw tlsError }
            throw error
        }
    }

    /// Closes every connection; exchanges after this fail.
    public func shutdown() {
        let channels = state.withLockedValue { state in
            state.closed = true
            state.idle = []
            return Array(state.open.values)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    private func send(
        _ head: HTTPRequestHead, body: ByteBuffer?, on connection: Connection, timeout: TimeAmount,
        maximumBytes: Int
    ) async throws -> HTTP1Response {
        let loop = connection.channel.eventLoop
        let promise = loop.makePromise(of: HTTP1Response.self)
        let handler = connection.handler
        if loop.inEventLoop {
            handler.value.send(head, body: body, maximumBytes: maximumBytes, timeout: timeout, promise: promise)
        } else {
            loop.execute {
                handler.value.send(head, body: body, maximumBytes: maximumBytes, timeout: timeout, promise: promise)
            }
        }
        // Released on the loop as the answer completes, before the caller resumes, so the next request can
        // have the connection at once.
        let answered = promise.futureResult.map { response in
            if response.keepAlive {
                self.release(connection)
            } else {
                connection.channel.close(promise: nil)
            }
            return response
        }
        return try await withTaskCancellationHandler {
            try await answered.get()
        } onCancel: {
            loop.execute { handler.value.cancel(promise) }
        }
    }

    private func takeIdle() -> Connection? {
        let now = NIODeadline.now()
        var stale: [any Channel] = []
        let found = state.withLockedValue { state -> Connection? in
            while let connection = state.idle.popLast() {
                if connection.channel.isActive && now - connection.idleSince < Self.idleTimeout { return connection }
                stale.append(connection.channel)
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }
        return found
    }

    private func release(_ connection: Connection) {
        let idle = Connection(channel: connection.channel, handler: connection.handler, idleSince: .now())
        let kept = state.withLockedValue { state in
            guard !state.closed, state.idle.count < Self.maximumIdle, idle.channel.isActive else { return false }
            state.idle.append(idle)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    private func connect() async throws -> Connection {
        guard !state.withLockedValue({ $0.closed }) else {
            throw HTTP1ExchangeError(kind: .closedBeforeAnswer, cause: ChannelError.ioOnClosedChannel)
        }
        let tls = self.tls
        let name = address.serverNameIndication
        // Kept from the initializer: a connection whose TLS handshake fails closes (and empties its pipeline)
        // at once, and its handler holds the reason.
        let made = NIOLockedValueBox<NIOLoopBound<HTTP1ExchangeHandler>?>(nil)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(Self.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: name)) }
                    try pipeline.addHTTPClientHandlers()
                    let handler = HTTP1ExchangeHandler()
                    try pipeline.addHandler(handler)
                    made.withLockedValue { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch let error as NIOConnectionError {
            // NIO lists every address it tried; the first failure says why.
            let cause = error.connectionErrors.first?.error ?? error.dnsAAAAError ?? error.dnsAError
            throw HTTP1ExchangeError(kind: .cannotConnect("\(address.host):\(address.port)"), cause: cause)
        }
        guard let handler = made.withLockedValue({ $0 }) else {
            channel.close(promise: nil)
            throw HTTP1ExchangeError(kind: .closedBeforeAnswer, cause: ChannelError.ioOnClosedChannel)
        }
        let id = ObjectIdentifier(channel)
        let admitted = state.withLockedValue { state in
            guard !state.closed else { return false }
            state.open[id] = channel
            return true
        }
        guard admitted else {
            channel.close(promise: nil)
            throw HTTP1ExchangeError(kind: .closedBeforeAnswer, cause: ChannelError.ioOnClosedChannel)
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLockedValue { _ = $0.open.removeValue(forKey: id) }
        }
        return Connection(channel: channel, handler: handler, idleSince: .now())
    }
}
