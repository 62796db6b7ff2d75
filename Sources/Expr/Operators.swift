import Foundation

/// expr-lang's binary operators on values: arithmetic keeps integers integral except `/` and `**`, which give
/// floats; comparisons work on numbers and on strings; `in` looks in arrays (by value) and maps (by key).
enum Operators {
    static func apply(_ name: String, _ a: ExprValue, _ b: ExprValue) throws(ExprError) -> ExprValue {
        switch name {
        case "+": return try add(a, b)
        case "-", "*": return try arithmetic(name, a, b)
        case "/":
            guard let x = a.number, let y = b.number else { throw mismatch(name, a, b) }
            return .float(x / y)
        case "%":
            guard case .int(let x) = a, case .int(let y) = b else { throw mismatch(name, a, b) }
            guard y != 0 else { throw ExprError.runtime("integer divide by zero") }
            return .int(x % y)
        case "**", "^":
            guard let x = a.number, let y = b.number else { throw mismatch(name, a, b) }
            return .float(pow(x, y))
        case "==": return .bool(a.loosely(equals: b))
        case "!=": return .bool(!a.loosely(equals: b))
        case "<", ">", "<=", ">=": return .bool(try compare(name, a, b))
        case "in": return .bool(try contains(b, a, name))
        case "not in": return .bool(!(try contains(b, a, name)))
        case "contains", "startsWith", "endsWith", "matches": return .bool(try text(name, a, b))
        case "..":
            guard case .int(let from) = a, case .int(let to) = b else { throw mismatch(name, a, b) }
            guard to - from < 1_000_000 else { throw ExprError.runtime("range \(from)..\(to) is too long") }
            return .array(from <= to ? (from...to).map(ExprValue.int) : [])
        default: throw ExprError.runtime("unknown operator \(name)")
        }
    }

    static func mismatch(_ name: String, _ a: ExprValue, _ b: ExprValue) -> ExprError {
        .runtime("invalid operation: \(a.typeName) \(name) \(b.typeName) (mismatched types)")
    }

    private static func add(_ a: ExprValue, _ b: ExprValue) throws(ExprError) -> ExprValue {
        switch (a, b) {
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.array(let x), .array(let y)): return .array(x + y)
        default: return try arithmetic("+", a, b)
        }
    }

    private static func arithmetic(_ name: String, _ a: ExprValue, _ b: ExprValue) throws(ExprError) -> ExprValue {
        if case .int(let x) = a, case .int(let y) = b {
            switch name {
            case "+": return .int(x &+ y)
            case "-": return .int(x &- y)
            default: return .int(x &* y)
            }
        }
        guard let x = a.number, let y = b.number else { throw mismatch(name, a, b) }
        switch name {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        default: return .float(x * y)
        }
    }

    private static func compare(_ name: String, _ a: ExprValue, _ b: ExprValue) throws(ExprError) -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return ordered(name, x, y) }
        if let x = a.number, let y = b.number { return ordered(name, x, y) }
        if case .string(let x) = a, case .string(let y) = b { return ordered(name, x, y) }
        throw mismatch(name, a, b)
    }

    private static func ordered<T: Comparable>(_ name: String, _ x: T, _ y: T) -> Bool {
        switch name {
        case "<": return x < y
        case ">": return x > y
        case "<=": return x <= y
        default: return x >= y
        }
    }

    private static func contains(_ container: ExprValue, _ item: ExprValue, _ name: String) throws(ExprError) -> Bool {
        switch container {
        case .array(let items): return items.contains { $0.loosely(equals: item) }
        case .map(let entries):
            guard case .string(let key) = item else { return false }
            return entries[key] != nil
        case .null: return false
        default: throw mismatch(name, item, container)
        }
    }

    private static func text(_ name: String, _ a: ExprValue, _ b: ExprValue) throws(ExprError) -> Bool {
        guard case .string(let x) = a, case .string(let y) = b else { throw mismatch(name, a, b) }
        switch name {
        case "contains": return x.contains(y)
        case "startsWith": return x.hasPrefix(y)
        case "endsWith": return x.hasSuffix(y)
        default:
            let pattern: NSRegularExpression
            do {
                pattern = try NSRegularExpression(pattern: y)
            } catch {
                throw ExprError.runtime("error parsing regexp: \(y)")
            }
            return pattern.firstMatch(in: x, range: NSRange(x.startIndex..., in: x)) != nil
        }
    }
}
