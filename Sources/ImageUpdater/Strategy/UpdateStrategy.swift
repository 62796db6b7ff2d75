import Foundation

/// How a new tag is chosen, as Argo CD Image Updater names the strategies (its old names accepted).
public enum UpdateStrategy: String, Sendable, Equatable, CaseIterable {
    /// The highest semantic version the constraint allows (the default).
    case semver
    /// The most recently built image (its config's `created`); old name `latest`.
    case newestBuild = "newest-build"
    /// The current digest of one mutable tag, written as `image@sha256:...`.
    case digest
    /// The lexically greatest tag (calver and other sortable names); old name `name`.
    case alphabetical

    /// Reads an `update-strategy` annotation value; nil for one Argo does not define.
    public init?(annotation value: String) {
        switch value.trimmingCharacters(in: .whitespaces).lowercased() {
        case "semver": self = .semver
        case "newest-build", "latest": self = .newestBuild
        case "digest": self = .digest
        case "alphabetical", "name": self = .alphabetical
        default: return nil
        }
    }
}
