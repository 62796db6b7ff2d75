import Crypto
import Foundation
import Kube

/// Checks that a push webhook comes from the Git host, with the secrets Argo CD reads from the Secret
/// `argocd-secret`: `webhook.github.secret` (GitHub's `X-Hub-Signature-256`, or the older SHA-1
/// `X-Hub-Signature`), `webhook.gitlab.secret` (GitLab's `X-Gitlab-Token`) and `webhook.gogs.secret` (Gitea's
/// `X-Gitea-Signature` and Gogs' `X-Gogs-Signature`, HMAC-SHA256 of the body).
///
/// With no secret configured (no `argocd-secret`, or none of these keys) every request is accepted, as in
/// Argo CD. Once any is configured, a request must come from a host whose secret is configured and carry a valid
/// signature; the rest are refused. When the Secret cannot be read, requests are refused too (fail closed).
public struct WebhookSignature: Sendable {
    /// The Git host a request claims to come from, by its event header.
    enum Sender: String, CaseIterable {
        case github, gitlab, gogs

        var secretKey: String { "webhook.\(rawValue).secret" }

        static func of(_ headers: [String: String]) -> Sender? {
            if headers["x-github-event"] != nil { return .github }
            if headers["x-gitlab-event"] != nil { return .gitlab }
            if headers["x-gitea-event"] != nil || headers["x-gogs-event"] != nil { return .gogs }
            return nil
        }
    }

    public static let secretName = "argocd-secret"
    let client: KubeClient?
    let namespace: String

    public init(client: KubeClient?, namespace: String) {
        self.client = client
        self.namespace = namespace
    }

    /// nil when the request may be processed; otherwise why it is refused (never containing a secret).
    /// `headers` are keyed by lower-cased name.
    public func rejection(headers: [String: String], body: [UInt8]) async -> String? {
        let secrets: [Sender: String]
        do { secrets = try await load() } catch {
            return "could not read \(Self.secretName) to check the webhook signature: \(error)"
        }
        guard !secrets.isEmpty else { return nil }
        guard let sender = Sender.of(headers) else {
            return "webhook secrets are configured, and the request names no GitHub, GitLab, Gitea or Gogs event"
        }
        guard let secret = secrets[sender] else { return "no \(sender.secretKey) is configured in \(Self.secretName)" }
        return Self.verify(sender, secret: secret, headers: headers, body: body)
            ? nil : "the \(sender.rawValue) webhook signature does not match"
    }

    static func verify(_ sender: Sender, secret: String, headers: [String: String], body: [UInt8]) -> Bool {
        let key = SymmetricKey(data: Data(secret.utf8))
        switch sender {
        case .github:
            if let given = headers["x-hub-signature-256"], given.hasPrefix("sha256=") {
                return constantTimeEqual(
                    hex(HMAC<SHA256>.authenticationCode(for: body, using: key)), String(given.dropFirst(7)))
            }
            if let given = headers["x-hub-signature"], given.hasPrefix("sha1=") {
                return constantTimeEqual(
                    hex(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key)), String(given.dropFirst(5)))
            }
            return false
        case .gitlab:
            return constantTimeEqual(headers["x-gitlab-token"] ?? "", secret)
        case .gogs:
            guard let given = headers["x-gitea-signature"] ?? headers["x-gogs-signature"] else { return false }
            return constantTimeEqual(hex(HMAC<SHA256>.authenticationCode(for: body, using: key)), given.lowercased())
        }
    }

    /// The configured secrets; empty when there is no `argocd-secret`, an error when it cannot be read.
    private func load() async throws -> [Sender: String] {
        guard let client else { return [:] }
        let secret: KubeObject
        do { secret = try await client.get(.secrets, namespace: namespace, name: Self.secretName) } catch {
            if error.isNotFound { return [:] }
            throw error
        }
        var found: [Sender: String] = [:]
        for sender in Sender.allCases {
            let value =
                secret.json[path: ["stringData", sender.secretKey]]?.stringValue
                ?? secret.json[path: ["data", sender.secretKey]]?.stringValue.flatMap { Data(base64Encoded: $0) }.map {
                    String(decoding: $0, as: UTF8.self)
                }
            if let value, !value.isEmpty { found[sender] = value }
        }
        return found
    }

    private static func hex(_ code: some Sequence<UInt8>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
