import Foundation
import Registry

/// One image an Application's annotations ask to keep current, with its settings: the entry of `image-list`
/// (`[alias=]image[:constraint]`) and the `<alias>.*` annotations, each falling back to the application-wide
/// annotation of the same name.
public struct ImageUpdateSpec: Sendable {
    public var alias: String?
    /// The image, without tag.
    public var image: RegistryImage
    /// What follows the image's last colon: a semver constraint, or the tag `digest` follows.
    public var constraint: String?
    /// The constraint, parsed, for `semver` (nil: any version).
    public var versionConstraint: VersionConstraint?
    public var strategy: UpdateStrategy
    public var filter: TagFilter
    /// `os/arch[/variant]` the chosen image must exist for (none: any).
    public var platforms: [String]
    public var pullSecret: PullSecretReference?
    public var forceUpdate: Bool
    /// Helm parameter names for the image (`<alias>.helm.image-name`, `image-tag`, `image-spec`).
    public var helmImageName: String?
    public var helmImageTag: String?
    public var helmImageSpec: String?
    /// The image name a kustomization's `images:` uses, when it differs (`<alias>.kustomize.image-name`).
    public var kustomizeImageName: String?
}

/// Where registry credentials come from (`<alias>.pull-secret`).
public enum PullSecretReference: Sendable, Equatable {
    /// `pullsecret:ns/name`: a `kubernetes.io/dockerconfigjson` Secret.
    case pullSecret(namespace: String, name: String)
    /// `secret:ns/name#field`: a field holding `username:password`.
    case secret(namespace: String, name: String, field: String)
    /// `env:VARIABLE`: an environment variable of the controller holding `username:password`.
    case environment(String)

    init(_ text: String) throws(ImageSettingProblem) {
        let problem = ImageSettingProblem(
            setting: "pull-secret",
            message: "must be pullsecret:<namespace>/<name>, secret:<namespace>/<name>#<field> or env:<variable>, "
                + "not \"\(text)\"")
        if text.hasPrefix("env:"), text.count > 4 {
            self = .environment(String(text.dropFirst(4)))
            return
        }
        let kind = text.prefix { $0 != ":" }
        var rest = text.dropFirst(kind.count + 1)
        var field: String?
        if let hash = rest.firstIndex(of: "#") {
            field = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw problem }
        switch (kind, field) {
        case ("pullsecret", nil): self = .pullSecret(namespace: parts[0], name: parts[1])
        case ("secret", let field?) where !field.isEmpty:
            self = .secret(namespace: parts[0], name: parts[1], field: field)
        default: throw problem
        }
    }
}
