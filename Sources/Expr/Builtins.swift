import Foundation

/// expr-lang's built-in functions that Argo Rollouts' conditions use: `len`, `abs`, `max`, `min`, `int`,
/// `float`, `string`, `ceil`, `floor`, `round`, `sum`, `mean`, `median`, `first`, `last`, `upper`, `lower`,
/// `trim`, `keys`, `values`.
enum Builtins {
    static let all: [String: ExprFunction] = [
        "len": len, "abs": abs, "max": { a throws(ExprError) in try extreme(a, "max", >) },
        "min": { a throws(ExprError) in try extreme(a, "min", <) }, "int": int, "float": float, "string": string,
        "ceil": { a throws(ExprError) in try rounding(a, "ceil", Foundation.ceil) },
        "floor": { a throws(ExprError) in try rounding(a, "floor", Foundation.floor) },
        "round": { a throws(ExprError) in try rounding(a, "round", Foundation.round) },
        "sum": sum, "mean": mean, "median": median, "first": first, "last": last,
        "upper": { a throws(ExprError) in .string(try text(a, "upper").uppercased()) },
        "lower": { a throws(ExprError) in .string(try text(a, "lower").lowercased()) },
        "trim": { a throws(ExprError) in .string(try text(a, "trim").trimmingCharacters(in: .whitespaces)) },
        "keys": keys, "values": values,
    ]

    static func one(_ arguments: [ExprValue], _ name: String) throws(ExprError) -> ExprValue {
        guard arguments.count == 1 else {
            throw ExprError.runtime("\(name) takes one argument, got \(arguments.count)")
        }
        return arguments[0]
    }

    static func numbers(_ value: ExprValue, _ name: String) throws(ExprError) -> [ExprValue] {
        guard case .array(let items) = value else { throw ExprError.runtime("\(name) needs an array") }
        for item in items where item.number == nil {
            throw ExprError.runtime("\(name): \(item.typeName) is not a number")
        }
        return items
    }

    private static func len(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        switch try one(arguments, "len") {
        case .array(let items): return .int(Int64(items.count))
        case .map(let entries): return .int(Int64(entries.count))
        case .string(let text): return .int(Int64(text.count))
        case let other: throw ExprError.runtime("invalid argument for len (type \(other.typeName))")
        }
    }

    private static func abs(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        switch try one(arguments, "abs") {
        case .int(let i): return .int(i < 0 ? 0 &- i : i)
        case .float(let f): return .float(Swift.abs(f))
        case let other: throw ExprError.runtime("invalid argument for abs (type \(other.typeName))")
        }
    }

    private static func extreme(
        _ arguments: [ExprValue], _ name: String, _ better: (Double, Double) -> Bool
    )
        throws(ExprError) -> ExprValue
    {
        let items = arguments.count == 1 ? try numbers(arguments[0], name) : arguments
        for item in items where item.number == nil {
            throw ExprError.runtime("invalid argument for \(name) (type \(item.typeName))")
        }
        guard var best = items.first else { throw ExprError.runtime("not enough arguments to call \(name)") }
        for item in items.dropFirst() where better(item.number ?? 0, best.number ?? 0) { best = item }
        return best
    }

    private static func int(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        switch try one(arguments, "int") {
        case .int(let i): return .int(i)
        case .float(let f) where f.isFinite: return .int(Int64(f))
        case .string(let s):
            guard let i = Int64(s) else { throw ExprError.runtime("strconv.Atoi: parsing \"\(s)\": invalid syntax") }
            return .int(i)
        case let other: throw ExprError.runtime("invalid operation: int(\(other.typeName))")
        }
    }

    private static func float(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        switch try one(arguments, "float") {
        case .int(let i): return .float(Double(i))
        case .float(let f): return .float(f)
        case .string(let s):
            guard let f = Double(s) else {
                throw ExprError.runtime("strconv.ParseFloat: parsing \"\(s)\": invalid syntax")
            }
            return .float(f)
        case let other: throw ExprError.runtime("invalid operation: float(\(other.typeName))")
        }
    }

    private static func string(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        .string(try one(arguments, "string").description)
    }

    private static func text(_ arguments: [ExprValue], _ name: String) throws(ExprError) -> String {
        guard case .string(let s) = try one(arguments, name) else { throw ExprError.runtime("\(name) needs a string") }
        return s
    }

    private static func rounding(
        _ arguments: [ExprValue], _ name: String, _ function: (Double) -> Double
    )
        throws(ExprError) -> ExprValue
    {
        guard let number = try one(arguments, name).number else {
            throw ExprError.runtime("invalid argument for \(name)")
        }
        return .float(function(number))
    }

    private static func sum(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        var total = ExprValue.int(0)
        for item in try numbers(try one(arguments, "sum"), "sum") { total = try Operators.apply("+", total, item) }
        return total
    }

    private static func mean(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        let items = try numbers(try one(arguments, "mean"), "mean")
        guard !items.isEmpty else { return .float(0) }
        return .float(items.reduce(0) { $0 + ($1.number ?? 0) } / Double(items.count))
    }

    private static func median(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        let sorted = try numbers(try one(arguments, "median"), "median").compactMap(\.number).sorted()
        guard !sorted.isEmpty else { return .float(0) }
        let middle = sorted.count / 2
        return .float(sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2)
    }

    private static func first(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        guard case .array(let items) = try one(arguments, "first") else {
            throw ExprError.runtime("first needs an array")
        }
        return items.first ?? .null
    }

    private static func last(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        guard case .array(let items) = try one(arguments, "last") else {
            throw ExprError.runtime("last needs an array")
        }
        return items.last ?? .null
    }

    private static func keys(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        guard case .map(let entries) = try one(arguments, "keys") else { throw ExprError.runtime("keys needs a map") }
        return .array(entries.keys.sorted().map(ExprValue.string))
    }

    private static func values(_ arguments: [ExprValue]) throws(ExprError) -> ExprValue {
        guard case .map(let entries) = try one(arguments, "values") else {
            throw ExprError.runtime("values needs a map")
        }
        return .array(entries.keys.sorted().compactMap { entries[$0] })
    }
}
