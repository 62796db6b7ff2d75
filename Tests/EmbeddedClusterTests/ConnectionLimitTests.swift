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

/// A raw TCP connection to 127.0.0.1: idle unless told to send a request.
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

    /// Sends one keep-alive `GET /version` request.
    func sendRequest() {
        let request = Array("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Bytes of a response waiting to be read now (0 when none has arrived), without blocking.
    func readAvailable() -> Int {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return max(n, 0)
    }

    func close() { _ = Glibc.close(fd) }
}
