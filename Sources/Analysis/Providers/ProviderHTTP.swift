import AsyncHTTPClient
import Foundation
import Kube
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP clients providers share: one that verifies certificates and one for `insecure: true`. Neither
/// records tracing spans: nothing reads them, and they cost a measurement a tenth of its request.
public final class ProviderHTTP: Sendable {
    let verifying: HTTPClient
    let insecure: HTTPClient

    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        verifying = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        configuration.tlsConfiguration = .makeClientConfiguration()
        configuration.tlsConfiguration?.certificateVerification = .none
        insecure = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async throws {
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

    /// A short description of a failed request, without the noise of NIO's type names.
    static func describe(_ error: any Error, url: String, timeout: TimeAmount) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded {
            return "request to \(url) timed out after \(timeout.nanoseconds / 1_000_000_000) s"
        }
        return "request to \(url) failed: \(error)"
    }
}
