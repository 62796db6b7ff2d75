import Kube
import KubeTestSupport
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// `KubeClient`'s own HTTP/1.1 connections, against a small NIO server that records what arrives: each
/// request whole in one write, a server URL's path prefix kept, connections reused, and a connection the
/// server closed while idle replaced without the caller seeing an error.
@Suite struct ClientConnectionTests {
    let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with a client of `server`, shut down afterwards even when `body` throws.
    func withClient(
        _ server: String, maximumAttempts: Int = 5, _ body: (KubeClient) async throws -> Void
    ) async throws {
        let client = try KubeClient(
            config: ClusterConfig(server: server), logger: logger, qps: 0, burst: 0, maximumAttempts: maximumAttempts)
        try await withAwaitedTeardown(
            client,
            teardown: { client in
                do { try await client.shutdown() } catch { Issue.record("the client did not shut down: \(error)") }
            }, body)
    }

    @Test func aRequestArrivesWholeInOneReadAndConnectionsAreReused() async throws {
        let server = try await RecordingServer.start(dropSecondRequest: false)
        try await withAwaitedTeardown(server, teardown: { await $0.stop() }) { server in
            try await withClient("http://127.0.0.1:\(server.port)/prefix/") { client in
                for i in 0..<3 {
                    let body = Array("{\"n\":\(i)}".utf8)
                    _ = try await client.sendRaw(method: .POST, path: "/api/v1/namespaces", body: body)
                }
            }
            let seen = server.seen
            #expect(seen.map(\.target) == Array(repeating: "/prefix/api/v1/namespaces", count: 3))
            #expect(seen.map(\.body) == ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"])
            #expect(seen.allSatisfy { $0.readsForRequest == 1 })
            #expect(Set(seen.map(\.connection)).count == 1)
        }
    }

    @Test func aRequestOnAConnectionTheServerDropsIsSentAgainOnANewOne() async throws {
        let server = try await RecordingServer.start(dropSecondRequest: true)
        try await withAwaitedTeardown(server, teardown: { await $0.stop() }) { server in
            try await withClient("http://127.0.0.1:\(server.port)", maximumAttempts: 1) { client in
                for attempt in 1...3 {
                    do {
                        let answer = try await client.sendRaw(method: .GET, path: "/version")
                        #expect(answer.status == 200)
                    } catch {
                        // What the server had seen tells a lost request from a lost answer.
                        let seen = server.seen.map(\.connection)
                        Issue.record(
                            "request \(attempt): \(error); seen on \(seen) of \(server.connectionCount) connections")
                        throw error
                    }
                }
            }
            // The second and third requests each found their connection dropped, and went on a new one.
            #expect(server.seen.map(\.connection) == [1, 2, 3])
        }
    }

    @Test func aServerThatIsNotListeningIsNamedWithTheCause() async throws {
        let port = try LoopbackPort.free()
        try await withClient("http://127.0.0.1:\(port)", maximumAttempts: 1) { client in
            let error = await #expect(throws: KubeError.self) {
                _ = try await client.sendRaw(method: .GET, path: "/version")
            }
            #expect(error?.message.contains("cannot connect to 127.0.0.1:\(port)") == true)
            #expect(error?.message.contains("refused") == true)
        }
    }
}

/// Answers every request with `200 {}` and records it: its target, body, how many reads brought it and on
/// which connection. With `dropSecondRequest`, a connection's second request closes it unanswered, as when a
/// server ends an idle keep-alive connection just as the client sends on it.
final class RecordingServer: Sendable {
    struct Request: Sendable {
        let target: String
        let body: String
        let readsForRequest: Int
        let connection: Int
    }

    let channel: any Channel
    private let requests: NIOLockedValueBox<[Request]>
    private let connections: NIOLockedValueBox<Int>
    var port: Int { channel.localAddress?.port ?? 0 }
    var seen: [Request] { requests.withLockedValue { $0 } }
    /// Connections accepted so far.
    var connectionCount: Int { connections.withLockedValue { $0 } }

    private init(channel: any Channel, requests: NIOLockedValueBox<[Request]>, connections: NIOLockedValueBox<Int>) {
        self.channel = channel
        self.requests = requests
        self.connections = connections
    }

    static func start(dropSecondRequest: Bool) async throws -> RecordingServer {
        let requests = NIOLockedValueBox<[Request]>([])
        let connections = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = connections.withLockedValue { count in
                        count += 1
                        return count
                    }
                    let counter = ReadCounter()
                    try channel.pipeline.syncOperations.addHandler(counter)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Recorder(
                            connection: number, dropSecond: dropSecondRequest, counter: counter, requests: requests))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RecordingServer(channel: channel, requests: requests, connections: connections)
    }

    func stop() async {
        do { try await channel.close() } catch { Issue.record("the recording server did not close: \(error)") }
    }

    /// Counts the socket reads since the last answer.
    final class ReadCounter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var reads = 0
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            reads += 1
            context.fireChannelRead(data)
        }
    }

    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let connection: Int
        let dropSecond: Bool
        let counter: ReadCounter
        let requests: NIOLockedValueBox<[Request]>
        var target = ""
        var body = ""
        var answered = 0

        init(connection: Int, dropSecond: Bool, counter: ReadCounter, requests: NIOLockedValueBox<[Request]>) {
            self.connection = connection
            self.dropSecond = dropSecond
            self.counter = counter
            self.requests = requests
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                target = head.uri
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                if dropSecond && answered == 1 {
                    context.close(promise: nil)
                    return
                }
                answered += 1
                let request = Request(
                    target: target, body: body, readsForRequest: counter.reads, connection: connection)
                counter.reads = 0
                requests.withLockedValue { $0.append(request) }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "2")
                headers.add(name: "Content-Type", value: "application/json")
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
