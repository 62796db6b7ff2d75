import CLibGit2
import Foundation

/// Process-wide libgit2 set-up and the conversion of its return codes into `GitError`.
enum LibGit2 {
    private static let initialized: Bool = {
        git_libgit2_init()
        // libgit2 keeps up to 256 MiB of parsed objects by default; a controller reads each blob once per
        // commit and caches what it rendered, so a small object cache is enough.
        _ = capstan_git_set_cache_max_size(16 * 1024 * 1024)
        return true
    }()

    static func ensureInitialized() { _ = initialized }

    /// libgit2's last error message on this thread.
    static func lastErrorMessage() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }

    /// Throws a `GitError` for a negative return code.
    static func check(_ code: Int32, _ operation: String, repository: String, secrets: [String] = []) throws(GitError) {
        guard code < 0 else { return }
        let auth = code == GIT_EAUTH.rawValue || lastErrorMessage().localizedCaseInsensitiveContains("authentication")
        throw GitError(
            operation: operation, repository: repository, message: lastErrorMessage(), secrets: secrets,
            isAuthenticationFailure: auth)
    }
}

/// A 40-hex-digit commit (or other object) id.
public struct CommitID: Hashable, Sendable, CustomStringConvertible {
    public let hex: String

    init(_ oid: git_oid) {
        var copy = oid
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_fmt(&buffer, &copy)
        buffer[40] = 0
        hex = String(cString: buffer)
    }

    /// Parses a full 40-digit hex id.
    public init?(hex: String) {
        guard hex.count == 40, hex.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    var oid: git_oid {
        var oid = git_oid()
        _ = git_oid_fromstr(&oid, hex)
        return oid
    }

    public var description: String { hex }
    /// The first seven digits, as `git log --oneline` shows.
    public var short: String { String(hex.prefix(7)) }
}
