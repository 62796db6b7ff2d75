/// A label selector: every requirement must hold. Parsed from the string form
/// (`app=web,tier!=db,env in (a,b),!legacy`) or from `matchLabels`/`matchExpressions`.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// One condition on one label key.
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .in(let k, let values): return labels[k].map(values.contains) ?? false
            case .notIn(let k, let values): return !(labels[k].map(values.contains) ?? false)
            case .exists(let k): return labels[k] != nil
            case .doesNotExist(let k): return labels[k] == nil
            }
        }

        var text: String {
            switch self {
            case .equals(let k, let v): return "\(k)=\(v)"
            case .notEquals(let k, let v): return "\(k)!=\(v)"
            case .in(let k, let vs): return "\(k) in (\(vs.sorted().joined(separator: ",")))"
            case .notIn(let k, let vs): return "\(k) notin (\(vs.sorted().joined(separator: ",")))"
            case .exists(let k): return k
            case .doesNotExist(let k): return "!\(k)"
            }
        }
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) { self.requirements = requirements }

    /// A selector matching exactly these labels.
    public init(matchLabels: [String: String]) {
        requirements = matchLabels.keys.sorted().map { .equals($0, matchLabels[$0]!) }
    }

    /// The empty selector matches everything.
    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    public var description: String { requirements.map(\.text).joined(separator: ",") }

    /// Parses the `labelSelector` query string syntax.
    public init(parsing text: String) throws(SelectorError) {
        var parser = SelectorScanner(text)
        requirements = try parser.parseLabelRequirements()
    }

    /// Reads a `metav1.LabelSelector` object (`matchLabels` and `matchExpressions`).
    /// A `null` selector matches nothing in Kubernetes; callers decide, this gives `nil`.
    public init?(json: JSON?) throws(SelectorError) {
        guard let json, json != .null else { return nil }
        var requirements: [Requirement] = []
        for (k, v) in (json["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(.equals(k, v.stringValue ?? v.serialized()))
        }
        for expression in json["matchExpressions"]?.arrayValue ?? [] {
            guard let key = expression["key"]?.stringValue, let op = expression["operator"]?.stringValue else {
                throw SelectorError(message: "matchExpressions entry needs key and operator")
            }
            let values = Set(expression["values"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            switch op {
            case "In":
                guard !values.isEmpty else { throw SelectorError(message: "operator In on \(key) needs values") }
                requirements.append(.in(key, values))
            case "NotIn":
                guard !values.isEmpty else { throw SelectorError(message: "operator NotIn on \(key) needs values") }
                requirements.append(.notIn(key, values))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            default: throw SelectorError(message: "unknown selector operator \(op)")
            }
        }
        self.requirements = requirements
    }
}

/// A selector that could not be parsed, with what was wrong.
public struct SelectorError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
