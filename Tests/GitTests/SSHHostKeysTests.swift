import Foundation
import Testing

@testable import Git

/// Known-hosts matching: OpenSSH pattern lists, ports, markers. `blob` is GitHub's published ed25519 host key.
struct SSHHostKeysTests {
    static let blob = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    static let otherBlob = "AAAAC3NzaC1lZDI1NTE5AAAAIBv3zJ9l8bS3sQ0mX6dYkqjzB9mR6x4k5mGzZ2cQ7pQn"
    var key: [UInt8] { [UInt8](Data(base64Encoded: Self.blob)!) }

    @Test func plainWildcardAndPortPatterns() {
        let keys = SSHHostKeys.knownHosts(
            """
            # comment
            github.com,140.82.112.3 ssh-ed25519 \(Self.blob)
            *.example.org ssh-ed25519 \(Self.blob)
            [git.internal]:2222 ssh-ed25519 \(Self.blob)
            |1|c2FsdA==|aGFzaA== ssh-ed25519 \(Self.blob)
            @cert-authority *.corp ssh-ed25519 \(Self.blob)
            """)
        #expect(keys.verify(host: "github.com", port: 22, key: key) == .trusted)
        #expect(keys.verify(host: "GitHub.com", port: 22, key: key) == .trusted)
        #expect(keys.verify(host: "git.example.org", port: 22, key: key) == .trusted)
        #expect(keys.verify(host: "git.internal", port: 2222, key: key) == .trusted)
        // The port is part of the name: the same host on 22 is not listed.
        #expect(keys.verify(host: "git.internal", port: 22, key: key) != .trusted)
        // A hashed name matches only the name it hashes; CA lines are skipped.
        #expect(keys.verify(host: "host.corp", port: 22, key: key) != .trusted)
        #expect(SSHHostKeys.keyType(key) == "ssh-ed25519")
    }

    @Test func negationRevocationAndMismatch() {
        let keys = SSHHostKeys.knownHosts(
            """
            *.example.org,!bad.example.org ssh-ed25519 \(Self.blob)
            @revoked old.example.org ssh-ed25519 \(Self.blob)
            """)
        #expect(keys.verify(host: "bad.example.org", port: 22, key: key) != .trusted)
        guard case .refused(let revoked) = keys.verify(host: "old.example.org", port: 22, key: key) else {
            Issue.record("a revoked key must be refused")
            return
        }
        #expect(revoked.contains("@revoked"))
        let other = [UInt8](Data(base64Encoded: Self.otherBlob)!)
        guard case .refused(let mismatch) = keys.verify(host: "git.example.org", port: 22, key: other) else {
            Issue.record("a different key must be refused")
            return
        }
        #expect(mismatch.contains("differs"))
        #expect(SSHHostKeys.acceptAny.verify(host: "anything", port: 22, key: other) == .trusted)
    }
}
