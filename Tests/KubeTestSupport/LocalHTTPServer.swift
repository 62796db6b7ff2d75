import Foundation
import HTTPTypes
import Hummingbird
import Kube
import Logging
import NIOCore

/// A Hummingbird server on 127.0.0.1 and an ephemeral port, for the test servers built on it.
public final class LocalHTTPServer: Sendable {
    public let port: Int
    let runner: ServiceRunner

    /// Starts serving `router` and returns once the port is known.
    public static func start(_ router: Router<BasicRequestContext>, label: String) async throws -> LocalHTTPServer {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let runner = ServiceRunner(app, logger: logger)
        var port = 0
        for await p in stream { port = p }
        return LocalHTTPServer(port: port, runner: runner)
    }

    init(port: Int, runner: ServiceRunner) {
        self.port = port
        self.runner = runner
    }

    public func stop() async { await runner.stop() }

    /// The `Authorization` header HTTP basic auth sends, nil without a username.
    public static func basicAuthorization(_ username: String?, _ password: String?) -> String? {
        username.map { "Basic " + Data("\($0):\(password ?? "")".utf8).base64EncodedString() }
    }

    /// Static files under `root` (a Helm chart repository, say), optionally behind HTTP basic auth.
    public static func files(
        root: String, username: String? = nil, password: String? = nil
    ) async throws
        -> LocalHTTPServer
    {
        let router = Router()
        let expected = basicAuthorization(username, password)
        router.on("/**", method: .get) { request, _ -> Response in
            if let expected, request.headers[.authorization] != expected {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"files\""])
            }
            let relative = request.uri.path.split(separator: "/").filter { $0 != ".." }.joined(separator: "/")
            guard let data = FileManager.default.contents(atPath: root + "/" + relative) else {
                return Response(status: .notFound)
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return try await start(router, label: "files")
    }
}
