import Foundation

/// The one place repository URLs are compared. `https://github.com/org/repo`, `.../repo.git`, `.../repo/`,
/// `https://user:token@github.com/org/Repo` name one repository: they share one mirror and match one
/// repository credential, as in Argo CD.
public enum RepositoryURL {
    /// The identity of a repository: lowercased, without user information, a `.git` suffix or trailing
    /// slashes; scp-like `git@host:path` is written `ssh://host/path`.
    public static func normalized(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.contains("://"), let at = text.firstIndex(of: "@"), let colon = text[at...].firstIndex(of: ":") {
            text = "ssh://" + text[..<colon] + "/" + text[text.index(after: colon)...]
        }
        text = Redaction.url(text).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// A credential prefix (`repo-creds`) in the same form, keeping a trailing slash so that the prefix
    /// `https://host/org/` does not match `https://host/organisation`.
    public static func normalizedPrefix(_ prefix: String) -> String {
        Redaction.url(prefix.trimmingCharacters(in: .whitespacesAndNewlines)).lowercased()
    }

    /// True when both name the same repository, whatever the transport: a push webhook names the HTTPS
    /// URL of a repository an Application may fetch over SSH.
    public static func sameRepository(_ a: String, _ b: String) -> Bool {
        withoutScheme(normalized(a)) == withoutScheme(normalized(b))
    }

    static func withoutScheme(_ url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        return String(url[range.upperBound...])
    }
}
