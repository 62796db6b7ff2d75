/// How Capstan authenticates to a remote: Argo CD's repository Secret fields map onto these cases.
public enum GitCredentials: Sendable, Equatable {
    case none
    /// HTTPS basic auth; a token goes in `password` (any non-empty username works for most hosts).
    case basic(username: String, password: String)
    /// An SSH private key in PEM/OpenSSH form, held in memory, and the host keys the server may present.
    case sshKey(username: String, privateKey: String, passphrase: String?, hostKeys: SSHHostKeys)

    /// The strings that must never appear in output.
    var secrets: [String] {
        switch self {
        case .none: []
        case .basic(_, let password): [password]
        case .sshKey(_, let key, let passphrase, _): [key] + (passphrase.map { [$0] } ?? [])
        }
    }
}
