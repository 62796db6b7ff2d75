import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOHTTP1
import Testing

/// `kubectl auth can-i`, `auth can-i --list`, `auth whoami` and `create token` (sent as protobuf) answered
/// from the embedded cluster's authorization, in recording 47's and 48's shapes; an issued token is accepted
/// like the server's own until it expires.
@Suite struct AccessReviewTests {
    @Test func kubectlAuthCommandsAndTokens() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = ["-n", cluster.namespace]
            let canI = try await KubectlTests.kubectl(["auth", "can-i", "create", "pods"] + ns, kubeconfig: kc)
            #expect(
                canI.status == 0 && canI.output.trimmingCharacters(in: .whitespacesAndNewlines) == "yes",
                "\(canI.output)")
            let list = try await KubectlTests.kubectl(["auth", "can-i", "--list"] + ns, kubeconfig: kc)
            #expect(list.status == 0 && list.output.contains("*.*"), "\(list.output)")
            let whoami = try await KubectlTests.kubectl(["auth", "whoami"], kubeconfig: kc)
            #expect(whoami.output.contains("capstan-admin"), "\(whoami.output)")
            let token = try await KubectlTests.kubectl(
                ["create", "token", "default", "--duration=15m"] + ns, kubeconfig: kc)
            #expect(token.status == 0 && token.output.hasPrefix("capstan-sa."), "\(token.output)")
            let missing = try await KubectlTests.kubectl(["create", "token", "nobody"] + ns, kubeconfig: kc)
            #expect(missing.status != 0 && missing.output.contains("serviceaccounts \"nobody\" not found"))
        }
    }

    @Test func anIssuedTokenIsAcceptedOverTLS() async throws {
        var logger = Logger(label: "tokens")
        logger.logLevel = .critical
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-tok-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = EmbeddedCluster.Options(token: "admin-token", simulateWorkloads: false)
        options.tlsDirectory = dir.appendingPathComponent("pki").path
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        try await withAwaitedTeardown(cluster, teardown: { await $0.stop() }) { cluster in
            let admin = try KubeClient(config: cluster.clusterConfig, logger: logger)
            let response = try await admin.sendRaw(
                method: .POST, path: "/api/v1/namespaces/default/serviceaccounts/default/token",
                body: Array(
                    #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":600}}"#
                        .utf8))
            try await admin.shutdown()
            #expect(response.status == 201)
            let issued = try JSON.parse(response.body)
            #expect(
                issued[path: ["spec", "expirationSeconds"]] == 600
                    && issued[path: ["status", "expirationTimestamp"]] != nil)
            let token = try #require(issued[path: ["status", "token"]]?.stringValue)
            var config = cluster.clusterConfig
            config.bearerToken = token
            let holder = try KubeClient(config: config, logger: logger)
            #expect(try await holder.get(.namespaces, name: "default").name == "default")
            try await holder.shutdown()
            config.bearerToken = token + "x"
            let forger = try KubeClient(config: config, logger: logger, maximumAttempts: 1)
            await #expect(throws: KubeError.self) { try await forger.get(.namespaces, name: "default") }
            try await forger.shutdown()
        }
    }
}
