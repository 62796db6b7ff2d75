import Foundation
import Kube
import KubeTestSupport
import Registry
import Testing

@testable import ImageUpdater

/// Pull secrets read from the embedded cluster's Secrets and from the environment, in the three forms of the
/// `pull-secret` annotation; what cannot be read is a problem naming it.
@Suite struct PullSecretResolverTests {
    @Test func theThreeFormsGiveCredentials() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            let config = #"{"auths":{"ghcr.io":{"username":"bot","password":"p:w"}}}"#
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Secret", name: "ghcr", namespace: ns,
                    body: [
                        "type": "kubernetes.io/dockerconfigjson",
                        "data": [".dockerconfigjson": .string(Data(config.utf8).base64EncodedString())],
                    ]))
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Secret", name: "creds", namespace: ns,
                    body: ["stringData": ["token": "ci:s3cr:et"]]))
            let resolver = PullSecretResolver(client: cluster.client, environment: ["REG": "env-user:env-pass"])
            #expect(
                try await resolver.credentials(.pullSecret(namespace: ns, name: "ghcr"), registry: "ghcr.io")
                    == RegistryCredentials(username: "bot", password: "p:w"))
            #expect(
                try await resolver.credentials(.secret(namespace: ns, name: "creds", field: "token"), registry: "x")
                    == RegistryCredentials(username: "ci", password: "s3cr:et"))
            #expect(
                try await resolver.credentials(.environment("REG"), registry: "x")
                    == RegistryCredentials(username: "env-user", password: "env-pass"))
            for (reference, message) in [
                (PullSecretReference.pullSecret(namespace: ns, name: "missing"), "Secret \(ns)/missing not found"),
                (.secret(namespace: ns, name: "creds", field: "nope"), "Secret \(ns)/creds has no key nope"),
                (.environment("UNSET"), "the variable UNSET is not set"),
            ] {
                let problem = await #expect(throws: ImageSettingProblem.self) {
                    try await resolver.credentials(reference, registry: "ghcr.io")
                }
                #expect(problem?.message == message)
            }
        }
    }
}
