import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A client for one Kubernetes API server: REST calls with client-side rate limiting and retries,
/// and a REST mapper filled from discovery. Create one per process and `shutdown()` it on exit.
public struct KubeClient: Sendable {
    public let config: ClusterConfig
    public let mapper: RESTMapper
    /// Watches (streamed answers).
    let watches: WatchTransport
    /// Every other request (`exchange`).
    let pool: HTTP1ConnectionPool
    let limiter: RateLimiter
    let logger: Logger
    let maximumAttempts: Int
    /// Counts write requests when set (`counting(_:)`).
    var tally: RequestTally?
    /// With `.ownEventLoop`: the client's event loop, on which each exchange runs.
    let executor: EventLoopTaskExecutor?
    let ownGroup: MultiThreadedEventLoopGroup?

    /// Where a client's requests are sent and answered.
    public enum Threading: Sendable {
        /// The process-wide event loops, with each answer handed back to the caller's thread (the default, for
        /// controllers whose many concurrent reconciles decode answers in parallel).
        case shared
        /// A single event-loop thread of the client's own, on which each exchange is sent, received and resumed
        /// without a hand-off between threads: lower latency for a client that sends one request at a time
        /// (command-line tools, the benchmarks' load generators).
        case ownEventLoop
    }

    public init(
        config: ClusterConfig, logger: Logger, qps: Double = 100, burst: Int = 200, maximumAttempts: Int = 5,
        threading: Threading = .shared
    )
        throws(ConfigError)
    {
        self.config = config
        self.logger = logger
        self.limiter = RateLimiter(qps: qps, burst: burst)
        self.maximumAttempts = maximumAttempts
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.decompression = .disabled
        // No spans: Capstan bootstraps no tracer, and starting a no-op span costs 5% of a small request.
        configuration.tracing.tracer = nil
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        let tls = config.server.hasPrefix("https") ? try Self.tlsConfiguration(config) : nil
        configuration.tlsConfiguration = tls
        switch threading {
        case .shared:
            self.ownGroup = nil
            self.executor = nil
            self.pool = try HTTP1ConnectionPool(
                server: config.server, tls: tls, group: MultiThreadedEventLoopGroup.singleton)
            self.watches = WatchTransport(group: .singleton, configuration: configuration)
        case .ownEventLoop:
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            do { self.pool = try HTTP1ConnectionPool(server: config.server, tls: tls, group: group) } catch {
                // The configuration error is what the caller needs; a loop that will not stop is logged beside it.
                do { try group.syncShutdownGracefully() } catch let shutdownError {
                    logger.warning(
                        "the client's event loop did not shut down", metadata: ["error": "\(shutdownError)"])
                }
                throw error
            }
            self.ownGroup = group
            self.executor = EventLoopTaskExecutor(group.next())
            self.watches = WatchTransport(group: .shared(group), configuration: configuration)
        }
        self.mapper = RESTMapper()
    }

    /// Closes the connection pool, the watches' transport and the client's own event loop; the loop is shut
    /// down even when the transport's shutdown fails (that failure is then thrown).
    public func shutdown() async throws {
        pool.shutdown()
        var failure: (any Error)?
        do { try await watches.shutdown() } catch { failure = error }
        try await ownGroup?.shutdownGracefully()
        if let failure { throw failure }
    }

    /// Runs `body` on the client's own event loop when it has one (`Threading.ownEventLoop`), so a loop of
    /// requests does not leave that thread between them; otherwise runs it as it is.
    public func onClientThread<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        guard let executor else { return try await body() }
        return try await withTaskExecutorPreference(executor) { try await body() }
    }

    static func tlsConfiguration(_ config: ClusterConfig) throws(ConfigError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = config.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if config.insecureSkipTLSVerify { tls.certificateVerification = .none }
            if let cert = config.clientCertificatePEM, let key = config.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw ConfigError("TLS material in the kubeconfig cannot be read: \(error)")
        }
        return tls
    }

    /// A raw HTTP exchange result: status code and body.
    public struct RawResponse: Sendable {
        public let status: Int
        public let body: [UInt8]
        public let headers: [(String, String)]
    }

    /// Sends one request and returns the body of a 2xx answer; other answers throw the server's `Status`.
    /// Retries throttling (429), unavailability and connection failures with exponential back-off.
    public func send(
        method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String = "application/json", accept: String = "application/json"
    ) async throws(KubeError)
        -> [UInt8]
    {
        let response = try await sendRaw(
            method: method, path: path, query: query, body: body,
            contentType: contentType, accept: accept)
        guard (200..<300).contains(response.status) else {
            throw KubeError(httpStatus: response.status, body: response.body)
        }
        return response.body
    }

    /// Like `send`, but returns any answer the server gave, 2xx or not.
    public func sendRaw(
        method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String = "application/json", accept: String = "application/json",
        timeout: TimeAmount = .seconds(60)
    ) async throws(KubeError) -> RawResponse {
        var delay: Duration = .milliseconds(100)
        var attempt = 1
        let authorization = try config.authorization()
        tally?.record(method: method.rawValue, path: path)
        while true {
            await limiter.acquire()
            do {
                let response = try await onClientThread {
                    try await exchange(
                        method: method, target: target(path: path, query: query),
                        headers: headers(
                            accept: accept, contentType: body == nil ? nil : contentType, authorization: authorization),
                        body: body, timeout: timeout)
                }
                let status = Int(response.status.code)
                let retryable = status == 429 || status == 503 || (status >= 500 && method == .GET)
                if retryable && attempt < maximumAttempts {
                    logger.debug("retrying", metadata: ["path": "\(path)", "status": "\(status)"])
                } else {
                    return RawResponse(
                        status: status, body: response.body, headers: response.headers.map { ($0.name, $0.value) })
                }
            } catch {
                // A certificate the client does not trust will not become trusted by retrying.
                if Task.isCancelled || attempt >= maximumAttempts || error is NIOSSLError {
                    throw KubeError(
                        code: 0, reason: .transport,
                        message: "\(method) \(config.server)\(path): \(Self.describe(error))")
                }
                logger.debug(
                    "retrying after transport error",
                    metadata: ["path": "\(path)", "error": "\(Self.describe(error))"])
            }
            attempt += 1
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.description }
        if let error = error as? HTTP1ExchangeError { return error.description }
        return String(describing: error)
    }

    func makeRequest(
        method: HTTPMethod, path: String, query: [(String, String)], body: [UInt8]?,
        contentType: String, accept: String, authorization: String?
    ) -> HTTPClientRequest {
        Self.request(
            method: method, url: url(path: path, query: query),
            headers: headers(
                accept: accept, contentType: body == nil ? nil : contentType, authorization: authorization),
            body: body)
    }

    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            if unreserved.contains(byte) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
