/// A version as Masterminds/semver v3 reads image tags (Argo CD Image Updater's `semver` strategy):
/// `v` prefix allowed, missing minor and patch are 0 (`1.2` is 1.2.0), `-prerelease` and `+metadata`.
/// Tags that are not versions (`latest`, `main-3f2a`) do not parse.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// Dot-separated prerelease identifiers (`rc.1`); empty for a release.
    public var prerelease: [String]
    public var metadata: String
    /// The tag as written.
    public var original: String

    /// Parsed byte by byte: tags are ASCII, and the `semver` strategy parses every tag of a repository each cycle.
    public init?(_ text: String) {
        original = text
        let bytes = Array(text.utf8)
        var start = 0
        var end = bytes.count
        if let first = bytes.first, first == UInt8(ascii: "v") || first == UInt8(ascii: "V") { start = 1 }
        if let plus = bytes[start..<end].firstIndex(of: UInt8(ascii: "+")) {
            let tail = bytes[(plus + 1)..<end]
            guard !tail.isEmpty, tail.allSatisfy({ Self.isIdentifierByte($0) || $0 == UInt8(ascii: ".") }) else {
                return nil
            }
            metadata = String(decoding: tail, as: UTF8.self)
            end = plus
        } else {
            metadata = ""
        }
        if let dash = bytes[start..<end].firstIndex(of: UInt8(ascii: "-")) {
            let parts = bytes[(dash + 1)..<end].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierByte) }) else {
                return nil
            }
            prerelease = parts.map { String(decoding: $0, as: UTF8.self) }
            end = dash
        } else {
            prerelease = []
        }
        // One to three dot-separated runs of digits.
        var numbers = [0, 0, 0]
        var index = 0
        var digits = 0
        for byte in bytes[start..<end] {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, index < 2 else { return nil }
                index += 1
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), digits < 18 {
                numbers[index] = numbers[index] * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        major = numbers[0]
        minor = numbers[1]
        patch = numbers[2]
    }

    init(major: Int, minor: Int, patch: Int, prerelease: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        metadata = ""
        original = "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
    }

    static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }
    public var description: String { original }

    /// Precedence as semver 2.0.0 orders it; metadata is ignored.
    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) {
            return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
        }
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, _): return false
        case (false, true): return true
        default: break
        }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (Int(x), Int(y)) {
            case (let m?, let n?): return m < n
            case (.some, nil): return true
            case (nil, .some): return false
            default: return x < y
            }
        }
        return a.prerelease.count < b.prerelease.count
    }

    public static func == (a: SemanticVersion, b: SemanticVersion) -> Bool {
        (a.major, a.minor, a.patch) == (b.major, b.minor, b.patch) && a.prerelease == b.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }
}
