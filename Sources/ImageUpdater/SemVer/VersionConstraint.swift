import Foundation

/// A version constraint as Masterminds/semver v3 (and so Argo CD Image Updater) reads it: `||` between
/// alternatives, `,` or space between conditions that must all hold; operators `=`, `!=`, `>`, `>=`, `<`,
/// `<=`/`=<`, `~`/`~>` (patch updates), `^` (updates that keep the left-most non-zero part), wildcards
/// `x`/`X`/`*` and missing parts (`1.2` is `1.2.x`), hyphen ranges (`1.2 - 1.4.5`), and a `v` prefix. A version
/// with a prerelease is allowed only by conditions that name a prerelease themselves.
public struct VersionConstraint: Sendable, CustomStringConvertible {
    /// One condition: the versions between `lower` and `upper` (either open), or outside them when `negated`.
    struct Condition: Sendable {
        var lower: (version: SemanticVersion, inclusive: Bool)?
        var upper: (version: SemanticVersion, inclusive: Bool)?
        var negated = false
        var namesPrerelease: Bool

        func allows(_ v: SemanticVersion) -> Bool {
            if v.isPrerelease && !namesPrerelease { return false }
            var inside = true
            if let lower { inside = inside && (lower.inclusive ? v >= lower.version : v > lower.version) }
            if let upper { inside = inside && (upper.inclusive ? v <= upper.version : v < upper.version) }
            return negated ? !inside : inside
        }
    }

    let alternatives: [[Condition]]
    public let description: String

    public init(_ text: String) throws(VersionConstraintError) {
        description = text
        var alternatives: [[Condition]] = []
        for group in text.components(separatedBy: "||") {
            alternatives.append(try Self.group(group.trimmingCharacters(in: .whitespaces), whole: text))
        }
        self.alternatives = alternatives
    }

    /// True when `version` meets every condition of at least one alternative.
    public func allows(_ version: SemanticVersion) -> Bool {
        alternatives.contains { $0.allSatisfy { $0.allows(version) } }
    }

    static let operators = ["!=", ">=", "<=", "=<", "~>", "=", ">", "<", "~", "^"]

    static func group(_ text: String, whole: String) throws(VersionConstraintError) -> [Condition] {
        guard !text.isEmpty else { throw VersionConstraintError(constraint: whole, problem: "an empty alternative") }
        var conditions: [Condition] = []
        // Hyphen ranges first: `1.2 - 1.4.5`.
        let parts = text.components(separatedBy: " - ")
        if parts.count == 2 {
            let lower = try PartialVersion(parts[0].trimmingCharacters(in: .whitespaces), whole: whole)
            let upper = try PartialVersion(parts[1].trimmingCharacters(in: .whitespaces), whole: whole)
            let prerelease = lower.prerelease.isEmpty == false || upper.prerelease.isEmpty == false
            return [
                Condition(lower: (lower.floor, true), upper: upper.ceiling, namesPrerelease: prerelease)
            ]
        }
        var tokens: [String] = []
        for raw in text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) {
            if let last = tokens.last, operators.contains(last) {
                tokens[tokens.count - 1] = last + raw
            } else {
                tokens.append(raw)
            }
        }
        for token in tokens { conditions.append(try condition(token, whole: whole)) }
        return conditions
    }

    static func condition(_ token: String, whole: String) throws(VersionConstraintError) -> Condition {
        let op = operators.first { token.hasPrefix($0) } ?? ""
        let version = try PartialVersion(
            String(token.dropFirst(op.count)).trimmingCharacters(in: .whitespaces), whole: whole)
        let pre = !version.prerelease.isEmpty
        switch op {
        case "", "=":
            return version.isExact
                ? exact(version) : Condition(lower: (version.floor, true), upper: version.ceiling, namesPrerelease: pre)
        case "!=":
            var range =
                version.isExact
                ? exact(version) : Condition(lower: (version.floor, true), upper: version.ceiling, namesPrerelease: pre)
            range.negated = true
            return range
        case ">":
            if version.isExact { return Condition(lower: (version.floor, false), namesPrerelease: pre) }
            return Condition(lower: version.ceiling.map { ($0.version, true) }, namesPrerelease: pre)
        case ">=": return Condition(lower: (version.floor, true), namesPrerelease: pre)
        case "<": return Condition(upper: (version.floor, false), namesPrerelease: pre)
        case "<=", "=<":
            if version.isExact { return Condition(upper: (version.floor, true), namesPrerelease: pre) }
            return Condition(upper: version.ceiling, namesPrerelease: pre)
        case "~", "~>":
            let upper =
                version.given >= 2
                ? SemanticVersion(major: version.major, minor: version.minor + 1, patch: 0)
                : SemanticVersion(major: version.major + 1, minor: 0, patch: 0)
            return Condition(lower: (version.floor, true), upper: (upper, false), namesPrerelease: pre)
        default:  // "^"
            let upper: SemanticVersion
            if version.major > 0 || version.given == 1 {
                upper = SemanticVersion(major: version.major + 1, minor: 0, patch: 0)
            } else if version.minor > 0 || version.given == 2 {
                upper = SemanticVersion(major: 0, minor: version.minor + 1, patch: 0)
            } else {
                upper = SemanticVersion(major: 0, minor: 0, patch: version.patch + 1)
            }
            return Condition(lower: (version.floor, true), upper: (upper, false), namesPrerelease: pre)
        }
    }

    static func exact(_ version: PartialVersion) -> Condition {
        Condition(
            lower: (version.floor, true), upper: (version.floor, true), namesPrerelease: !version.prerelease.isEmpty)
    }
}

/// A constraint that cannot be read, with the part that was not understood.
public struct VersionConstraintError: Error, Sendable, Equatable, CustomStringConvertible {
    public var constraint: String
    public var problem: String
    public var description: String { "constraint \"\(constraint)\" is not valid: \(problem)" }
}

/// A version in a constraint, whose parts may be missing or wildcards (`1.2`, `1.x`, `*`).
struct PartialVersion {
    var major = 0
    var minor = 0
    var patch = 0
    /// How many leading parts are given (0 for `*`).
    var given = 0
    var prerelease: [String] = []

    init(_ text: String, whole: String) throws(VersionConstraintError) {
        var rest = Substring(text)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        if let plus = rest.firstIndex(of: "+") { rest = rest[..<plus] }
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...].split(separator: ".").map(String.init)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard !rest.isEmpty, parts.count <= 3 else {
            throw VersionConstraintError(constraint: whole, problem: "\"\(text)\" is not a version")
        }
        var values: [Int] = []
        for part in parts {
            if ["x", "X", "*"].contains(part) { break }
            guard let value = Int(part), value >= 0 else {
                throw VersionConstraintError(constraint: whole, problem: "\"\(text)\" is not a version")
            }
            values.append(value)
        }
        given = values.count
        major = values.count > 0 ? values[0] : 0
        minor = values.count > 1 ? values[1] : 0
        patch = values.count > 2 ? values[2] : 0
    }

    var isExact: Bool { given == 3 }
    var floor: SemanticVersion { SemanticVersion(major: major, minor: minor, patch: patch, prerelease: prerelease) }

    /// The first version past the wildcard (`1.2.x` → `< 1.3.0`), nil for `*`; a full version is its own
    /// inclusive ceiling.
    var ceiling: (version: SemanticVersion, inclusive: Bool)? {
        switch given {
        case 0: return nil
        case 1: return (SemanticVersion(major: major + 1, minor: 0, patch: 0), false)
        case 2: return (SemanticVersion(major: major, minor: minor + 1, patch: 0), false)
        default: return (floor, true)
        }
    }
}
