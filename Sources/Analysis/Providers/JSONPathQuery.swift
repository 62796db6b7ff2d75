import Foundation
import Kube

/// The part of Kubernetes JSONPath that web metrics use: `{$.a.b}`, `{.a[0].b}`, `{$.a['key-with-dash']}`,
/// `{$}`; a negative index counts from the end.
public struct JSONPathQuery: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    let steps: [Step]

    /// Parses `text`; throws naming what is not understood.
    public init(_ text: String) throws(AnalysisSpecError) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("{") && body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        if body.hasPrefix("$") { body = body.dropFirst() }
        var steps: [Step] = []
        while let first = body.first {
            if first == "." {
                body = body.dropFirst()
                let key = body.prefix { $0 != "." && $0 != "[" }
                guard !key.isEmpty else { throw AnalysisSpecError("jsonPath \(text): empty field name") }
                steps.append(.key(String(key)))
                body = body.dropFirst(key.count)
            } else if first == "[" {
                guard let close = body.firstIndex(of: "]") else {
                    throw AnalysisSpecError("jsonPath \(text): unclosed [")
                }
                let inside = body[body.index(after: body.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                if let index = Int(inside) {
                    steps.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"",
                    inside.last == quote
                {
                    steps.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    throw AnalysisSpecError("jsonPath \(text): [\(inside)] is not supported")
                }
                body = body[body.index(after: close)...]
            } else {
                throw AnalysisSpecError("jsonPath \(text): unexpected \(first)")
            }
        }
        self.steps = steps
    }

    /// The value at the path in `document`; throws naming the step that is missing.
    public func find(in document: JSON) throws(AnalysisSpecError) -> JSON {
        var current = document
        for step in steps {
            switch step {
            case .key(let key):
                guard let next = current[key] else { throw AnalysisSpecError("\(key) is not found") }
                current = next
            case .index(let index):
                let count = current.arrayValue?.count ?? 0
                guard let next = current[index < 0 ? index + count : index] else {
                    throw AnalysisSpecError("array index \(index) is out of bounds")
                }
                current = next
            }
        }
        return current
    }
}
