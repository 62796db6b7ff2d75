import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

/// HTTPS with a generated CA and bearer-token auth: the Kube client verifies the server with the CA, and
/// kubectl, which sends tokens only over TLS, works with the written kubeconfig.
@Suite struct TLSTests {
    @Test func httpsWithTokenForTheClientAndKubectl() async throws {
        var logger = Logger(label: "tls")
        logger.logLevel = .critical
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-tls-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = EmbeddedCluster.Options(token: "tls-token", simulateWorkloads: false)
        options.tlsDirectory = dir + "/pki"
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        defer { Task { await cluster.stop() } }
        #expect(cluster.url.hasPrefix("https://127.0.0.1:"))

        let client = try KubeClient(config: cluster.clusterConfig, logger: logger)
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "tls-ns"))
        try await client.shutdown()

        var wrongToken = cluster.clusterConfig
        wrongToken.bearerToken = "nope"
        let refused = try KubeClient(config: wrongToken, logger: logger)
        await #expect(throws: KubeError.self) { try await refused.get(.namespaces, name: "tls-ns") }
        try await refused.shutdown()

        var noCA = cluster.clusterConfig
        noCA.certificateAuthorityPEM = nil
        let untrusting = try KubeClient(config: noCA, logger: logger)
        // async-http-client keeps trying the handshake until its 10 s connect timeout; Capstan does not retry it.
        do { _ = try await untrusting.get(.namespaces, name: "tls-ns"); Issue.record("expected a TLS failure") } catch {
            #expect("\(error)".contains("CERTIFICATE_VERIFY_FAILED"))
        }
        try await untrusting.shutdown()

        let kubeconfig = dir + "/kubeconfig"
        try cluster.writeKubeconfig(to: kubeconfig)
        let get = try await ChildProcess.run(["kubectl", "--kubeconfig", kubeconfig, "get", "namespace", "tls-ns", "-o", "name"])
        #expect(get.status == 0 && get.output.contains("namespace/tls-ns"), "\(get.output)")

        // A restart with the same directory keeps the CA, so the kubeconfig stays valid.
        let again = try SelfSignedCertificates.load(directory: dir + "/pki")
        #expect(again.caPEM == cluster.certificates?.caPEM)
    }
}
