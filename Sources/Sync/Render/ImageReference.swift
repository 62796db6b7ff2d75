/// A container image reference split into name, tag and digest (`registry:5000/team/app:1.2@sha256:...`).
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var tag: String?
    public var digest: String?

    public init(_ text: String) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[lastSlash...].lastIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        name = String(rest)
    }

    public var description: String {
        name + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }
}

/// A kustomize `images` entry (or Argo CD's `name=newName:tag` override string).
public struct ImageOverride: Sendable, Equatable {
    public var name: String
    public var newName: String?
    public var newTag: String?
    public var digest: String?

    public init(name: String, newName: String? = nil, newTag: String? = nil, digest: String? = nil) {
        self.name = name
        self.newName = newName
        self.newTag = newTag
        self.digest = digest
    }

    /// Parses Argo CD's override forms: `nginx:1.25`, `nginx=registry/nginx:1.25`, `nginx@sha256:...`.
    public init(argoString text: String) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let target = ImageReference(parts.count == 2 ? parts[1] : parts[0])
        name = parts.count == 2 ? parts[0] : target.name
        newName = target.name == name ? nil : target.name
        newTag = target.tag
        digest = target.digest
    }

    func apply(to reference: ImageReference) -> String {
        var result = reference
        if let newName { result.name = newName }
        if let digest {
            result.digest = digest
            result.tag = nil
        } else if let newTag {
            result.tag = newTag
            result.digest = nil
        }
        return result.description
    }
}
