import Foundation

/// The part of Go's `text/template` that Argo CD Image Updater's commit message and branch templates use:
/// `{{ .Field }}`, `{{ range .List }}...{{ end }}` (one level, fields of the element inside), and the `{{-` / `-}}`
/// markers that trim the white space beside them. Anything else is an error naming it, so a template written
/// for Argo either renders as there or is refused, never half-rendered.
public struct GoTemplate: Sendable {
    /// A value a template reads: text, or a list of field sets for `range`.
    public enum Value: Sendable {
        case text(String)
        case list([[String: String]])
    }

    enum Node: Sendable {
        case text(String)
        case field(String)
        case range(String, [Node])
    }

    let nodes: [Node]

    /// Parses `source`; the error names what this subset does not understand.
    public init(_ source: String) throws(WriteBackError) {
        var tokens = try Self.tokens(source)[...]
        nodes = try Self.parse(&tokens, inRange: false)
    }

    /// The text for `values`; a field the template names but `values` lacks is an error.
    public func render(_ values: [String: Value]) throws(WriteBackError) -> String {
        try Self.render(nodes, values, element: nil)
    }

    static func render(
        _ nodes: [Node], _ values: [String: Value], element: [String: String]?
    ) throws(WriteBackError) -> String {
        var out = ""
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .field(let name):
                if let element, let value = element[name] {
                    out += value
                } else if case .text(let value)? = values[name] {
                    out += value
                } else {
                    throw WriteBackError("the template uses .\(name), which is not one of its values")
                }
            case .range(let name, let body):
                guard case .list(let items)? = values[name] else {
                    throw WriteBackError("the template ranges over .\(name), which is not a list")
                }
                for item in items { out += try render(body, values, element: item) }
            }
        }
        return out
    }

    enum Token {
        case text(String)
        case action(String)
    }

    /// Text and `{{ ... }}` actions, with the trim markers applied to the text beside them.
    static func tokens(_ source: String) throws(WriteBackError) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(source)
        var trimNext = false
        while let open = rest.range(of: "{{") {
            var text = rest[..<open.lowerBound]
            if trimNext { text = text.drop { $0.isWhitespace } }
            var inner = rest[open.upperBound...]
            guard let close = inner.range(of: "}}") else { throw WriteBackError("a {{ is not closed") }
            var action = inner[..<close.lowerBound]
            if action.hasPrefix("-") {
                action = action.dropFirst()
                while text.last?.isWhitespace == true { text = text.dropLast() }
            }
            trimNext = action.hasSuffix("-")
            if trimNext { action = action.dropLast() }
            if !text.isEmpty { tokens.append(.text(String(text))) }
            tokens.append(.action(action.trimmingCharacters(in: .whitespaces)))
            inner = inner[close.upperBound...]
            rest = inner
        }
        let tail = trimNext ? rest.drop { $0.isWhitespace } : rest
        if !tail.isEmpty { tokens.append(.text(String(tail))) }
        return tokens
    }

    static func parse(_ tokens: inout ArraySlice<Token>, inRange: Bool) throws(WriteBackError) -> [Node] {
        var nodes: [Node] = []
        while let token = tokens.popFirst() {
            switch token {
            case .text(let text): nodes.append(.text(text))
            case .action("end"):
                guard inRange else { throw WriteBackError("{{ end }} without {{ range }}") }
                return nodes
            case .action(let action) where action.hasPrefix("range "):
                let name = try field(String(action.dropFirst("range ".count)).trimmingCharacters(in: .whitespaces))
                nodes.append(.range(name, try parse(&tokens, inRange: true)))
            case .action(let action):
                nodes.append(.field(try field(action)))
            }
        }
        if inRange { throw WriteBackError("{{ range }} without {{ end }}") }
        return nodes
    }

    /// `.Name` → `Name`; anything else (functions, pipelines, variables) is not supported.
    static func field(_ action: String) throws(WriteBackError) -> String {
        let name = action.dropFirst()
        guard action.hasPrefix("."), !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            throw WriteBackError("{{ \(action) }} is not supported (only {{ .Field }} and {{ range .List }})")
        }
        return String(name)
    }
}
