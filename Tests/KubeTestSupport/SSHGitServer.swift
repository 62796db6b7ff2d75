import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH server (Debian's `openssh-server`) on 127.0.0.1 serving Git repositories under a
/// directory to one client key, for testing Capstan's SSH transport. It runs as the current user with its own
/// host key, so `git-upload-pack` runs as that user too.
public final class SSHGitServer: @unchecked Sendable {
    public let port: Int
    public let user: String
    /// The client's private key (OpenSSH format), as a repository Secret's `sshPrivateKey` holds it.
    public let clientKey: String
    /// A `known_hosts` line for this server, as `argocd-ssh-known-hosts-cm` would list it.
    public let knownHostsLine: String
    private let directory: String
    private let sshd: SpawnedProcess

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    public init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("capstan-sshd-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["host", "client"] {
            _ = try GitFixture.run([
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "capstan-test", "-f", "\(directory)/\(name)",
            ])
        }
        try FileManager.default.copyItem(atPath: "\(directory)/client.pub", toPath: "\(directory)/authorized_keys")
        clientKey = try String(contentsOfFile: "\(directory)/client", encoding: .utf8)
        user = String(cString: getpwuid(getuid()).pointee.pw_name)
        port = try Self.freePort()
        let hostKey = try String(contentsOfFile: "\(directory)/host.pub", encoding: .utf8).split(separator: " ")
        knownHostsLine = "[127.0.0.1]:\(port) \(hostKey[0]) \(hostKey[1])"
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory)/host
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            LogLevel ERROR
            """
        try config.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)
        // As root, sshd's privilege separation needs this directory (the Debian service creates it at boot).
        if getuid() == 0 {
            try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        sshd = try SpawnedProcess(["/usr/sbin/sshd", "-D", "-f", "\(directory)/sshd_config"])
        try waitUntilListening()
    }

    /// The `ssh://` URL of a repository at `path` on this machine.
    public func url(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(path)" }

    public func stop() {
        sshd.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitUntilListening() throws {
        for _ in 0..<250 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = Self.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 { return }
            guard sshd.isRunning else { break }
            usleep(20_000)
        }
        throw NSError(
            domain: "SSHGitServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "sshd did not start on port \(port)"]
        )
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A port the kernel just handed out and released, so sshd can bind it.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw NSError(domain: "SSHGitServer", code: 2) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
