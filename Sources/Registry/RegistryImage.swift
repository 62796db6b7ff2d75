/// An image in a registry, parsed from a reference `[registry/]repository[:tag][@digest]` and normalized as
/// Docker and Argo CD Image Updater read it: no registry means Docker Hub (`registry-1.docker.io`), and a Docker Hub repository without
/// a slash is under `library/` (`nginx` → `registry-1.docker.io/library/nginx`).
public struct RegistryImage: Sendable, Hashable, CustomStringConvertible {
    public static let dockerHub = "registry-1.docker.io"

    /// `host[:port]` of the registry.
    public var registry: String
    /// The repository path inside the registry (`library/nginx`, `my-org/my-api`).
    public var repository: String
    public var tag: String?
    /// `sha256:...`.
    public var digest: String?

    public init(registry: String, repository: String, tag: String? = nil, digest: String? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses `text`; nil when it is not an image reference (empty parts, spaces, upper case in the path).
    public init?(_ text: String) {
        var rest = Substring(text)
        guard !rest.isEmpty, !rest.contains(where: \.isWhitespace) else { return nil }
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let digest, digest.contains(":") else { return nil }
        }
        // A tag follows the last colon that comes after the last slash (a colon before it is a port).
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let tag, !tag.isEmpty else { return nil }
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        // The first part names a registry when it looks like a host: a dot, a port, or `localhost`.
        if parts.count > 1, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            registry = parts.removeFirst()
        } else {
            registry = Self.dockerHub
        }
        if registry == "docker.io" || registry == "index.docker.io" { registry = Self.dockerHub }
        if registry == Self.dockerHub && parts.count == 1 { parts.insert("library", at: 0) }
        repository = parts.joined(separator: "/")
        guard repository == repository.lowercased() else { return nil }
    }

    /// The image without tag or digest, as written in manifests (`nginx` for Docker Hub's library images).
    public var name: String {
        guard registry == Self.dockerHub else { return "\(registry)/\(repository)" }
        return repository.hasPrefix("library/") ? String(repository.dropFirst("library/".count)) : repository
    }

    public var description: String {
        name + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }
}
