import Expr
import Foundation
import Testing

/// The condition language as Argo Rollouts' users write it: each row is an expression, the `result` it sees,
/// and what expr-lang answers.
@Suite struct ExpressionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let source: String
        let result: ExprValue
        let expected: ExprValue
        var testDescription: String { "\(source) with result \(result)" }
        init(_ source: String, _ result: ExprValue, _ expected: ExprValue) {
            self.source = source
            self.result = result
            self.expected = expected
        }
        init(_ source: String, _ expected: ExprValue) { self.init(source, .null, expected) }
    }

    static func evaluate(_ source: String, _ result: ExprValue) throws -> ExprValue {
        try Expression(source, names: ["result"]).evaluate(["result": result])
    }

    static let vector = ExprValue.array([.float(0.97), .float(0.5)])

    static let cases: [Case] = [
        // Literals and arithmetic: integers stay integral, `/` and `**` give floats.
        Case("1 + 2 * 3", .int(7)), Case("(1 + 2) * 3", .int(9)), Case("7 / 2", .float(3.5)),
        Case("7 % 3", .int(1)), Case("2 ** 3", .float(8)), Case("2 ^ 3 ^ 2", .float(512)),
        Case("-2 ** 2", .float(-4)), Case("1_000 + 0x10", .int(1016)), Case("2.5e1", .float(25)),
        Case(".5 + 1", .float(1.5)), Case("1 + 1.5", .float(2.5)), Case("'a' + \"b\"", .string("ab")),
        Case("`raw\\n`", .string("raw\\n")), Case("\"tab\\tx\"", .string("tab\tx")),
        // Comparison and logic, with words and symbols.
        Case("1 == 1.0", .bool(true)), Case("1 != 2", .bool(true)), Case("'a' < 'b'", .bool(true)),
        Case("true && false || true", .bool(true)), Case("true and not false", .bool(true)),
        Case("!true", .bool(false)), Case("not (1 > 2)", .bool(true)), Case("nil == nil", .bool(true)),
        Case("false or 1 < 2", .bool(true)), Case("1 < 2 ? 'yes' : 'no'", .string("yes")),
        Case("nil ?? 3", .int(3)), Case("2 in [1, 2]", .bool(true)), Case("3 not in [1, 2]", .bool(true)),
        Case("'k' in {k: 1}", .bool(true)), Case("'abc' contains 'b'", .bool(true)),
        Case("'abc' startsWith 'a' and 'abc' endsWith 'c'", .bool(true)),
        Case("'v1.2.3' matches '^v[0-9]+'", .bool(true)), Case("1..3", .array([.int(1), .int(2), .int(3)])),
        // Member and index access on the result.
        Case("result[0]", vector, .float(0.97)), Case("result[-1]", vector, .float(0.5)),
        Case("result[0:1]", vector, .array([.float(0.97)])),
        Case("result.p99 < 0.5", .map(["p99": .float(0.3)]), .bool(true)),
        Case("result['p99']", .map(["p99": .float(0.3)]), .float(0.3)),
        Case("result.missing", .map([:]), .null), Case("result?.a?.b", .null, .null),
        Case(
            "result.data.items[1].ok", .map(["data": .map(["items": .array([.null, .map(["ok": .bool(true)])])])]),
            .bool(true)),
        // Closures and built-ins.
        Case("all(result, # > 0.4)", vector, .bool(true)), Case("all(result, {# > 0.9})", vector, .bool(false)),
        Case("any(result, # > 0.9)", vector, .bool(true)), Case("none(result, # > 0.99)", vector, .bool(true)),
        Case("one(result, # > 0.9)", vector, .bool(true)), Case("count(result, # < 0.9)", vector, .int(1)),
        Case("filter(result, # < 0.9)", vector, .array([.float(0.5)])),
        Case("map(result, # * 2)", vector, .array([.float(1.94), .float(1)])),
        Case("len(filter([1, 2, 3], # > 1))", .int(2)),
        Case("all(result, .ok)", .array([.map(["ok": .bool(true)])]), .bool(true)),
        Case("len(result)", vector, .int(2)), Case("len('héllo')", .int(5)), Case("abs(-3)", .int(3)),
        Case("max(1, 2.5, 2)", .float(2.5)), Case("min(result)", vector, .float(0.5)), Case("sum([1, 2])", .int(3)),
        Case("int(2.9)", .int(2)), Case("float('1.5')", .float(1.5)), Case("string(3)", .string("3")),
        Case("ceil(1.2)", .float(2)), Case("mean([1, 2])", .float(1.5)),
    ]

    @Test(arguments: cases) func evaluates(_ row: Case) throws {
        let value = try Self.evaluate(row.source, row.result)
        #expect(value.loosely(equals: row.expected), "\(row.source) gave \(value)")
    }

    @Test func aSyntaxErrorNamesTheColumn() {
        for (source, column) in [("result[0] >= ", 14), ("result >= 0.95 &&& true", 18), ("(1 + 2", 7), ("'open", 1)] {
            #expect {
                _ = try Expression(source, names: ["result"])
            } throws: { error in
                guard let error = error as? ExprError else { return false }
                return error.kind == .syntax && error.column == column
            }
        }
    }

    @Test func unknownNamesAreRefusedWhenCompiled() {
        #expect(throws: ExprError.self) { _ = try Expression("reslt > 1", names: ["result"]) }
        #expect(throws: ExprError.self) { _ = try Expression("lenn(result) > 1", names: ["result"]) }
    }

    @Test func runtimeErrorsAreErrorsNotCrashes() {
        for source in ["result[5]", "result > 1", "'a' - 1", "1 % 0", "result.x", "all(1, # > 0)", "nil.a"] {
            #expect(throws: ExprError.self, "\(source)") { _ = try Self.evaluate(source, .array([.int(1)])) }
        }
    }

    @Test func nanAndInfinityCompareAsGoDoes() throws {
        #expect(try Self.evaluate("result >= 0.95", .float(.nan)) == .bool(false))
        #expect(try Self.evaluate("result < 0.95", .float(.nan)) == .bool(false))
        #expect(try Self.evaluate("result >= 0.95", .float(.infinity)) == .bool(true))
        #expect(ExprValue.format(.infinity) == "+Inf" && ExprValue.format(.nan) == "NaN")
        #expect(ExprValue.format(0.25) == "0.25" && ExprValue.format(3) == "3")
    }
}
