import AsyncHTTPClient
import Foundation
import Kube
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP clients providers share: one that verifies certificates and one for `insecure: true`. Neither
/// records tracing spans: nothing reads them, and they cost a measurement a tenth of its request.
///
/// Requests sent with `exchange` (Prometheus queries, one per measurement) go on kept-alive connections of
/// Capstan's own (`HTTP1ConnectionPool`, one pool per server), which cost less than AsyncHTTPClient's; an
/// answer that redirects is asked again through AsyncHTTPClient, which follows redirects.
public final class ProviderHTTP: Sendable {
    let verifying: HTTPClient
    let insecure: HTTPClient
    private let pools = Mutex<[String: HTTP1ConnectionPool]>([:])
    /// Servers with a pool of their own; requests to further ones go through AsyncHTTPClient.
    static let maximumPools = 32

    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        verifying = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        configuration.tlsConfiguration = .makeClientConfiguration()
        configuration.tlsConfiguration?.certificateVerification = .none
        insecure = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async throws {
        for pool in pools.withLock({ Array($0.values) }) { pool.shutdown() }
        try await verifying.shutdown()
        try await insecure.shutdown()
    }

    /// Sends `request` and reads at most 16 MiB of the answer; throws on a transport failure or timeout.
    /// AsyncHTTPClient's future-based API (`collect`): its async API costs a measurement an extra task and
    /// thread wake-up per request.
    func send(
        _ request: HTTPClient.Request, timeout: TimeAmount, insecure: Bool
    ) async throws
        -> (status: HTTPResponseStatus, body: [UInt8])
    {
        let client = insecure ? self.insecure : verifying
        let response = try await client.collect(request, timeout: timeout, maximumBytes: 16 << 20)
        return (response.status, response.body.map { Array($0.readableBytesView) } ?? [])
    }

    /// Sends `method target` to `origin` (`scheme://host:port`) on a kept-alive connection and reads at most
    /// 16 MiB of the answer; throws on a transport failure or timeout.
    func exchange(
        origin: String, _ method: HTTPMethod, _ target: String, headers: HTTPHeaders, body: String?,
        timeout: TimeAmount, insecure: Bool
    ) async throws -> (status: HTTPResponseStatus, body: [UInt8]) {
        if let pool = try pool(origin, insecure: insecure) {
            let answer = try await pool.exchange(
                method, target, headers: headers, body: body.map { ByteBuffer(string: $0) }, timeout: timeout,
                maximumBytes: 16 << 20)
            guard (300..<400).contains(answer.status.code) else { return (answer.status, Array(buffer: answer.body)) }
        }
        let request = try HTTPClient.Request(
            url: origin + target, method: method, headers: headers, body: body.map { .string($0) })
        return try await send(request, timeout: timeout, insecure: insecure)
    }

    private func pool(_ origin: String, insecure: Bool) throws -> HTTP1ConnectionPool? {
        let key = (insecure ? "insecure " : "") + origin
        if let pool = pools.withLock({ $0[key] }) { return pool }
        var tls: TLSConfiguration?
        if origin.hasPrefix("https:") {
            tls = .makeClientConfiguration()
            if insecure { tls?.certificateVerification = .none }
        }
        let made = try HTTP1ConnectionPool(server: origin, tls: tls, group: MultiThreadedEventLoopGroup.singleton)
        let (pool, spare) = pools.withLock { pools -> (HTTP1ConnectionPool?, HTTP1ConnectionPool?) in
            if let existing = pools[key] { return (existing, made) }
            guard pools.count < Self.maximumPools else { return (nil, made) }
            pools[key] = made
            return (made, nil)
        }
        spare?.shutdown()
        return pool
    }

    /// A short description of a failed request, without the noise of NIO's type names.
    static func describe(_ error: any Error, url: String, timeout: TimeAmount) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded {
            return "request to \(url) timed out after \(timeout.nanoseconds / 1_000_000_000) s"
        }
        if let error = error as? HTTP1ExchangeError, case .timedOut = error.kind {
            return "request to \(url) timed out after \(timeout.nanoseconds / 1_000_000_000) s"
        }
        return "request to \(url) failed: \(error)"
    }
}
