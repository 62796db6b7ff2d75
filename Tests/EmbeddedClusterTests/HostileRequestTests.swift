import AsyncHTTPClient
import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Requests that used to crash the server, freeze it, or store what could not be read back: each is now
/// refused with a `Status`, and the objects already stored stay as they were.
@Suite struct HostileRequestTests {
    typealias Case = (method: HTTPMethod, path: String, body: String?, contentType: String, status: Int)

    func expectStatus(_ cluster: TestCluster, _ c: Case) async throws {
        let response = try await cluster.client.sendRaw(
            method: c.method, path: c.path, body: c.body.map { Array($0.utf8) }, contentType: c.contentType)
        #expect(response.status == c.status, "\(c.method) \(c.path): \(String(decoding: response.body, as: UTF8.self))")
        let status = try JSON.parse(response.body)
        if c.status >= 400 { #expect(status["kind"] == "Status" && status["code"]?.intValue == Int64(c.status)) }
    }

    @Test func outOfRangeQueryParametersAreBadRequests() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let base = "/api/v1/namespaces/\(cluster.namespace)/configmaps"
            _ = try await cluster.client.create(Fixtures.configMap("kept", namespace: cluster.namespace))
            let cases: [Case] = [
                (.GET, base + "?watch=1&timeoutSeconds=9223372036854775807", nil, "application/json", 400),
                (.GET, base + "?watch=1&timeoutSeconds=99999999999999999999", nil, "application/json", 400),
                (.GET, base + "?watch=1&timeoutSeconds=-1", nil, "application/json", 400),
                (.GET, base + "?limit=99999999999999999999", nil, "application/json", 400),
                (.GET, base + "?resourceVersion=abc", nil, "application/json", 400),
                (.GET, base + "?fieldSelector=spec.nonsense%3Dx", nil, "application/json", 400),
                (.DELETE, base + "/kept?gracePeriodSeconds=soon", nil, "application/json", 400),
                (.DELETE, base + "/kept?dryRun=Yes", nil, "application/json", 400),
                (
                    .GET, base + "?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dkept", nil,
                    "application/json", 200
                ),
                (
                    .GET, "/api/v1/namespaces/\(cluster.namespace)/pods?fieldSelector=status.phase%3DRunning", nil,
                    "application/json", 200
                ),
            ]
            for c in cases { try await expectStatus(cluster, c) }
            #expect(
                try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "kept").name == "kept")
        }
    }

    @Test func anOversizedRequestLineGetsAStatus() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let path = "/api/v1/namespaces/\(cluster.namespace)/configmaps/" + String(repeating: "a", count: 100_000)
            let response = try await cluster.client.sendRaw(method: .GET, path: path)
            #expect(response.status == 414)
            #expect(try JSON.parse(response.body)["kind"] == "Status")
            let names = try await cluster.client.list(.configMaps, namespace: cluster.namespace).items.map(\.name)
            #expect(!names.contains { $0.hasPrefix("aaaa") })
        }
    }

    /// kubectl's generators send protobuf; until it is read, the answer is kube-apiserver's 415 with a way out.
    @Test func bodiesInFormatsTheServerCannotReadAre415s() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let base = "/api/v1/namespaces/\(cluster.namespace)/configmaps"
            let body = Array("k8s\0\u{0A}\u{0F}".utf8)
            for type in ["application/vnd.kubernetes.protobuf", "application/x-www-form-urlencoded"] {
                let response = try await cluster.client.sendRaw(
                    method: .POST, path: base, body: body, contentType: type)
                #expect(response.status == 415, "\(type)")
                let message = try JSON.parse(response.body)["message"]?.stringValue ?? ""
                #expect(!type.contains("protobuf") || message.contains("kubectl apply -f -"), "\(message)")
            }
        }
    }

    @Test func dryRunDeletesChangeNothing() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            for name in ["a", "b", "c"] { _ = try await cluster.client.create(Fixtures.configMap(name, namespace: ns)) }
            let collection = try await cluster.client.sendRaw(
                method: .DELETE, path: "/api/v1/namespaces/\(ns)/configmaps", query: [("dryRun", "All")])
            #expect(collection.status == 200)
            // The namespace also holds what the control plane puts there (kube-root-ca.crt); only ours are counted.
            func ours(_ names: [String]) -> Set<String> { Set(names).intersection(["a", "b", "c"]) }
            let listed = try JSON.parse(collection.body)["items"]?.arrayValue?.compactMap {
                $0[path: ["metadata", "name"]]?.stringValue
            }
            #expect(ours(listed ?? []).count == 3)
            let single = try await cluster.client.sendRaw(
                method: .DELETE, path: "/api/v1/namespaces/\(ns)/configmaps/a", query: [("dryRun", "All")])
            #expect(single.status == 200)
            #expect(ours(try await cluster.client.list(.configMaps, namespace: ns).items.map(\.name)).count == 3)
            let real = try await cluster.client.sendRaw(
                method: .DELETE, path: "/api/v1/namespaces/\(ns)/configmaps", query: [("labelSelector", "x=y")])
            #expect(real.status == 200)
            #expect(ours(try await cluster.client.list(.configMaps, namespace: ns).items.map(\.name)).count == 3)
        }
    }

    @Test func aCRDCannotShadowABuiltInResource() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(Fixtures.deployment("web", namespace: ns))
            for (group, plural) in [
                ("apps", "deployments"), ("networking.k8s.io", "ingresses"), ("capstan.example.com", "configmaps"),
            ] {
                let crd = KubeObject(
                    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "\(plural).\(group)",
                    body: [
                        "spec": [
                            "group": .string(group), "scope": "Namespaced",
                            "names": ["plural": .string(plural), "kind": "Deployment"],
                            "versions": [["name": "v1", "served": true, "storage": true]],
                        ]
                    ])
                let response = try await cluster.client.sendRaw(
                    method: .POST, path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                    body: crd.json.serializedBytes())
                let expected = group.hasPrefix("capstan") ? 201 : 422
                #expect(response.status == expected, "\(plural).\(group)")
            }
            #expect(try await cluster.client.get(.deployments, namespace: ns, name: "web").name == "web")
        }
    }

    @Test func patchesOfTheWrongShapeOrSizeChangeNothing() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            let path = "/api/v1/namespaces/\(ns)/configmaps/victim"
            _ = try await cluster.client.create(Fixtures.configMap("victim", namespace: ns, labels: ["keep": "me"]))
            var copies = [#"{"op":"add","path":"/data/big","value":"\#(String(repeating: "x", count: 1000))"}"#]
            copies += (0..<30).map { #"{"op":"copy","from":"/data","path":"/data/copy\#($0)"}"# }
            let cases: [Case] = [
                (.PATCH, path, "[1]", "application/merge-patch+json", 400),
                (.PATCH, path, "\"text\"", "application/strategic-merge-patch+json", 400),
                (.PATCH, path, #"{"op":"add"}"#, "application/json-patch+json", 400),
                (.PATCH, path, "[" + copies.joined(separator: ",") + "]", "application/json-patch+json", 422),
            ]
            for c in cases { try await expectStatus(cluster, c) }
            let after = try await cluster.client.get(.configMaps, namespace: ns, name: "victim")
            #expect(after.labels == ["keep": "me"] && after.json["data"] == ["a": "1"])
        }
    }

    @Test func bodiesThatCannotBeReadBackAreRefusedBeforeTheyAreStored() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await TestCluster.with(simulate: false, dataPath: path) { cluster in
            let base = "/api/v1/namespaces/\(cluster.namespace)/configmaps"
            let deep = String(repeating: "{a: ", count: 600) + "1" + String(repeating: "}", count: 600)
            let aliasBomb = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: bomb}
                a: &a ["x","x","x","x","x","x","x","x","x","x"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
                """
            let deepValue = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
            let deepening =
                "["
                + (0..<2).map { _ in
                    #"{"op":"add","path":"/extra","value":{"x":\#(deepValue)}}"#
                }.joined(separator: ",")
                + #",{"op":"copy","from":"/extra","path":"/extra/x\#(String(repeating: "/0", count: 299))"}]"#
            _ = try await cluster.client.create(Fixtures.configMap("kept", namespace: cluster.namespace))
            // A custom resource that keeps any field: where a JSON patch can build a document too deep to read.
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
                    name: "blobs.hostile.example.com",
                    body: [
                        "spec": [
                            "group": "hostile.example.com", "scope": "Namespaced",
                            "names": ["plural": "blobs", "kind": "Blob"],
                            "versions": [
                                [
                                    "name": "v1", "served": true, "storage": true,
                                    "schema": [
                                        "openAPIV3Schema": [
                                            "type": "object", "x-kubernetes-preserve-unknown-fields": true,
                                        ]
                                    ],
                                ]
                            ],
                        ]
                    ]))
            let blobs = "/apis/hostile.example.com/v1/namespaces/\(cluster.namespace)/blobs"
            _ = try await cluster.client.sendRaw(
                method: .POST, path: blobs, body: Array(#"{"metadata":{"name":"kept"}}"#.utf8),
                contentType: "application/json")
            let cases: [Case] = [
                (
                    .POST, base, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + deep,
                    "application/yaml", 400
                ),
                (.POST, base, aliasBomb, "application/yaml", 400),
                (.PATCH, base + "/bomb?fieldManager=t", aliasBomb, "application/apply-patch+yaml", 400),
                (.PATCH, blobs + "/kept", deepening, "application/json-patch+json", 422),
            ]
            for c in cases { try await expectStatus(cluster, c) }
        }
    }

    @Test func typeErrorsAreBadRequestsThatNameTheField() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            let created = try await cluster.client.create(Fixtures.configMap("cm", namespace: ns))
            var stale = created
            stale.json[path: ["metadata", "resourceVersion"]] = .int(1)
            let put = try await cluster.client.sendRaw(
                method: .PUT, path: "/api/v1/namespaces/\(ns)/configmaps/cm", body: stale.json.serializedBytes())
            #expect(put.status == 400)
            var deployment = Fixtures.deployment("web", namespace: ns)
            deployment.json[path: ["spec", "replicas"]] = "three"
            let post = try await cluster.client.sendRaw(
                method: .POST, path: "/apis/apps/v1/namespaces/\(ns)/deployments",
                body: deployment.json.serializedBytes())
            #expect(post.status == 400)
            #expect(
                try JSON.parse(post.body)["message"]?.stringValue?.contains("spec.replicas: expected an integer")
                    == true)
        }
    }

    @Test func secretStringDataIsMergedIntoData() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let secret = KubeObject(
                apiVersion: "v1", kind: "Secret", name: "s", namespace: cluster.namespace,
                body: [
                    "data": ["kept": "YQ==", "both": "b2xk"], "stringData": ["both": "new", "plain": "text"],
                ])
            let created = try await cluster.client.create(secret)
            #expect(created.json["stringData"] == nil)
            #expect(created.json["data"] == ["kept": "YQ==", "both": "bmV3", "plain": "dGV4dA=="])
            #expect(created.json["type"] == "Opaque")
        }
    }

    @Test func aLowercaseBearerSchemeIsAccepted() async throws {
        try await TestCluster.with(token: "the-token", simulate: false) { cluster in
            guard let embedded = cluster.embedded else { return }
            var request = HTTPClientRequest(url: embedded.url + "/api/v1/namespaces")
            request.headers.add(name: "Authorization", value: "bearer the-token")
            // Generous: other suites load the machine meanwhile.
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
        }
    }

    @Test func generatedNamesNeverCollide() async throws {
        var logger = Logger(label: "t")
        logger.logLevel = .error
        let store = try await ClusterStore(path: nil, logger: logger)
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "", namespace: "default")
        object.json[path: ["metadata", "generateName"]] = "g-"
        let gvr = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
        for _ in 0..<20_000 { _ = try await store.create(gvr, namespace: "default", object: object) }
        #expect(await store.objectCount >= 20_000)
    }
}
