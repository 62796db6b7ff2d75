import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension KubeClient {
    /// The largest answer a request accepts (a list of many large objects).
    static let maximumResponseBytes = 256 * 1024 * 1024

    /// One request and its whole answer.
    ///
    /// With its own event loop (`Threading.ownEventLoop`), the client sends through AsyncHTTPClient's
    /// future-based API pinned to that loop (`HTTPClient.collect`), so the exchange never leaves its thread. Shared
    /// clients use the async API, which runs each exchange on its connection's event loop and resumes the caller
    /// on the pool; the future-based API would add a hop between event loops whenever the connection it finds is
    /// on another loop than the one the request was given (measured: Events queued behind slower requests).
    func exchange(
        method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?, timeout: TimeAmount
    ) async throws -> (status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8]) {
        guard let executor else {
            let request = Self.request(method: method, url: url, headers: headers, body: body)
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
            return (response.status, response.headers, Array(buffer: bytes))
        }
        let request = try HTTPClient.Request(
            url: url, method: method, headers: headers, body: body.map { .byteBuffer(ByteBuffer(bytes: $0)) })
        let response = try await http.collect(
            request, eventLoop: .delegateAndChannel(on: executor.eventLoop), timeout: timeout,
            maximumBytes: Self.maximumResponseBytes)
        return (response.status, response.headers, response.body.map { Array(buffer: $0) } ?? [])
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
        var url = config.server + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return url
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
