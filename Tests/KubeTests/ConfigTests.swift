import Foundation
import Kube
import Logging
import Testing

@Suite struct ConfigTests {
    @Test func kubeconfigListMergesFirstWins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "token-from-file\n".write(toFile: dir + "/tok", atomically: true, encoding: .utf8)
        try """
        current-context: one
        clusters: [{name: c1, cluster: {server: "https://a.example:6443", insecure-skip-tls-verify: true}}]
        users: [{name: u1, user: {tokenFile: tok}}]
        contexts: [{name: one, context: {cluster: c1, user: u1, namespace: apps}}]
        """.write(toFile: dir + "/a", atomically: true, encoding: .utf8)
        try """
        current-context: two
        clusters: [{name: c1, cluster: {server: "https://ignored"}}, {name: c2, cluster: {server: "http://b"}}]
        users: [{name: u2, user: {token: abc}}]
        contexts: [{name: two, context: {cluster: c2, user: u2}}]
        """.write(toFile: dir + "/b", atomically: true, encoding: .utf8)
        let config = try KubeConfig.load(environment: ["KUBECONFIG": "\(dir)/a:\(dir)/b"])
        let one = try config.clusterConfig()
        #expect(one.server == "https://a.example:6443")
        #expect(one.insecureSkipTLSVerify)
        #expect(one.namespace == "apps")
        #expect(one.bearerTokenFile == dir + "/tok")
        let two = try config.clusterConfig(context: "two")
        #expect(two.bearerToken == "abc")
        #expect(two.namespace == "default")
        #expect(throws: ConfigError.self) { try config.clusterConfig(context: "missing") }
    }

    @Test func inClusterConfigNeedsTheServiceEnvironment() {
        #expect(throws: ConfigError.self) { try ClusterConfig.inCluster(environment: [:]) }
    }
}

/// A token file that cannot be read is an error naming it, not a request sent without credentials (which
/// a server would answer with a bare 401).
@Suite struct TokenFileTests {
    @Test func anUnreadableTokenFileIsNamed() async throws {
        let config = ClusterConfig(server: "http://127.0.0.1:1", bearerTokenFile: "/nonexistent/capstan-token")
        let client = try KubeClient(config: config, logger: Logger(label: "test"), maximumAttempts: 1)
        do {
            _ = try await client.get(.namespaces, name: "default")
            Issue.record("a request went out without its token")
        } catch {
            #expect(error.message.contains("cannot read the bearer token file /nonexistent/capstan-token"))
        }
        try await client.shutdown()
    }
}

@Suite struct GoDurationTests {
    @Test func goAndArgoDurationsParse() {
        #expect(GoDuration.parse("30s") == .seconds(30))
        #expect(GoDuration.parse("5m") == .seconds(300))
        #expect(GoDuration.parse("1h30m") == .seconds(5400))
        #expect(GoDuration.parse("1.5h") == .seconds(5400))
        #expect(GoDuration.parse("250ms") == .milliseconds(250))
        #expect(GoDuration.parse("90") == .seconds(90))
        #expect(GoDuration.parse(" 2m ") == .seconds(120))
        #expect(GoDuration.parse("10\u{B5}s") == .microseconds(10))
        #expect(GoDuration.parse("10\u{3BC}s") == .microseconds(10))
        #expect(GoDuration.parse("1m0.5s") == .milliseconds(60_500))
        for bad in ["", " ", "-1", "5x", "m", "1h-5m", "\u{0661}s", "1.2.3s"] {
            #expect(GoDuration.parse(bad) == nil, "\(bad)")
        }
    }
}
