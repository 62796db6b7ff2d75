/// The built-ins that take a closure (`all(result, # > 0.9)`, `filter(result, {# < 1})`), evaluated once per
/// element of an array, or per value of a map, with `#` bound to it.
enum Closures {
    static func apply(
        _ name: String, to collection: ExprValue, body: Node, evaluator: Evaluator
    ) throws(ExprError)
        -> ExprValue
    {
        let items: [ExprValue]
        switch collection {
        case .array(let values): items = values
        case .map(let entries): items = entries.keys.sorted().compactMap { entries[$0] }
        case .null: items = []
        default: throw ExprError.runtime("cannot iterate over \(collection.typeName)")
        }
        var inner = evaluator
        func run(_ item: ExprValue) throws(ExprError) -> ExprValue {
            inner.pointers = evaluator.pointers + [item]
            return try inner.evaluate(body)
        }
        func test(_ item: ExprValue) throws(ExprError) -> Bool {
            guard case .bool(let passed) = try run(item) else {
                throw ExprError.runtime("the predicate of \(name) must return a bool")
            }
            return passed
        }
        switch name {
        case "all":
            for item in items where !(try test(item)) { return .bool(false) }
            return .bool(true)
        case "any":
            for item in items where try test(item) { return .bool(true) }
            return .bool(false)
        case "none":
            for item in items where try test(item) { return .bool(false) }
            return .bool(true)
        case "one", "count":
            var matched = 0
            for item in items where try test(item) { matched += 1 }
            return name == "one" ? .bool(matched == 1) : .int(Int64(matched))
        case "filter":
            var kept: [ExprValue] = []
            for item in items where try test(item) { kept.append(item) }
            return .array(kept)
        case "map":
            var mapped: [ExprValue] = []
            for item in items { mapped.append(try run(item)) }
            return .array(mapped)
        default:
            return try find(name, items, test)
        }
    }

    private static func find(
        _ name: String, _ items: [ExprValue], _ test: (ExprValue) throws(ExprError) -> Bool
    ) throws(ExprError) -> ExprValue {
        let fromEnd = name.hasPrefix("findLast")
        let order = fromEnd ? Array(items.indices.reversed()) : Array(items.indices)
        for index in order where try test(items[index]) {
            return name.hasSuffix("Index") ? .int(Int64(index)) : items[index]
        }
        return name.hasSuffix("Index") ? .int(-1) : .null
    }
}
