/// A condition expression, parsed once and evaluated many times: `Expression("result[0] >= 0.95")`.
///
/// Compiling checks that every name and function the text uses is one the environment will offer, so a typo
/// is an error when an AnalysisRun starts, not at its first measurement.
public struct Expression: Sendable {
    public let source: String
    let root: Node

    /// Parses `source`; `names` are the variables and functions the environment will offer (beside the
    /// built-ins). Throws a syntax or unknown-name error naming the column.
    public init(_ source: String, names: Set<String>) throws(ExprError) {
        self.source = source
        root = try Parser.parse(source)
        try Self.check(root, known: names.union(Builtins.all.keys))
    }

    /// Evaluates the expression over `variables` and the extra `functions`.
    public func evaluate(
        _ variables: [String: ExprValue], functions: [String: ExprFunction] = [:]
    ) throws(ExprError)
        -> ExprValue
    {
        try Evaluator(variables: variables, functions: functions).evaluate(root)
    }

    private static func check(_ node: Node, known: Set<String>) throws(ExprError) {
        switch node {
        case .literal, .pointer: return
        case .name(let name, let column):
            guard known.contains(name) else { throw ExprError(.unknownName, "unknown name \(name)", column: column) }
        case .call(let name, let arguments, let column):
            guard known.contains(name) || Parser.closureFunctions.contains(name) else {
                throw ExprError(.unknownName, "unknown func \(name)", column: column)
            }
            for argument in arguments { try check(argument, known: known) }
        case .unary(_, let operand), .closure(let operand), .member(let operand, _, _):
            try check(operand, known: known)
        case .binary(_, let left, let right), .index(let left, let right, _):
            try check(left, known: known)
            try check(right, known: known)
        case .conditional(let a, let b, let c):
            for child in [a, b, c] { try check(child, known: known) }
        case .slice(let base, let from, let to):
            for child in [base, from, to].compactMap({ $0 }) { try check(child, known: known) }
        case .array(let items):
            for item in items { try check(item, known: known) }
        case .map(let entries):
            for entry in entries { try check(entry.value, known: known) }
        }
    }
}
