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

/// A TCP connection to 127.0.0.1 that never sends anything.
final class IdleSocket: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    /// True once the server has closed its end (a non-blocking read sees end of file or a reset).
    var isClosedByPeer: Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    func close() { _ = Glibc.close(fd) }
}
