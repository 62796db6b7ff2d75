/// The four patch formats of the Kubernetes API, by their `Content-Type`.
public enum PatchType: String, Sendable, CaseIterable {
    case merge = "application/merge-patch+json"
    case json = "application/json-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"

    /// Recognizes a request's content type (ignoring parameters such as `charset`).
    public init?(contentType: String) {
        let base = contentType.split(separator: ";").first.map { String($0).trimmingCharacters(" ") } ?? ""
        if base == "application/apply-patch+json" { self = .apply; return }
        self.init(rawValue: base)
    }
}

/// A patch that cannot be applied, with the reason (an invalid pointer, a failed `test`, a malformed document).
public struct PatchError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
