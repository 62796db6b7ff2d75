import Foundation

/// Ports on 127.0.0.1 for servers started as separate programs (by the tests and the benchmarks).
public enum LoopbackPort {
    /// A port the kernel just handed out and released, so a server started next can bind it.
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw NSError(domain: "LoopbackPort", code: 2) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits (up to 5 s) until something accepts connections on `port`; stops early once `running` is false.
    public static func waitUntilListening(_ port: Int, server: String, running: () -> Bool) throws {
        for _ in 0..<250 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 { return }
            guard running() else { break }
            usleep(20_000)
        }
        throw NSError(
            domain: "LoopbackPort", code: 1,
            userInfo: [NSLocalizedDescriptionKey: "\(server) did not start on port \(port)"])
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
