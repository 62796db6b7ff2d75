import Foundation
import Git
import Kube
import KubeTestSupport
import Sync
import Testing

@Suite(.serialized) struct GitTransportTests {
    @Test func smartHTTPWithCredentialsFromARepositorySecret() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("over-http", ["v": "1"])])
            let root = h.repo.path + "-served"
            try GitFixture.run(["git", "clone", "-q", "--bare", h.repo.path, root + "/team/app.git"])
            defer { try? FileManager.default.removeItem(atPath: root) }
            let server = try await GitHTTPServer.start(root: root, username: "alice", password: "s3cret-token")
            try await withAwaitedTeardown(server, teardown: { server in await server.stop() }) { server in
                let url = "http://127.0.0.1:\(server.port)/team/app.git"

                // Without credentials: a clear error naming the repository, never a password.
                try await h.createApp(
                    "private", path: "app", automated: [:],
                    extraSpec: [
                        "source": ["repoURL": .string(url), "path": "app", "targetRevision": "main"]
                    ])
                #expect(
                    try await h.waitForApp("private") { status in
                        (status["conditions"]?.arrayValue ?? []).contains {
                            ($0["message"]?.stringValue ?? "").contains("authentication")
                        }
                    })

                var secret = KubeObject(
                    apiVersion: "v1", kind: "Secret", name: "repo-creds", namespace: h.namespace,
                    body: [
                        "stringData": [
                            "url": .string("http://127.0.0.1:\(server.port)/team"), "username": "alice",
                            "password": "s3cret-token",
                        ]
                    ])
                secret.labels = ["argocd.argoproj.io/secret-type": "repo-creds"]
                _ = try await h.client.create(secret)
                try await Task.sleep(for: .seconds(6))  // credentials are re-read at most every 5 s
                try await h.refresh("private")
                #expect(try await h.waitForApp("private") { $0.syncStatus == "Synced" })
                #expect(await h.configMap("over-http") != nil)
                #expect(try await !h.statusAndEvents("private").contains("s3cret-token"))
            }
        }
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        try repo.commit(["a.yaml": "a: 1\n"])
        let root = repo.path + "-served"
        try GitFixture.run(["git", "clone", "-q", "--bare", repo.path, root + "/r.git"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try await GitHTTPServer.start(root: root, username: "alice", password: "right")
        try await withAwaitedTeardown(server, teardown: { server in await server.stop() }) { server in
            let cache = RepositoryCache(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "capstan-http-\(UUID().uuidString.prefix(6))"))
            let url = "http://127.0.0.1:\(server.port)/r.git"
            do {
                _ = try await cache.resolve(
                    url, revision: "main", credentials: .basic(username: "alice", password: "wrong-password"))
                Issue.record("expected an authentication failure")
            } catch let error as GitError {
                #expect(error.isAuthenticationFailure)
                #expect(!error.description.contains("wrong-password"))
            }
            let head = try await cache.resolve(
                url, revision: "main", credentials: .basic(username: "alice", password: "right"))
            #expect(try await cache.files(url, commit: head, path: "").keys.sorted() == ["a.yaml"])
        }
    }

    @Test func sshWithAKeyChecksTheHostKey() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        try repo.commit(["app/a.yaml": "a: 1\n"])
        let bare = repo.path + "-ssh.git"
        try GitFixture.run(["git", "clone", "-q", "--bare", repo.path, bare])
        defer { try? FileManager.default.removeItem(atPath: bare) }
        let server = try SSHGitServer()
        defer { server.stop() }
        let url = server.url(bare)
        func cache() -> RepositoryCache {
            RepositoryCache(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "capstan-ssh-\(UUID().uuidString.prefix(6))"))
        }
        func key(_ hostKeys: SSHHostKeys) -> GitCredentials {
            .sshKey(username: server.user, privateKey: server.clientKey, passphrase: nil, hostKeys: hostKeys)
        }

        // A host that is not in the known hosts is refused, naming the host and where to add it.
        do {
            _ = try await cache().resolve(
                url, revision: "main",
                credentials: key(
                    .knownHosts(
                        "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")))
            Issue.record("expected the unknown host key to be refused")
        } catch {
            #expect(error.description.contains("[127.0.0.1]:\(server.port)"))
            #expect(error.description.contains("argocd-ssh-known-hosts-cm"))
            #expect(!error.description.contains("PRIVATE KEY"))
        }
        // A listed host with a different key is refused too.
        let otherKey =
            "[127.0.0.1]:\(server.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        await #expect(throws: GitError.self) {
            try await cache().resolve(url, revision: "main", credentials: key(.knownHosts(otherKey)))
        }

        // The right host key: resolve, fetch and read files over SSH.
        let trusted = cache()
        let head = try await trusted.resolve(
            url, revision: "main", credentials: key(.knownHosts("# team hosts\n" + server.knownHostsLine + "\n")))
        #expect(try await trusted.files(url, commit: head, path: "app").keys.sorted() == ["a.yaml"])
        // The same entry hashed by OpenSSH (`ssh-keygen -H`, as `ssh-keyscan -H` writes them) works too.
        let knownHostsFile = repo.path + "-known_hosts"
        try (server.knownHostsLine + "\n").write(toFile: knownHostsFile, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: knownHostsFile);
            try? FileManager.default.removeItem(atPath: knownHostsFile + ".old")
        }
        _ = try GitFixture.run(["ssh-keygen", "-q", "-H", "-f", knownHostsFile])
        let hashed = try String(contentsOfFile: knownHostsFile, encoding: .utf8)
        #expect(hashed.hasPrefix("|1|"))
        #expect(try await cache().resolve(url, revision: "main", credentials: key(.knownHosts(hashed))) == head)
        // insecure: "true" accepts any host key.
        #expect(try await cache().resolve(url, revision: "main", credentials: key(.acceptAny)) == head)

        // No Secret for an SSH URL: the error is the missing credentials, not the host key.
        do {
            _ = try await cache().resolve(url, revision: "main", credentials: .none)
            Issue.record("expected an authentication failure")
        } catch {
            #expect(error.isAuthenticationFailure)
            #expect(error.description.contains("no credentials are configured"))
        }

        // A key the server does not know is an authentication failure.
        let stranger = repo.path + "-stranger"
        _ = try GitFixture.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger])
        defer {
            try? FileManager.default.removeItem(atPath: stranger);
            try? FileManager.default.removeItem(atPath: stranger + ".pub")
        }
        let strangerKey = try String(contentsOfFile: stranger, encoding: .utf8)
        do {
            _ = try await cache().resolve(
                url, revision: "main",
                credentials: .sshKey(
                    username: server.user, privateKey: strangerKey,
                    passphrase: nil, hostKeys: .acceptAny))
            Issue.record("expected an authentication failure")
        } catch {
            #expect(error.isAuthenticationFailure)
            #expect(!error.description.contains("PRIVATE KEY"))
        }
    }

    @Test func sshRepositorySecretAndKnownHostsConfigMap() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("over-ssh", ["v": "1"])])
            let bare = h.repo.path + "-ssh.git"
            try GitFixture.run(["git", "clone", "-q", "--bare", h.repo.path, bare])
            defer { try? FileManager.default.removeItem(atPath: bare) }
            let server = try SSHGitServer()
            defer { server.stop() }
            let url = server.url(bare)

            var secret = KubeObject(
                apiVersion: "v1", kind: "Secret", name: "repo-ssh", namespace: h.namespace,
                body: [
                    "stringData": ["url": .string(url), "sshPrivateKey": .string(server.clientKey)]
                ])
            secret.labels = ["argocd.argoproj.io/secret-type": "repository"]
            _ = try await h.client.create(secret)
            // No known-hosts ConfigMap yet: the Application reports the unknown host.
            try await h.createApp(
                "private-ssh", path: "app", automated: [:],
                extraSpec: [
                    "source": ["repoURL": .string(url), "path": "app", "targetRevision": "main"]
                ])
            #expect(
                try await h.waitForApp("private-ssh") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        ($0["message"]?.stringValue ?? "").contains("not in the known hosts")
                    }
                })

            _ = try await h.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "ConfigMap", name: RepositoryCredentials.knownHostsConfigMap,
                    namespace: h.namespace, body: ["data": ["ssh_known_hosts": .string(server.knownHostsLine + "\n")]]))
            try await Task.sleep(for: .seconds(6))  // credentials are re-read at most every 5 s
            try await h.refresh("private-ssh")
            #expect(try await h.waitForApp("private-ssh") { $0.syncStatus == "Synced" })
            #expect(await h.configMap("over-ssh") != nil)
            #expect(try await !h.statusAndEvents("private-ssh").contains("PRIVATE KEY"))
        }
    }
}
