import Foundation

/// A field selector over `metadata.name` and `metadata.namespace` (the fields every resource supports),
/// plus any other dotted path, compared as a string.
public struct FieldSelector: Sendable, Hashable {
    /// One `path=value` or `path!=value` condition.
    public struct Requirement: Sendable, Hashable {
        public var path: String
        public var value: String
        public var negated: Bool
    }

    public var requirements: [Requirement]

    public init(parsing text: String) throws(SelectorError) {
        var requirements: [Requirement] = []
        for part in text.split(separator: ",") where !part.trimmingCharacters(" ").isEmpty {
            let s = String(part)
            if let r = s.range(of: "!=") {
                requirements.append(
                    Requirement(
                        path: String(s[..<r.lowerBound]).trimmingCharacters(" "),
                        value: String(s[r.upperBound...]).trimmingCharacters(" "), negated: true))
            } else if let r = s.range(of: "==") ?? s.range(of: "=") {
                requirements.append(
                    Requirement(
                        path: String(s[..<r.lowerBound]).trimmingCharacters(" "),
                        value: String(s[r.upperBound...]).trimmingCharacters(" "), negated: false))
            } else {
                throw SelectorError(message: "invalid field selector \"\(s)\": expected field=value")
            }
        }
        self.requirements = requirements
    }

    public func matches(_ object: KubeObject) -> Bool {
        requirements.allSatisfy { r in
            let actual = object.json[path: r.path.split(separator: ".").map(String.init)]
            let text: String = actual?.stringValue ?? actual.map { $0.serialized() } ?? ""
            return (text == r.value) != r.negated
        }
    }

    /// The value a `metadata.name=` requirement pins, used to serve single-object watches cheaply.
    public var pinnedName: String? {
        requirements.first { $0.path == "metadata.name" && !$0.negated }?.value
    }
}

extension StringProtocol {
    func trimmingCharacters(_ c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s.removeFirst() }
        while s.last == c { s.removeLast() }
        return String(s)
    }
}
