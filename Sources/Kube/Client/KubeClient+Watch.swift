import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension KubeClient {
    /// Opens a watch. The stream ends when the server closes it (a timeout) and throws `KubeError` with
    /// `isGone` when `resourceVersion` is too old, so callers relist and watch again.
    public func watch(
        _ gvr: GroupVersionResource, namespace: String? = nil, resourceVersion: String? = nil,
        labelSelector: String? = nil, fieldSelector: String? = nil, allowBookmarks: Bool = true,
        timeoutSeconds: Int? = nil
    ) async throws(KubeError) -> AsyncThrowingStream<WatchEvent, any Error> {
        let info = try await resource(for: gvr)
        var query: [(String, String)] = [("watch", "true")]
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        let path = Self.path(gvr, namespace: info.namespaced ? namespace : nil)
        let authorization = try config.authorization()
        await limiter.acquire()
        let request = makeRequest(
            method: .GET, path: path, query: query, body: nil, contentType: "",
            accept: "application/json", authorization: authorization)
        let transport = try watches.client()
        let response: HTTPClientResponse
        do {
            response = try await transport.execute(request, timeout: .seconds(30))
        } catch {
            throw KubeError(code: 0, reason: .transport, message: "watch \(path): \(Self.describe(error))")
        }
        guard response.status.code == 200 else {
            let body = (try? await response.body.collect(upTo: 1024 * 1024)).map { Array(buffer: $0) } ?? []
            throw KubeError(httpStatus: Int(response.status.code), body: body)
        }
        let body = response.body
        return AsyncThrowingStream { continuation in
            // On the client's own event loop when it has one, so each event reaches the reader on one thread.
            let task = Task(executorPreference: executor) {
                var splitter = LineSplitter()
                do {
                    for try await chunk in body {
                        for line in try splitter.feed(chunk.readableBytesView) {
                            continuation.yield(try Self.decodeWatchEvent(line))
                        }
                    }
                    if let last = splitter.finish() { continuation.yield(try Self.decodeWatchEvent(last)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func decodeWatchEvent(_ line: [UInt8]) throws(KubeError) -> WatchEvent {
        let event = try decode(line)
        guard let typeName = event["type"]?.stringValue, let type = WatchEvent.EventType(rawValue: typeName),
            let object = event["object"]
        else {
            throw KubeError(code: 0, reason: .invalidResponse, message: "malformed watch event")
        }
        if type == .error {
            throw KubeError(httpStatus: Int(object["code"]?.intValue ?? 500), body: object.serializedBytes())
        }
        return WatchEvent(type: type, object: KubeObject(object))
    }
}
