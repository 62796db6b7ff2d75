import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

/// Idle connections cannot pile up: one that sends nothing (no request, or not even a TLS handshake) is
/// closed after the idle timeout, and the server keeps answering others meanwhile.
@Suite struct ConnectionLimitTests {
    @Test(arguments: [false, true]) func idleConnectionsAreClosed(tls: Bool) async throws {
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        var options = EmbeddedCluster.Options(simulateWorkloads: false)
        options.idleTimeout = .milliseconds(500)
        let pki = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-pki-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pki) }
        if tls { options.tlsDirectory = pki }
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        let client = try KubeClient(config: cluster.clusterConfig, logger: logger)
        let idle = try (0..<20).map { _ in try IdleSocket(port: cluster.port) }
        _ = try await client.get(.namespaces, name: "default")
        var open = idle.count
        for _ in 0..<100 where open > 0 {
            try await Task.sleep(for: .milliseconds(100))
            open = idle.filter { !$0.isClosedByPeer }.count
        }
        #expect(open == 0, "\(open) idle connections still open")
        _ = try await client.get(.namespaces, name: "default")
        for socket in idle { socket.close() }
        try await client.shutdown()
        await cluster.stop()
    }
}

extension ConnectionLimitTests {
    /// Two connections, each proven accepted by a first answer, fill a limit of two. A third is not served
    /// while they stay open (no answer in a second: on a slow machine this can only pass wrongly, never fail
    /// wrongly) and is served once one of them closes.
    @Test func connectionsBeyondTheLimitWaitForAFreeOne() async throws {
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        var options = EmbeddedCluster.Options(token: nil, simulateWorkloads: false)
        options.maximumConnections = 2
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        func answered(_ socket: IdleSocket, within seconds: Int) async throws -> Bool {
            for _ in 0..<(seconds * 20) {
                if socket.readAvailable() > 0 { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        let held = try (0..<2).map { _ in try IdleSocket(port: cluster.port) }
        for socket in held {
            socket.sendRequest()
            #expect(try await answered(socket, within: 60))
        }
        let waiting = try IdleSocket(port: cluster.port)
        waiting.sendRequest()
        #expect(try await !answered(waiting, within: 1), "served beyond the limit of 2 connections")
        held[0].close()
        #expect(try await answered(waiting, within: 60), "not served after a connection closed")
        held[1].close()
        waiting.close()
        await cluster.stop()
    }
}
