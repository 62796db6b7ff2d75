import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// A fault injector in front of the real test registry: it forwards every request to `docker-registry` until
/// told to fail, then answers as a registry in trouble does (a status such as 503 or 429 with `Retry-After`,
/// or a 200 whose body is not the API's JSON). The registry itself cannot be made to misbehave on demand.
public final class FaultyRegistryProxy: Sendable {
    public enum Fault: Sendable, Equatable {
        case none
        case status(Int, retryAfter: Int? = nil)
        case garbage
    }

    let server: LocalHTTPServer
    let fault = FaultBox()
    public var url: String { "http://127.0.0.1:\(server.port)" }

    public init(upstream: String) async throws {
        let router = Router()
        let fault = fault
        router.get("/**") { request, _ -> Response in
            switch fault.value {
            case .status(let code, let retryAfter):
                var headers = HTTPFields()
                if let retryAfter { headers[.retryAfter] = String(retryAfter) }
                return Response(status: HTTPResponse.Status(code: code), headers: headers)
            case .garbage:
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "<html>upstream error</html>")))
            case .none:
                return try await Self.forward(request, to: upstream)
            }
        }
        server = try await LocalHTTPServer.start(router, label: "faulty-registry")
    }

    public func inject(_ fault: Fault) { self.fault.set(fault) }

    public func stop() async { await server.stop() }

    static func forward(_ request: Request, to upstream: String) async throws -> Response {
        var forwarded = HTTPClientRequest(url: upstream + request.uri.description)
        for name in [HTTPField.Name.accept, .authorization] {
            if let value = request.headers[name] { forwarded.headers.add(name: name.rawName, value: value) }
        }
        let answer = try await HTTPClient.shared.execute(forwarded, timeout: .seconds(10))
        var headers = HTTPFields()
        for name in ["Content-Type", "Docker-Content-Digest", "Link", "WWW-Authenticate"] {
            if let value = answer.headers.first(name: name), let field = HTTPField.Name(name) { headers[field] = value }
        }
        let body = try await answer.body.collect(upTo: 8 << 20)
        return Response(
            status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers,
            body: .init(byteBuffer: body))
    }
}

/// The fault in force, shared with the server's handlers.
final class FaultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var fault = FaultyRegistryProxy.Fault.none

    var value: FaultyRegistryProxy.Fault { lock.withLock { fault } }
    func set(_ fault: FaultyRegistryProxy.Fault) { lock.withLock { self.fault = fault } }
}
