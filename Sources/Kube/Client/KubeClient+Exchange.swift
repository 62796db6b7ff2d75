import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension KubeClient {
    /// The largest answer a request accepts (a list of many large objects).
    static let maximumResponseBytes = 256 * 1024 * 1024

    /// One request and its whole answer, on the client's own event loop when it has one.
    func exchange(
        method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?, timeout: TimeAmount
    ) async throws -> (status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8]) {
        let request = try HTTPClient.Request(
            url: url, method: method, headers: headers, body: body.map { .byteBuffer(ByteBuffer(bytes: $0)) })
        let response = try await http.collect(
            request, eventLoop: executor.map { .delegateAndChannel(on: $0.eventLoop) } ?? .indifferent,
            timeout: timeout, maximumBytes: Self.maximumResponseBytes)
        return (response.status, response.headers, response.body.map { Array(buffer: $0) } ?? [])
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
