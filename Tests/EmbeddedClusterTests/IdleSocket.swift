import Foundation

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

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
    }

    /// The status codes of the next `count` answers (each with a Content-Length body), in the order they
    /// arrive; fails when they have not all arrived within `limit`.
    func readStatuses(count: Int, within limit: Duration) async throws -> [Int] {
        var received: [UInt8] = []
        var statuses: [Int] = []
        let deadline = ContinuousClock.now + limit
        while statuses.count < count {
            guard ContinuousClock.now < deadline else { throw POSIXError(.ETIMEDOUT) }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 { received += buffer[..<n] } else { try await Task.sleep(for: .milliseconds(10)) }
            while let (status, length) = Self.parse(received), received.count >= length {
                statuses.append(status)
                received.removeFirst(length)
            }
        }
        return statuses
    }

    /// The status and whole length of the answer at the start of `bytes`, once its head has arrived.
    static func parse(_ bytes: [UInt8]) -> (status: Int, length: Int)? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound].split(separator: "\r\n")
        guard let line = head.first, let status = Int(line.split(separator: " ")[1]) else { return nil }
        let body =
            head.first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        return (status, text[..<end.upperBound].utf8.count + body)
    }

    func close() { _ = Glibc.close(fd) }
}
