import Crypto
import Foundation

/// Which host keys an SSH remote may present, as Argo CD decides it: the entries of the known-hosts list
/// (`argocd-ssh-known-hosts-cm`, OpenSSH `known_hosts` format), or any key when the repository Secret says
/// `insecure: "true"`.
///
/// Supported in the list: plain host patterns with `*` and `?`, `[host]:port` for ports other than 22,
/// negated patterns (`!host`), hashed host names (`|1|salt|hash`, as `ssh-keyscan -H` writes them) and
/// `@revoked` lines. `@cert-authority` lines are skipped, so a server listed only that way is refused.
public enum SSHHostKeys: Sendable, Equatable {
    case acceptAny
    case knownHosts(String)

    /// One usable line of a known-hosts list.
    struct Entry: Equatable {
        var patterns: [String]
        var keyType: String
        var key: [UInt8]
        var revoked: Bool
    }

    /// The result of checking a presented key.
    enum Verdict: Equatable {
        case trusted
        case refused(String)
    }

    static func entries(_ text: String) -> [Entry] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { return nil }
            var revoked = false
            if first.hasPrefix("@") {
                guard first == "@revoked" else { return nil }
                revoked = true
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { return nil }
            return Entry(
                patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1], key: [UInt8](key),
                revoked: revoked)
        }
    }

    /// Decides whether `host` (on `port`) may present `key` (the raw SSH public key blob).
    func verify(host: String, port: Int, key: [UInt8]) -> Verdict {
        guard case .knownHosts(let text) = self else { return .trusted }
        let name = port == 22 ? host : "[\(host)]:\(port)"
        let matching = Self.entries(text).filter { Self.matches(name, $0.patterns) }
        if matching.contains(where: { $0.revoked && $0.key == key }) {
            return .refused("the host key of \(name) is marked @revoked in the known hosts")
        }
        if matching.contains(where: { !$0.revoked && $0.key == key }) { return .trusted }
        let type = Self.keyType(key) ?? "unknown"
        if matching.isEmpty {
            return .refused(
                "host key verification failed: \(name) (\(type) key) is not in the known hosts "
                    + "(argocd-ssh-known-hosts-cm); add it there or set insecure: \"true\" on the repository Secret")
        }
        return .refused(
            "host key verification failed: \(name) presented a \(type) key that differs from its known-hosts entry")
    }

    /// OpenSSH pattern-list semantics: a negated match wins over any positive one. A hashed entry
    /// (`|1|base64 salt|base64 HMAC-SHA1 of the name`) matches exactly one name.
    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        if let hashed = patterns.first, hashed.hasPrefix("|1|") { return hashedMatch(hashed, name) }
        var matched = false
        for pattern in patterns {
            let negated = pattern.hasPrefix("!")
            let glob = negated ? String(pattern.dropFirst()) : pattern
            guard wildcardMatch(Array(glob.lowercased().utf8), Array(name.lowercased().utf8)) else { continue }
            if negated { return false }
            matched = true
        }
        return matched
    }

    static func hashedMatch(_ entry: String, _ name: String) -> Bool {
        let parts = entry.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
            let hash = Data(base64Encoded: String(parts[3]))
        else {
            return false
        }
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(name.lowercased().utf8), using: SymmetricKey(data: salt))
        return Data(code) == hash
    }

    /// `*` and `?` wildcards only: brackets are literal in known-hosts patterns (`[host]:port`).
    static func wildcardMatch(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var (p, t) = (0, 0)
        var backtrack: (p: Int, t: Int)?
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                backtrack = (p, t)
                p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star = backtrack {
                backtrack = (star.p, star.t + 1)
                (p, t) = (star.p + 1, star.t + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// The key type named inside an SSH public key blob (a length-prefixed string).
    static func keyType(_ blob: [UInt8]) -> String? {
        guard blob.count >= 4 else { return nil }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, blob.count >= 4 + length else { return nil }
        return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
    }
}
