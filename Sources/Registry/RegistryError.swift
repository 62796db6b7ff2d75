/// Why a registry request failed, with what a user needs to act on it. Every failure is one of these: a
/// registry that is down, slow, refuses us or answers garbage never crashes the caller.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Credentials missing or refused (after one refresh).
        case unauthorized
        case notFound
        /// 429; `retryAfter` seconds when the registry said.
        case rateLimited(retryAfter: Int?)
        /// A 5xx or another unexpected status.
        case server(status: Int)
        /// An answer that is not what the API defines (bad JSON, a manifest of an unknown type).
        case malformed
        /// No answer: connection refused, timeout, TLS failure.
        case transport
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
