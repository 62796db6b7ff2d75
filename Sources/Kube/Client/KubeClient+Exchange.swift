import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension KubeClient {
    /// The largest answer a request accepts (a list of many large objects).
    static let maximumResponseBytes = 256 * 1024 * 1024

    /// One request and its whole answer, on the client's own connections (`HTTP1ConnectionPool`).
    ///
    /// With its own event loop (`Threading.ownEventLoop`), the caller runs on the loop its connections use,
    /// so the exchange never leaves that thread. Shared clients hand the request to a connection's event loop
    /// and are resumed on Swift's pool with the answer.
    func exchange(
        method: HTTPMethod, target: String, headers: HTTPHeaders, body: [UInt8]?, timeout: TimeAmount
    ) async throws -> (status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8]) {
        let response = try await pool.exchange(
            method, target, headers: headers, body: body.map { ByteBuffer(bytes: $0) }, timeout: timeout,
            maximumBytes: Self.maximumResponseBytes)
        return (response.status, response.headers, Array(buffer: response.body))
    }

    /// A request for AsyncHTTPClient's async API.
    static func request(method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return request
    }

    /// The URL of `path` with `query`, percent-encoded.
    func url(path: String, query: [(String, String)]) -> String {
        config.server + target(path: path, query: query)
    }

    /// `path` with `query`, percent-encoded: what a request line names below the server's address.
    func target(path: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
    }

    /// The headers every request carries, and the body's type when it has one.
    func headers(accept: String, contentType: String?, authorization: String?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: accept)
        headers.add(name: "User-Agent", value: "capstan")
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return headers
    }
}
