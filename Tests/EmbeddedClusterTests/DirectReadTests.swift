import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOHTTP1
import Testing

@testable import EmbeddedCluster

/// GETs the server answers on the connection's event loop from the store's read snapshot: the same answer
/// as the API responder's, a write seen by the next read, what the snapshot cannot answer passed on, and
/// answers in the order of their requests on a connection.
@Suite struct DirectReadTests {
    @Test func aDirectAnswerIsTheRespondersAndFollowsEveryWrite() async throws {
        try await TestCluster.with(token: "direct-read-token") { cluster in
            let snapshot = try #require(cluster.embedded).store.snapshot
            let path = "/api/v1/namespaces/\(cluster.namespace)/configmaps/one"
            var map = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "one", namespace: cluster.namespace)
            map.json["data"] = ["k": "v1"]
            _ = try await cluster.client.create(map)

            let before = snapshot.directReads
            let direct = try await cluster.client.sendRaw(method: .GET, path: path)
            #expect(snapshot.directReads == before + 1)
            // A query parameter the server ignores sends the same GET through the API responder.
            let responded = try await cluster.client.sendRaw(method: .GET, path: path, query: [("pretty", "false")])
            #expect(snapshot.directReads == before + 1)
            #expect(direct.status == 200 && responded.status == 200)
            #expect(direct.body == responded.body)

            var changed = KubeObject(try JSON.parse(direct.body))
            changed.json["data"] = ["k": "v2"]
            let updated = try await cluster.client.update(changed)
            let afterUpdate = KubeObject(
                try JSON.parse(try await cluster.client.sendRaw(method: .GET, path: path).body))
            #expect(afterUpdate.resourceVersion == updated.resourceVersion)
            #expect(afterUpdate.json["data"]?["k"] == "v2")

            try await cluster.client.delete(.configMaps, namespace: cluster.namespace, name: "one")
            let gone = try await cluster.client.sendRaw(method: .GET, path: path)
            #expect(gone.status == 404)
            #expect(try JSON.parse(gone.body)["reason"] == "NotFound")

            // A Table, a subresource and a wrong token are the API responder's to answer.
            let table = try await cluster.client.sendRaw(
                method: .GET, path: "/api/v1/namespaces/\(cluster.namespace)/serviceaccounts/default",
                accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
            #expect(try JSON.parse(table.body)["kind"] == "Table")
            let stranger = try KubeClient(
                config: ClusterConfig(server: try #require(cluster.embedded).url, bearerToken: "wrong"),
                logger: Logger(label: "test"), maximumAttempts: 1)
            try await withAwaitedTeardown(stranger, teardown: { try? await $0.shutdown() }) { stranger in
                let refused = try await stranger.sendRaw(
                    method: .GET, path: "/api/v1/namespaces/\(cluster.namespace)/serviceaccounts/default")
                #expect(refused.status == 401)
            }
            #expect(snapshot.directReads == before + 2)
        }
    }

    @Test func customResourcesAreReadDirectlyWhileTheirCRDServesThem() async throws {
        try await TestCluster.with { cluster in
            let snapshot = try #require(cluster.embedded).store.snapshot
            let kc = try cluster.kubeconfigPath()
            let crd = try await KubectlTests.kubectl(
                ["apply", "-f", "-"], kubeconfig: kc, input: OpenAPITests.widgetCRD)
            #expect(crd.status == 0, "\(crd.output)")
            let gadget = """
                apiVersion: openapi.example.com/v1
                kind: Gadget
                metadata: {name: g1, namespace: \(cluster.namespace)}
                spec: {size: 3}
                """
            #expect(
                try await cluster.eventually {
                    try await KubectlTests.kubectl(["apply", "-f", "-"], kubeconfig: kc, input: gadget).status == 0
                })
            let path = "/apis/openapi.example.com/v1/namespaces/\(cluster.namespace)/gadgets/g1"
            let before = snapshot.directReads
            let read = try await cluster.client.sendRaw(method: .GET, path: path)
            #expect(read.status == 200)
            #expect(try JSON.parse(read.body)["spec"]?["size"] == 3)
            #expect(snapshot.directReads == before + 1)

            let deleted = try await KubectlTests.kubectl(
                ["delete", "crd", "gadgets.openapi.example.com"], kubeconfig: kc)
            #expect(deleted.status == 0, "\(deleted.output)")
            #expect(
                try await cluster.eventually {
                    try await cluster.client.sendRaw(method: .GET, path: path).status == 404
                })
        }
    }

    /// A DELETE and a GET of the same object sent together: the GET, which the snapshot could answer at once,
    /// must be answered after the DELETE, and so sees the object gone.
    @Test func answersKeepTheOrderOfTheirRequests() async throws {
        try await TestCluster.with { cluster in
            let embedded = try #require(cluster.embedded)
            let map = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "ordered", namespace: cluster.namespace)
            _ = try await cluster.client.create(map)
            let path = "/api/v1/namespaces/\(cluster.namespace)/configmaps/ordered"
            let socket = try IdleSocket(port: embedded.port)
            defer { socket.close() }
            socket.send(
                "DELETE \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
                    + "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let statuses = try await socket.readStatuses(count: 2, within: .seconds(60))
            #expect(statuses == [200, 404])
        }
    }
}
