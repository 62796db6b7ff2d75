import Foundation

/// A failed Git operation. The message never contains credentials: URLs are redacted and any
/// secret the caller supplied is scrubbed before the error is built.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// What Capstan was doing, e.g. "fetch" or "resolve revision".
    public var operation: String
    /// The repository URL, with any user information removed.
    public var repository: String
    /// libgit2's (scrubbed) explanation.
    public var message: String
    /// True when the remote refused the credentials or asked for some.
    public var isAuthenticationFailure: Bool

    public init(
        operation: String, repository: String, message: String, secrets: [String] = [],
        isAuthenticationFailure: Bool = false
    ) {
        self.operation = operation
        self.repository = Redaction.url(repository)
        self.message = Redaction.scrub(message, secrets: secrets)
        self.isAuthenticationFailure = isAuthenticationFailure
    }

    public var description: String { "git \(operation) \(repository): \(message)" }
}

/// Removes credentials from text that may reach logs, events or conditions.
public enum Redaction {
    /// `https://user:token@host/x` becomes `https://host/x`.
    public static func url(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<hostEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// Replaces every occurrence of each secret (and any URL user information) with `***`.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.count >= 3 {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result.split(separator: " ", omittingEmptySubsequences: false)
            .map { $0.contains("://") ? url(String($0)) : String($0) }
            .joined(separator: " ")
    }
}
