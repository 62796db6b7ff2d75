import Foundation
import Git
import Kube
import KubeTestSupport
import Sync
import Testing

@Suite(.serialized) struct GitTransportTests {
    @Test func smartHTTPWithCredentialsFromARepositorySecret() async throws {
        let h = try await SyncHarness.start()
        defer { Task { await h.shutdown() } }
        try h.repo.commit(["app/cm.yaml": Manifests.configMap("over-http", ["v": "1"])])
        let root = h.repo.path + "-served"
        try GitFixture.run(["git", "clone", "-q", "--bare", h.repo.path, root + "/team/app.git"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try await GitHTTPServer.start(root: root, username: "alice", password: "s3cret-token")
        defer { Task { await server.stop() } }
        let url = "http://127.0.0.1:\(server.port)/team/app.git"

        // Without credentials: a clear error naming the repository, never a password.
        try await h.createApp("private", path: "app", automated: [:], extraSpec: [
            "source": ["repoURL": .string(url), "path": "app", "targetRevision": "main"]])
        #expect(try await h.waitForApp("private") { status in
            (status["conditions"]?.arrayValue ?? []).contains { ($0["message"]?.stringValue ?? "").contains("authentication") }
        })

        var secret = KubeObject(apiVersion: "v1", kind: "Secret", name: "repo-creds", namespace: h.namespace, body: [
            "stringData": ["url": .string("http://127.0.0.1:\(server.port)/team"), "username": "alice", "password": "s3cret-token"]])
        secret.labels = ["argocd.argoproj.io/secret-type": "repo-creds"]
        _ = try await h.client.create(secret)
        try await Task.sleep(for: .seconds(6))  // credentials are re-read at most every 5 s
        try await h.refresh("private")
        #expect(try await h.waitForApp("private") { $0.syncStatus == "Synced" })
        #expect(await h.configMap("over-http") != nil)
        let everything = try await h.app("private").json.serialized()
            + (try await h.client.list(.events, namespace: h.namespace).items.map { $0.json.serialized() }.joined())
        #expect(!everything.contains("s3cret-token"))
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        try repo.commit(["a.yaml": "a: 1\n"])
        let root = repo.path + "-served"
        try GitFixture.run(["git", "clone", "-q", "--bare", repo.path, root + "/r.git"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try await GitHTTPServer.start(root: root, username: "alice", password: "right")
        defer { Task { await server.stop() } }
        let cache = RepositoryCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("capstan-http-\(UUID().uuidString.prefix(6))"))
        let url = "http://127.0.0.1:\(server.port)/r.git"
        do {
            _ = try await cache.resolve(url, revision: "main", credentials: .basic(username: "alice", password: "wrong-password"))
            Issue.record("expected an authentication failure")
        } catch {
            #expect(error.isAuthenticationFailure)
            #expect(!error.description.contains("wrong-password"))
        }
        let head = try await cache.resolve(url, revision: "main", credentials: .basic(username: "alice", password: "right"))
        #expect(try await cache.files(url, commit: head, path: "").keys.sorted() == ["a.yaml"])
    }
}
