import Hummingbird
import Kube
import NIOCore

/// Streams a watch as newline-delimited JSON events: replayed or initial events first, then live changes,
/// bookmarks when asked for, until the timeout or until the client goes away. `lines` rewrites each event
/// line (watching as Tables for `kubectl get --watch`).
struct WatchResponder {
    let store: ClusterStore
    let bookmarkInterval: Duration

    func watch(
        _ gvr: GroupVersionResource, namespace: String?, labels: LabelSelector?, fields: FieldSelector?,
        resourceVersion: String?, timeoutSeconds: Int?, bookmarks: Bool,
        lines: (@Sendable ([UInt8]) -> [UInt8])? = nil
    ) async throws -> Response {
        let rewrite = lines ?? { $0 }
        let (initial, stream, id) = try await store.watch(
            gvr, namespace: namespace, labelSelector: labels,
            fieldSelector: fields, resourceVersion: resourceVersion)
        let store = self.store
        let interval = bookmarkInterval
        let timeout = Duration.seconds(timeoutSeconds.flatMap { $0 > 0 ? $0 : nil } ?? 1800)
        let kind = await store.catalog.type(gvr)
        let body = ResponseBody { writer in
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if bookmarks { await store.bookmark(id) }
                }
            }
            let deadline = Task {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { await store.stopWatch(id) }
            }
            defer {
                ticker.cancel()
                deadline.cancel()
            }
            do {
                var first: [UInt8] = []
                for event in initial { first += rewrite(event.line) }
                if !first.isEmpty { try await writer.write(ByteBuffer(bytes: first)) }
                for await message in stream {
                    switch message {
                    case .change(let event):
                        try await writer.write(ByteBuffer(bytes: rewrite(event.line)))
                    case .bookmark(let rv):
                        let object: JSON = [
                            "kind": .string(kind?.kind ?? ""), "apiVersion": .string(kind?.apiVersion ?? ""),
                            "metadata": ["resourceVersion": .string(String(rv)), "creationTimestamp": .null],
                        ]
                        try await writer.write(
                            ByteBuffer(
                                bytes: WatchEvent(type: .bookmark, object: KubeObject(object))
                                    .json.serializedBytes() + [0x0A]))
                    }
                }
                await store.stopWatch(id)
                try await writer.finish(nil)
            } catch {
                await store.stopWatch(id)
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
