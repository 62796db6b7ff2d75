/// Glob patterns as Argo CD's `directory.include`/`exclude` use them: `*` and `?` within one path segment,
/// `**` across segments, `[abc]` classes, and `{a,b}` alternatives. With `pathAware: false` (AppProject
/// repositories and destinations, as Argo CD matches them) `*` crosses `/` too.
public struct Glob: Sendable {
    let alternatives: [[Character]]
    let pathAware: Bool

    public init(_ pattern: String, pathAware: Bool = true) {
        alternatives = Self.expandBraces(pattern).map(Array.init)
        self.pathAware = pathAware
    }

    public func matches(_ path: String) -> Bool {
        let text = Array(path)
        return alternatives.contains {
            pathAware ? Self.match($0[...], text[...]) : Self.match(Self.crossing($0)[...], text[...])
        }
    }

    /// Rewrites single stars as double stars so they cross separators.
    static func crossing(_ pattern: [Character]) -> [Character] {
        var result: [Character] = []
        for c in pattern {
            if c == "*" && result.last != "*" { result += ["*", "*"] } else if c != "*" { result.append(c) }
        }
        return result
    }

    /// `{a,b}c` → `ac`, `bc` (nested braces too).
    static func expandBraces(_ pattern: String) -> [String] {
        guard let open = pattern.firstIndex(of: "{") else { return [pattern] }
        var depth = 0
        var close: String.Index?
        var commas: [String.Index] = []
        var index = open
        while index < pattern.endIndex {
            switch pattern[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { close = index }
            case "," where depth == 1: commas.append(index)
            default: break
            }
            if close != nil { break }
            index = pattern.index(after: index)
        }
        guard let close else { return [pattern] }
        var options: [Substring] = []
        var start = pattern.index(after: open)
        for comma in commas {
            options.append(pattern[start..<comma])
            start = pattern.index(after: comma)
        }
        options.append(pattern[start..<close])
        let head = pattern[..<open]
        let tail = String(pattern[pattern.index(after: close)...])
        return options.flatMap { option in expandBraces(head + option + tail) }
    }

    static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            let doubleStar = pattern.dropFirst().first == "*"
            let rest = pattern.dropFirst(doubleStar ? 2 : 1)
            if doubleStar, rest.first == "/" {
                if match(rest.dropFirst(), text) { return true }
            }
            var index = text.startIndex
            while true {
                if match(rest, text[index...]) { return true }
                guard index < text.endIndex, doubleStar || text[index] != "/" else { return false }
                index += 1
            }
        case "?":
            guard let c = text.first, c != "/" else { return false }
            return match(pattern.dropFirst(), text.dropFirst())
        case "[":
            guard let end = pattern.firstIndex(of: "]"), let c = text.first else { return false }
            var set = pattern[(pattern.startIndex + 1)..<end]
            let negated = set.first == "!" || set.first == "^"
            if negated { set = set.dropFirst() }
            var found = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == "-" {
                    if set[i] <= c && c <= set[i + 2] { found = true }
                    i += 3
                } else {
                    if set[i] == c { found = true }
                    i += 1
                }
            }
            return found != negated && match(pattern[(end + 1)...], text.dropFirst())
        default:
            guard text.first == first else { return false }
            return match(pattern.dropFirst(), text.dropFirst())
        }
    }
}
