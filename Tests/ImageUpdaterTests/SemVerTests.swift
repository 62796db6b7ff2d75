import ImageUpdater
import Testing

/// Versions and constraints as Masterminds/semver v3 (Argo CD Image Updater's `semver` strategy) reads them.
@Suite struct SemVerTests {
    @Test func tagsParseAsVersionsOrNot() {
        #expect(SemanticVersion("v1.2.3")?.description == "v1.2.3")
        #expect(SemanticVersion("1.2") == SemanticVersion("1.2.0"))
        #expect(SemanticVersion("1.2.3-rc.1+build.5")?.prerelease == ["rc", "1"])
        for tag in ["latest", "main-3f2a", "1.2.3.4", "", "v", "1..2", "1.2.3-", "1.2.x"] {
            #expect(SemanticVersion(tag) == nil, "\(tag)")
        }
    }

    @Test func precedenceIsSemvers() throws {
        let ordered = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
            "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0",
        ].map { SemanticVersion($0)! }
        #expect(ordered == ordered.shuffled().sorted())
        #expect(SemanticVersion("1.0.0+a") == SemanticVersion("1.0.0+b"))
    }

    static let rows: [(String, String, Bool)] = [
        ("1.2.3", "1.2.3", true), ("1.2.3", "1.2.4", false), ("=1.2", "1.2.9", true), ("1.2", "1.3.0", false),
        ("!=1.2.3", "1.2.4", true), ("!=1.2.3", "1.2.3", false),
        (">1.2.3", "1.2.4", true), (">1.2", "1.2.9", false), (">1.2", "1.3.0", true), (">=1.2", "1.2.0", true),
        ("<1.2.3", "1.2.2", true), ("<=1.2", "1.2.9", true), ("=<1.2.3", "1.2.4", false),
        ("~1.2.3", "1.2.9", true), ("~1.2.3", "1.3.0", false), ("~1", "1.9.0", true), ("~>1.2", "1.2.5", true),
        ("^1.2.3", "1.9.9", true), ("^1.2.3", "2.0.0", false), ("^0.2.3", "0.2.9", true), ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.4", false), ("^0", "0.9.0", true), ("^0.0", "0.1.0", false),
        ("1.2.x", "1.2.7", true), ("1.x", "1.9.0", true), ("1.x", "2.0.0", false), ("*", "9.9.9", true),
        ("1.2 - 1.4.5", "1.4.5", true), ("1.2 - 1.4.5", "1.4.6", false), ("1.2 - 1.4", "1.4.9", true),
        (">= 1.2, < 2.0", "1.9.9", true), (">= 1.2 < 2.0", "2.0.0", false),
        ("<1.0 || >=2.0", "0.5.0", true), ("<1.0 || >=2.0", "1.5.0", false), ("v1.2.x", "v1.2.3", true),
        // Prereleases only when the constraint names one.
        ("^1.2.0", "1.3.0-rc.1", false), (">=1.2.0-0", "1.3.0-rc.1", true), ("1.x", "1.5.0-beta", false),
    ]

    @Test func constraintsAllowWhatMastermindsAllows() throws {
        for (text, version, allowed) in Self.rows {
            let constraint = try VersionConstraint(text)
            let parsed = try #require(SemanticVersion(version), "\(version)")
            #expect(constraint.allows(parsed) == allowed, "\(text) on \(version)")
        }
    }

    @Test func badConstraintsAreErrors() {
        for text in ["", ">=", "1.2.3.4", "~banana", "1.2 ||"] {
            #expect(throws: VersionConstraintError.self, "\(text)") { _ = try VersionConstraint(text) }
        }
    }
}
