import Foundation
import Git
import Kube
import KubeTestSupport
import Logging
import Sync
import Testing

/// Repository Secrets match every spelling of their repository's URL, a credential prefix matches only
/// whole path segments, and Secrets that cannot be read are an error rather than an anonymous fetch.
@Suite struct RepositoryCredentialsTests {
    @Test func secretsMatchEverySpellingOfTheirRepository() async throws {
        try await TestCluster.with { cluster in
            for (name, type, url, user) in [
                ("exact", "repository", "https://git.example.com/org/repo.git", "exact-user"),
                ("prefix", "repo-creds", "https://git.example.com/org/", "prefix-user"),
            ] {
                var secret = KubeObject(
                    apiVersion: "v1", kind: "Secret", name: name, namespace: cluster.namespace,
                    body: ["stringData": ["url": .string(url), "username": .string(user), "password": "pw"]])
                secret.json[path: ["metadata", "labels"]] = ["argocd.argoproj.io/secret-type": .string(type)]
                _ = try await cluster.client.create(secret)
            }
            let credentials = RepositoryCredentials(client: cluster.client, namespace: cluster.namespace)
            for spelling in ["https://git.example.com/org/repo", "https://GIT.example.com/org/repo.git/"] {
                let found = try await credentials.credentials(for: spelling)
                #expect(found == .basic(username: "exact-user", password: "pw"), "\(found)")
            }
            #expect(
                try await credentials.credentials(for: "https://git.example.com/org/other")
                    == .basic(username: "prefix-user", password: "pw"))
            #expect(try await credentials.credentials(for: "https://git.example.com/organisation/x") == .none)
        }
    }

    @Test func unreadableSecretsAreAnError() async throws {
        let unreachable = try KubeClient(
            config: ClusterConfig(server: "http://127.0.0.1:1"), logger: Logger(label: "test"), maximumAttempts: 1)
        try await withAwaitedTeardown(unreachable, teardown: { try? await $0.shutdown() }) { client in
            let credentials = RepositoryCredentials(client: client, namespace: "argocd")
            do {
                _ = try await credentials.credentials(for: "https://git.example.com/org/repo")
                Issue.record("credentials were read from an unreachable server")
            } catch let error as ComparisonFailure {
                #expect(error.message.hasPrefix("cannot read repository credentials in namespace argocd"))
            }
        }
    }
}
