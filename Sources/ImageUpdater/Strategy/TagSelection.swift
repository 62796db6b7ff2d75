import Foundation

/// Picks the tag to update to, among tags already filtered. Every choice is deterministic: ties go to the
/// lexically greatest tag name, so two runs over the same registry never disagree.
public enum TagSelection {
    /// The highest semantic version `constraint` allows (any, without one); tags that are not semantic
    /// versions are ignored. Pre-releases count only when the constraint asks for them.
    public static func semver(_ tags: [String], constraint: VersionConstraint?) -> String? {
        let versions = tags.compactMap { tag in SemanticVersion(tag).map { (tag, $0) } }
            .filter { _, version in constraint?.allows(version) ?? !version.isPrerelease }
        return versions.max { a, b in a.1 != b.1 ? a.1 < b.1 : a.0 < b.0 }?.0
    }

    /// The lexically greatest tag.
    public static func alphabetical(_ tags: [String]) -> String? { tags.max() }

    /// The tag of the most recently built image; tags whose build time is unknown come last.
    public static func newestBuild(_ built: [String: Date?]) -> String? {
        built.max { a, b in
            let (da, db) = (a.value ?? .distantPast, b.value ?? .distantPast)
            return da != db ? da < db : a.key < b.key
        }?.key
    }
}
