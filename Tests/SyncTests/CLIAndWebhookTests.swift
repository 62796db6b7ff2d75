import AsyncHTTPClient
import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Operator
import Sync
import Testing

@Suite(.serialized) struct CLIAndWebhookTests {
    static var capstan: String { ChildProcess.capstan }

    /// Runs `capstan` (off the cooperative pool, since it talks to the server in this process).
    func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run([Self.capstan] + arguments)
        return (result.status, result.output)
    }

    @Test func appCommands() async throws {
        try await SyncHarness.with { h in
            let first = try h.repo.commit([
                "app/cm.yaml": Manifests.configMap("cm", ["v": "1"]),
                "app/secret.yaml":
                    "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: first-secret}\n",
            ])
            try await h.createApp("demo", path: "app")
            let common = ["--kubeconfig", try h.cluster.kubeconfigPath(), "-n", h.namespace]

            #expect(try await h.waitForApp("demo") { $0.syncStatus == "OutOfSync" })
            let diff = try await run(["app", "diff", "demo"] + common)
            #expect(diff.status == 1 && diff.output.contains("ConfigMap") && diff.output.contains("missing"))
            let sync = try await run(["app", "sync", "demo", "--timeout", "30"] + common)
            #expect(sync.status == 0, "\(sync.output)")
            #expect(sync.output.contains("Succeeded"))
            #expect(try await run(["app", "wait", "demo", "--timeout", "30"] + common).status == 0)
            #expect(try await run(["app", "diff", "demo"] + common).status == 0)
            let list = try await run(["app", "list"] + common)
            #expect(
                list.output.contains("demo") && list.output.contains("Synced")
                    && list.output.contains(String(first.prefix(7))))
            let get = try await run(["app", "get", "demo"] + common)
            #expect(get.output.contains("ConfigMap") && get.output.contains("Healthy"))

            try h.repo.commit([
                "app/cm.yaml": Manifests.configMap("cm", ["v": "2"]),
                "app/secret.yaml":
                    "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: second-secret}\n",
            ])
            let changed = try await run(["app", "diff", "demo"] + common)
            #expect(
                changed.status == 1 && changed.output.contains("data.v") && !changed.output.contains("second-secret"))
            #expect(try await run(["app", "refresh", "demo", "--hard"] + common).status == 0)
            #expect(
                try await run(["app", "sync", "demo", "--resource", ":ConfigMap:cm", "--timeout", "30"] + common).status
                    == 0)
            #expect(await h.configMap("cm")?.json[path: ["data", "v"]] == "2")
            let history = try await run(["app", "history", "demo"] + common)
            #expect(history.output.split(separator: "\n").count == 3)
            let rollback = try await run(["app", "rollback", "demo", "0", "--timeout", "30"] + common)
            #expect(rollback.status == 0, "\(rollback.output)")
            #expect(await h.configMap("cm")?.json[path: ["data", "v"]] == "1")

            _ = try await h.client.patch(
                Application.gvr, namespace: h.namespace, name: "demo", type: .merge,
                patch: ["spec": ["syncPolicy": ["automated": ["prune": true]]]])
            let refused = try await run(["app", "rollback", "demo", "0"] + common)
            #expect(refused.status != 0 && refused.output.contains("automated"))
        }
    }

    /// Asking for the same sync twice: the second command reports its own operation, not the first one's.
    @Test func aRepeatedSyncReportsItsOwnResult() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "1"])])
            try await h.createApp("again", path: "app")
            let common = ["--kubeconfig", try h.cluster.kubeconfigPath(), "-n", h.namespace]
            let sync = ["app", "sync", "again", "--timeout", "30"] + common
            let first = try await run(sync)
            #expect(first.status == 0 && first.output.contains("Succeeded"), "\(first.output)")
            // The server refuses the next commit's object, so the same sync now fails.
            try h.repo.commit(["app/bad.yaml": Manifests.configMap("Not_A_Valid_Name", ["v": "1"])])
            try await h.refresh("again", hard: true)
            let second = try await run(sync)
            #expect(second.status != 0, "\(second.output)")
            #expect(second.output.contains("Failed") && second.output.contains("Not_A_Valid_Name"), "\(second.output)")
        }
    }

    @Test func worksAsAKubectlPlugin() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "1"])])
            try await h.createApp("plugged", path: "app")
            let bin = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-plugin-\(h.namespace)")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: bin) }
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent("kubectl-capstan").path,
                withDestinationPath: Self.capstan)
            let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let result = try await ChildProcess.run([
                "env", "PATH=\(path)", "kubectl", "capstan", "app", "list",
                "--kubeconfig", try h.cluster.kubeconfigPath(), "-n", h.namespace,
            ])
            #expect(result.status == 0 && result.output.contains("plugged"), "\(result.output)")
        }
    }

    @Test func pushWebhookRefreshesTheApplicationsOfThatRepository() async throws {
        try await SyncHarness.with(pollInterval: .seconds(3600)) { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "1"])])
            try await h.createApp("hooked", path: "app", automated: [:])
            #expect(try await h.waitForApp("hooked") { $0.syncStatus == "Synced" })
            var logger = Logger(label: "webhook")
            logger.logLevel = .critical
            let server = try await WebhookServer(controller: h.controller, logger: logger).start(port: 0)
            try await withAwaitedTeardown(server, teardown: { server in await server.server.stop() }) { server in
                let second = try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "2"])])
                let payload: JSON = [
                    "ref": "refs/heads/main",
                    "repository": ["clone_url": .string(h.repo.fileURL), "html_url": "https://example.com/x"],
                ]
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                try await withAwaitedTeardown(http, teardown: { http in try? await http.shutdown() }) { http in
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/webhook")
                    request.method = .POST
                    request.body = .bytes(ByteBuffer(bytes: payload.serializedBytes()))
                    let response = try await http.execute(request, timeout: .seconds(10))
                    #expect(response.status == .ok)
                    #expect(
                        try await h.waitForApp("hooked") {
                            $0[path: ["sync", "revision"]]?.stringValue == second && $0.syncStatus == "Synced"
                        })
                    #expect(await h.configMap("cm")?.json[path: ["data", "v"]] == "2")
                    var bad = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/webhook")
                    bad.method = .POST
                    bad.body = .bytes(ByteBuffer(string: "not json"))
                    #expect(try await http.execute(bad, timeout: .seconds(10)).status == .badRequest)
                    #expect(
                        PushEvent.repositoryURLs(in: ["project": ["git_http_url": "https://gitlab.example.com/a/b.git"]]
                        ) == [
                            "https://gitlab.example.com/a/b.git"
                        ])
                }
            }
        }
    }

    /// Argo CD's `argocd-secret` webhook secrets: GitHub HMAC signatures (computed here by `openssl`, an
    /// independent implementation), GitLab tokens, and refusal of anything unsigned once a secret exists.
    @Test func webhookSecretsInArgocdSecretAreEnforced() async throws {
        try await SyncHarness.with(pollInterval: .seconds(3600)) { h in
            var logger = Logger(label: "webhook")
            logger.logLevel = .critical
            let signature = WebhookSignature(client: h.client, namespace: h.namespace)
            let server = try await WebhookServer(controller: h.controller, signature: signature, logger: logger).start(
                port: 0)
            try await withAwaitedTeardown(server, teardown: { server in await server.server.stop() }) { server in
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                try await withAwaitedTeardown(http, teardown: { http in try? await http.shutdown() }) { http in
                    let body =
                        #"{"ref":"refs/heads/main","repository":{"clone_url":"https://git.example.com/team/app.git"}}"#
                    func post(_ headers: [(String, String)]) async throws -> HTTPResponseStatus {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/webhook")
                        request.method = .POST
                        for (name, value) in headers { request.headers.add(name: name, value: value) }
                        request.body = .bytes(ByteBuffer(string: body))
                        return try await http.execute(request, timeout: .seconds(10)).status
                    }
                    // No secret configured: accepted, as in Argo CD.
                    #expect(try await post([("X-GitHub-Event", "push")]) == .ok)

                    _ = try await h.client.create(
                        KubeObject(
                            apiVersion: "v1", kind: "Secret", name: "argocd-secret", namespace: h.namespace,
                            body: [
                                "stringData": [
                                    "webhook.github.secret": "gh-hook-secret", "webhook.gitlab.secret": "gl-hook-token",
                                ]
                            ]))
                    let digest = try await ChildProcess.run(
                        ["openssl", "dgst", "-sha256", "-hmac", "gh-hook-secret"], input: body)
                    let hmac = try #require(digest.output.split(separator: " ").last).trimmingCharacters(
                        in: .whitespacesAndNewlines)
                    #expect(hmac.count == 64)
                    #expect(
                        try await post([("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=" + hmac)]) == .ok)
                    #expect(
                        try await post([
                            ("X-GitHub-Event", "push"),
                            ("X-Hub-Signature-256", "sha256=" + String(repeating: "0", count: 64)),
                        ]) == .unauthorized)
                    #expect(try await post([("X-GitHub-Event", "push")]) == .unauthorized)
                    #expect(
                        try await post([("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "gl-hook-token")]) == .ok)
                    #expect(
                        try await post([("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "guess")]) == .unauthorized)
                    // Gitea has no secret configured, and a request naming no host is refused once secrets exist.
                    #expect(try await post([("X-Gitea-Event", "push"), ("X-Gitea-Signature", hmac)]) == .unauthorized)
                    #expect(try await post([]) == .unauthorized)
                }
            }
        }
    }

    /// When the Secret holding the webhook secrets cannot be read, requests are refused rather than let through.
    @Test func webhookSignatureFailsClosedWhenTheSecretCannotBeRead() async throws {
        try await TestCluster.with(token: "right-token") { cluster in
            var config = try #require(cluster.embedded).clusterConfig
            config.bearerToken = "wrong-token"
            var logger = Logger(label: "unauthorized")
            logger.logLevel = .critical
            let unauthorized = try KubeClient(config: config, logger: logger, maximumAttempts: 1)
            try await withAwaitedTeardown(
                unauthorized, teardown: { unauthorized in try? await unauthorized.shutdown() }
            ) { unauthorized in
                let reason = await WebhookSignature(client: unauthorized, namespace: cluster.namespace)
                    .rejection(headers: ["x-github-event": "push"], body: Array("{}".utf8))
                #expect(reason?.contains("could not read argocd-secret") == true)
                // With a client that may read, a missing Secret means no secrets: the request passes.
                #expect(
                    await WebhookSignature(client: cluster.client, namespace: cluster.namespace)
                        .rejection(headers: ["x-github-event": "push"], body: Array("{}".utf8)) == nil)
            }
        }
    }
}
