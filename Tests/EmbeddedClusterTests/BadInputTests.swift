import AsyncHTTPClient
import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Nonsense on the wire gets the right status code and a `Status` body, and the server keeps serving.
@Suite struct BadInputTests {
    func raw(
        _ cluster: TestCluster, _ method: HTTPMethod, _ path: String, body: [UInt8]?,
        contentType: String = "application/json"
    ) async throws -> KubeClient.RawResponse {
        try await cluster.client.sendRaw(method: method, path: path, body: body, contentType: contentType)
    }

    @Test func malformedBodiesUnknownResourcesAndOversizedBodies() async throws {
        try await TestCluster.with { cluster in
            let base = "/api/v1/namespaces/\(cluster.namespace)/configmaps"
            let cases: [(HTTPMethod, String, [UInt8]?, String, Int)] = [
                (.POST, base, Array("{not json".utf8), "application/json", 400),
                (.POST, base, Array("a: [1,\n b: }".utf8), "application/yaml", 400),
                (.POST, base, (0..<512).map { _ in UInt8.random(in: 0...255) }, "application/json", 400),
                (
                    .POST, base, Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#.utf8),
                    "application/json", 422
                ),
                (
                    .POST, base, Array(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}"#.utf8),
                    "application/json", 400
                ),
                (.GET, "/api/v1/namespaces/\(cluster.namespace)/nonsense", nil, "application/json", 404),
                (.GET, "/apis/nope.example/v1", nil, "application/json", 404),
                (.POST, base, Array(repeating: UInt8(ascii: " "), count: 4 * 1024 * 1024), "application/json", 413),
                (.PATCH, base + "/missing", Array("{}".utf8), "text/plain", 415),
                (.GET, base + "?labelSelector=in%20(", nil, "application/json", 400),
                (.GET, base + "?limit=ten", nil, "application/json", 400),
                (.GET, base + "?continue=garbage", nil, "application/json", 400),
                (.GET, base + "?watch=true&resourceVersion=abc", nil, "application/json", 400),
                (
                    .DELETE, base + "/still-works", Array(#"{"propagationPolicy":"Sideways"}"#.utf8),
                    "application/json", 400
                ),
                (.DELETE, base + "/still-works", Array("{oops".utf8), "application/json", 400),
            ]
            _ = try await cluster.client.create(Fixtures.configMap("still-works", namespace: cluster.namespace))
            for (method, path, body, contentType, expected) in cases {
                let response = try await raw(cluster, method, path, body: body, contentType: contentType)
                #expect(response.status == expected, "\(method) \(path)")
                let status = try JSON.parse(response.body)
                #expect(status["kind"] == "Status" && status["code"]?.intValue == Int64(expected))
            }
            #expect(
                try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "still-works").name
                    == "still-works")
        }
    }

    /// A ConfigMap or Secret key must be a valid config key, as kube-apiserver requires (an image reference,
    /// with its `/` and `:`, is not).
    @Test func configKeysAreValidated() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            for (kind, key) in [("ConfigMap", "example/app:1"), ("Secret", "a b"), ("ConfigMap", "..")] {
                var object = KubeObject(apiVersion: "v1", kind: kind, name: "keys", namespace: cluster.namespace)
                object.json["data"] = [key: "dmFsdWU="]
                do {
                    _ = try await cluster.client.create(object)
                    Issue.record("\(kind) with key \(key) was accepted")
                } catch let error as KubeError {
                    #expect(error.code == 422 && error.message.contains("a valid config key"), "\(error.message)")
                }
            }
            var fine = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "fine", namespace: cluster.namespace)
            fine.json["data"] = ["Key_1.conf": "x", "a-b": "y"]
            _ = try await cluster.client.create(fine)
        }
    }

    @Test func wrongTokenIsUnauthorized() async throws {
        try await TestCluster.with(token: "right-token") { cluster in
            guard let embedded = cluster.embedded else { return }
            var logger = Logger(label: "t")
            logger.logLevel = .error
            let intruder = try KubeClient(
                config: ClusterConfig(server: embedded.url, bearerToken: "wrong"), logger: logger)
            let response = try await intruder.sendRaw(method: .GET, path: "/api/v1/namespaces")
            #expect(response.status == 401)
            try await intruder.shutdown()
        }
    }
}
