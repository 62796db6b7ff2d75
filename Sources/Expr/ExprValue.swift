/// A value in a condition expression: what `result` holds and what every operator produces.
///
/// Integers and floats are kept apart as expr-lang keeps them (`7 / 2` is `3.5`, `7 % 2` is `1`), and compare
/// equal across the two (`1 == 1.0`).
public enum ExprValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case array([ExprValue])
    case map([String: ExprValue])

    /// The value as a Double, for a number.
    public var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// The type's name as Go prints it, so messages read as Argo Rollouts' do (`expected bool, but got float64`).
    public var typeName: String {
        switch self {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float64"
        case .string: return "string"
        case .array: return "[]interface {}"
        case .map: return "map[string]interface {}"
        }
    }

    /// Equality as expr-lang's `==`: numbers by value across int and float, everything else structurally.
    public func loosely(equals other: ExprValue) -> Bool {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a == b
        case (.int, .float), (.float, .int), (.float, .float): return number == other.number
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.loosely(equals: $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map(value.loosely(equals:)) ?? false }
        default: return self == other
        }
    }
}

extension ExprValue: CustomStringConvertible {
    /// The value as Go's `%v` prints it.
    public var description: String {
        switch self {
        case .null: return "<nil>"
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .float(let value): return Self.format(value)
        case .string(let value): return value
        case .array(let values): return "[" + values.map(\.description).joined(separator: " ") + "]"
        case .map(let values):
            return "map[" + values.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                + "]"
        }
    }

    /// A float as Go's `strconv.FormatFloat(f, 'f', -1, 64)` writes it: `0.5`, `3`, `NaN`, `+Inf`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
