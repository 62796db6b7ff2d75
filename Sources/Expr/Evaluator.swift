/// A function an environment offers to expressions, beside the built-in ones.
public typealias ExprFunction = @Sendable ([ExprValue]) throws(ExprError) -> ExprValue

/// Walks a parsed expression over an environment of named values and functions.
struct Evaluator {
    let variables: [String: ExprValue]
    let functions: [String: ExprFunction]
    /// The elements closures are looking at, innermost last (`#`).
    var pointers: [ExprValue] = []

    func evaluate(_ node: Node) throws(ExprError) -> ExprValue {
        switch node {
        case .literal(let value): return value
        case .name(let name, _):
            guard let value = variables[name] else { throw ExprError(.unknownName, "unknown name \(name)") }
            return value
        case .pointer:
            guard let value = pointers.last else { throw ExprError.runtime("# used outside of a closure") }
            return value
        case .unary(let op, let operand): return try unary(op, try evaluate(operand))
        case .binary(let op, let left, let right): return try binary(op, left, right)
        case .conditional(let test, let then, let otherwise):
            guard case .bool(let condition) = try evaluate(test) else {
                throw ExprError.runtime("non-bool expression used as condition")
            }
            return try evaluate(condition ? then : otherwise)
        case .member(let base, let field, let optional):
            return try member(try evaluate(base), .string(field), optional: optional)
        case .index(let base, let index, let optional):
            return try member(try evaluate(base), try evaluate(index), optional: optional)
        case .slice(let base, let from, let to):
            return try slice(try evaluate(base), from: try from.map(evaluate), to: try to.map(evaluate))
        case .call(let name, let arguments, _): return try call(name, arguments)
        case .closure: throw ExprError.runtime("a closure is only an argument of all, any, filter, map and the like")
        case .array(let items):
            var values: [ExprValue] = []
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .map(let entries):
            var values: [String: ExprValue] = [:]
            for entry in entries { values[entry.key] = try evaluate(entry.value) }
            return .map(values)
        }
    }

    private func unary(_ op: String, _ value: ExprValue) throws(ExprError) -> ExprValue {
        switch (op, value) {
        case ("!", .bool(let b)): return .bool(!b)
        case ("-", .int(let i)): return .int(0 &- i)
        case ("-", .float(let f)): return .float(-f)
        case ("+", .int), ("+", .float): return value
        default: throw ExprError.runtime("invalid operation: \(op) \(value.typeName)")
        }
    }

    private func binary(_ op: String, _ left: Node, _ right: Node) throws(ExprError) -> ExprValue {
        switch op {
        case "and", "&&", "or", "||":
            let isAnd = op == "and" || op == "&&"
            guard case .bool(let a) = try evaluate(left) else { throw ExprError.runtime("invalid operation: \(op)") }
            if isAnd != a { return .bool(a) }
            guard case .bool(let b) = try evaluate(right) else { throw ExprError.runtime("invalid operation: \(op)") }
            return .bool(b)
        case "??":
            let a = try evaluate(left)
            return a == .null ? try evaluate(right) : a
        default:
            return try Operators.apply(op, try evaluate(left), try evaluate(right))
        }
    }

    private func member(_ base: ExprValue, _ key: ExprValue, optional: Bool) throws(ExprError) -> ExprValue {
        switch (base, key) {
        case (.null, _):
            if optional { return .null }
            throw ExprError.runtime("cannot fetch \(key) from <nil>")
        case (.map(let entries), .string(let name)): return entries[name] ?? .null
        case (.array(let items), .int(let index)):
            let position = index < 0 ? Int(index) + items.count : Int(index)
            guard items.indices.contains(position) else {
                throw ExprError.runtime("index out of range: \(index) (array length is \(items.count))")
            }
            return items[position]
        case (.string(let text), .int(let index)):
            let characters = Array(text)
            let position = index < 0 ? Int(index) + characters.count : Int(index)
            guard characters.indices.contains(position) else {
                throw ExprError.runtime("index out of range: \(index) (string length is \(characters.count))")
            }
            return .string(String(characters[position]))
        default:
            throw ExprError.runtime("cannot fetch \(key) from \(base.typeName)")
        }
    }

    private func slice(_ base: ExprValue, from: ExprValue?, to: ExprValue?) throws(ExprError) -> ExprValue {
        func bounds(_ count: Int) throws(ExprError) -> Range<Int> {
            func position(_ value: ExprValue?, _ fallback: Int) throws(ExprError) -> Int {
                guard let value else { return fallback }
                guard case .int(let i) = value else { throw ExprError.runtime("slice bounds must be integers") }
                return max(0, min(count, i < 0 ? Int(i) + count : Int(i)))
            }
            let lower = try position(from, 0)
            return lower..<max(lower, try position(to, count))
        }
        switch base {
        case .array(let items): return .array(Array(items[try bounds(items.count)]))
        case .string(let text):
            let characters = Array(text)
            return .string(String(characters[try bounds(characters.count)]))
        default: throw ExprError.runtime("cannot slice \(base.typeName)")
        }
    }

    private func call(_ name: String, _ arguments: [Node]) throws(ExprError) -> ExprValue {
        if Parser.closureFunctions.contains(name) {
            guard arguments.count == 2, case .closure(let body) = arguments[1] else {
                throw ExprError.runtime("\(name) takes a collection and a closure")
            }
            return try Closures.apply(name, to: try evaluate(arguments[0]), body: body, evaluator: self)
        }
        var values: [ExprValue] = []
        for argument in arguments { values.append(try evaluate(argument)) }
        if let function = functions[name] { return try function(values) }
        guard let builtin = Builtins.all[name] else { throw ExprError(.unknownName, "unknown func \(name)") }
        return try builtin(values)
    }
}
