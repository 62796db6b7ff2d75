import AsyncHTTPClient
import Foundation
import ImageUpdater
import Kube
import KubeTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Operator
import Sync
import Testing

/// The webhook receivers answer a payload they cannot read with 400 and the reason, and one that names no
/// Application's image with 200 and nothing done.
@Suite struct WebhookPayloadTests {
    @Test func unreadablePayloadsAreRefusedWithTheReason() async throws {
        try await TestCluster.with { cluster in
            let logger = Logger(label: "test.webhook")
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
                "capstan-hook-\(cluster.namespace)")
            let applications = ApplicationController(
                client: cluster.client, options: .init(namespace: cluster.namespace, cacheDirectory: cache),
                logger: logger)
            let images = ImageUpdateController(
                client: cluster.client,
                options: .init(
                    namespace: cluster.namespace, controllerNamespace: cluster.namespace, cacheDirectory: cache),
                logger: logger)
            let webhook = try await WebhookServer(controller: applications, images: images, logger: logger)
                .start(port: 0)
            try await withAwaitedTeardown(
                webhook.server,
                teardown: {
                    await $0.stop()
                    await images.stop()  // its registry client
                }
            ) { _ in
                for path in ["/api/webhook", "/api/registry-webhook"] {
                    let (status, text) = try await Self.post("{not json", to: webhook.port, path: path)
                    #expect(status == 400, "\(path)")
                    #expect(text.hasPrefix("payload is not JSON: "), "\(path): \(text)")
                }
                let envelope = #"{"events": [{"action": "push", "target": {"repository": "x/y", "tag": "1"}}]}"#
                let (status, text) = try await Self.post(envelope, to: webhook.port, path: "/api/registry-webhook")
                #expect(status == 200 && text == "checking 0 applications\n", "\(text)")
            }
        }
    }

    static func post(_ body: String, to port: Int, path: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = try await response.body.collect(upTo: 1 << 16)
        return (Int(response.status.code), String(buffer: text))
    }
}
