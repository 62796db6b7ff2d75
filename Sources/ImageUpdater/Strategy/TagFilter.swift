import Foundation

/// Which tags a strategy may consider, from `allow-tags` (`regexp:<expression>`, or `any`) and `ignore-tags`
/// (comma-separated globs with `*` and `?`). Applied to tag names before anything is fetched about them.
public struct TagFilter: Sendable {
    public var allow: String?
    public var ignore: [String]
    let expression: NSRegularExpression?
    let ignorePatterns: [[UInt8]]

    /// Parses the two annotations; a problem names the one that is not valid.
    public init(allow: String?, ignore: String?) throws(ImageSettingProblem) {
        let allow = allow?.trimmingCharacters(in: .whitespaces)
        if let allow, allow != "any", !allow.isEmpty {
            guard allow.hasPrefix("regexp:") else {
                throw ImageSettingProblem(
                    setting: "allow-tags", message: "must be regexp:<expression> or any, not \"\(allow)\"")
            }
            do { expression = try NSRegularExpression(pattern: String(allow.dropFirst("regexp:".count))) } catch {
                throw ImageSettingProblem(
                    setting: "allow-tags", message: "\"\(allow)\" is not a valid regular expression")
            }
        } else {
            expression = nil
        }
        self.allow = allow
        let globs = (ignore ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        self.ignore = globs
        ignorePatterns = globs.map { Array($0.utf8) }
    }

    public func admits(_ tag: String) -> Bool {
        if !ignorePatterns.isEmpty {
            let text = Array(tag.utf8)
            if ignorePatterns.contains(where: { Self.glob($0, matches: text) }) { return false }
        }
        guard let expression else { return true }
        return expression.firstMatch(in: tag, range: NSRange(tag.startIndex..., in: tag)) != nil
    }

    static func glob(_ pattern: String, matches text: String) -> Bool {
        glob(Array(pattern.utf8), matches: Array(text.utf8))
    }

    /// Shell-style glob matching (`*` any run, `?` one character), as Go's `filepath.Match` without classes;
    /// on bytes, since tags are ASCII.
    static func glob(_ p: [UInt8], matches t: [UInt8]) -> Bool {
        var (pi, ti) = (0, 0)
        var star: (p: Int, t: Int)?
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                (pi, ti) = (pi + 1, ti + 1)
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = (pi, ti)
                pi += 1
            } else if let s = star {
                (pi, ti) = (s.p + 1, s.t + 1)
                star = (s.p, s.t + 1)
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
