/// Why an expression could not be compiled or evaluated. A syntax or compile error names the column (1-based)
/// where it was found, so a message on an AnalysisRun points at the mistake.
public struct ExprError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text is not an expression.
        case syntax
        /// The expression names something the environment does not have.
        case unknownName
        /// Evaluation failed: a type mismatch, an index out of range, a function refusing its argument.
        case runtime
    }

    public var kind: Kind
    public var message: String
    /// Where the problem is, for syntax and unknown-name errors.
    public var column: Int?

    public init(_ kind: Kind, _ message: String, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.column = column
    }

    public var description: String {
        guard let column else { return message }
        return "\(message) (column \(column))"
    }

    static func runtime(_ message: String) -> ExprError { ExprError(.runtime, message) }
}
