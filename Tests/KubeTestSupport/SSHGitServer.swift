import Foundation
import Kube

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
        port = try LoopbackPort.free()
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
        try LoopbackPort.waitUntilListening(port, server: "sshd") { sshd.isRunning }
    }
}
