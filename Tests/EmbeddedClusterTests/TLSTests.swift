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
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-tls-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = EmbeddedCluster.Options(token: "tls-token", simulateWorkloads: false)
        options.tlsDirectory = dir + "/pki"
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        try await withAwaitedTeardown(cluster, teardown: { cluster in await cluster.stop() }) { cluster in
            #expect(cluster.url.hasPrefix("https://127.0.0.1:"))

            let client = try KubeClient(config: cluster.clusterConfig, logger: logger)
            _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "tls-ns"))
            // The namespace's kube-root-ca.crt publishes the CA the client verified the server with.
            let published = try await client.get(.configMaps, namespace: "tls-ns", name: "kube-root-ca.crt")
            #expect(
                published.json[path: ["data", "ca.crt"]]?.stringValue
                    == cluster.clusterConfig.certificateAuthorityPEM.map { String(decoding: $0, as: UTF8.self) })
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
            do {
                _ = try await untrusting.get(.namespaces, name: "tls-ns"); Issue.record("expected a TLS failure")
            } catch {
                #expect("\(error)".contains("CERTIFICATE_VERIFY_FAILED"))
            }
            try await untrusting.shutdown()

            let kubeconfig = dir + "/kubeconfig"
            try cluster.writeKubeconfig(to: kubeconfig)
            let get = try await ChildProcess.run([
                "kubectl", "--kubeconfig", kubeconfig, "get", "namespace", "tls-ns", "-o", "name",
            ])
            #expect(get.status == 0 && get.output.contains("namespace/tls-ns"), "\(get.output)")

            // A restart with the same directory keeps the CA, so the kubeconfig stays valid.
            let again = try SelfSignedCertificates.load(directory: dir + "/pki")
            #expect(again.caPEM == cluster.certificates?.caPEM)
        }
    }
}

/// Client certificates: with `requireClientCertificates`, the kubeconfig carries a client certificate and key
/// signed by the cluster's CA; the Kube client (reading that kubeconfig) and kubectl authenticate with it.
@Suite struct ClientCertificateTests {
    @Test func kubeconfigClientCertificatesAuthenticate() async throws {
        var logger = Logger(label: "mtls")
        logger.logLevel = .critical
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-mtls-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = EmbeddedCluster.Options(token: "unused", simulateWorkloads: false)
        options.tlsDirectory = dir + "/pki"
        options.requireClientCertificates = true
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        try await withAwaitedTeardown(cluster, teardown: { cluster in await cluster.stop() }) { cluster in
            let kubeconfig = dir + "/kubeconfig"
            try cluster.writeKubeconfig(to: kubeconfig)
            let text = try String(contentsOfFile: kubeconfig, encoding: .utf8)
            #expect(text.contains("client-certificate-data") && !text.contains("token:"))

            let config = try KubeConfig.load(environment: ["KUBECONFIG": kubeconfig]).clusterConfig()
            #expect(config.clientCertificatePEM != nil && config.bearerToken == nil)
            let client = try KubeClient(config: config, logger: logger)
            _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "by-cert"))
            try await client.shutdown()

            let get = try await ChildProcess.run([
                "kubectl", "--kubeconfig", kubeconfig, "get", "namespace", "by-cert", "-o", "name",
            ])
            #expect(get.status == 0 && get.output.contains("namespace/by-cert"), "\(get.output)")

            // Without a client certificate the TLS handshake is refused (curl trusts the CA but presents none).
            let refused = try await ChildProcess.run([
                "curl", "-sS", "--max-time", "60", "--cacert", dir + "/pki/ca.crt", cluster.url + "/version",
            ])
            #expect(refused.status != 0 && !refused.output.contains("gitVersion"), "\(refused.output)")
            let withCert = try await ChildProcess.run([
                "curl", "-sS", "--max-time", "60", "--cacert", dir + "/pki/ca.crt",
                "--cert", dir + "/pki/client.crt", "--key", dir + "/pki/client.key", cluster.url + "/version",
            ])
            #expect(withCert.status == 0 && withCert.output.contains("gitVersion"), "\(withCert.output)")
        }
    }
}
