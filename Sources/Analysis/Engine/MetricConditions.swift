import Expr
import Kube

/// A metric's success and failure conditions, compiled once, and the judgement of a measured value as Argo
/// makes it: with only a success condition, not succeeding is failing; with only a failure condition, not
/// failing is succeeding; with both and neither true, the measurement is Inconclusive; with none, Successful.
///
/// Conditions see `result` and Argo's helpers `asInt`, `asFloat`, `isNaN`, `isInf`, `isNil` and `default`.
/// As in Argo, `isNil(x)` and `default(x, d)` look at the measured result whatever `x` is (conditions only ever
/// pass `result` or a part of it).
public struct MetricConditions: Sendable {
    public let success: Expression?
    public let failure: Expression?

    static let names: Set<String> = ["result", "asInt", "asFloat", "isNaN", "isInf", "isNil", "default"]

    public init(_ metric: Metric) throws(AnalysisSpecError) {
        success = try Self.compile(metric.successCondition, "successCondition", metric.name)
        failure = try Self.compile(metric.failureCondition, "failureCondition", metric.name)
    }

    private static func compile(
        _ source: String?, _ field: String, _ metric: String
    ) throws(AnalysisSpecError)
        -> Expression?
    {
        guard let source else { return nil }
        do {
            return try Expression(source, names: names)
        } catch {
            throw AnalysisSpecError("metric \"\(metric)\" \(field) \"\(source)\": \(error)")
        }
    }

    /// The phase of a measurement whose value is `result`; an evaluation error is an Error with its message.
    public func judge(_ result: ExprValue) -> (phase: AnalysisPhase, message: String?) {
        var succeeded = false
        var failed = false
        do {
            if let success { succeeded = try Self.truth(success, result) }
            if let failure { failed = try Self.truth(failure, result) }
        } catch {
            return (.error, error.description)
        }
        switch (success, failure) {
        case (nil, nil): return (.successful, nil)
        case (_, nil): failed = !succeeded
        case (nil, _): succeeded = !failed
        default: break
        }
        if failed { return (.failed, nil) }
        return succeeded ? (.successful, nil) : (.inconclusive, nil)
    }

    private static func truth(_ expression: Expression, _ result: ExprValue) throws(ExprError) -> Bool {
        let value = try expression.evaluate(["result": result], functions: functions(result))
        guard case .bool(let truth) = value else {
            throw ExprError(.runtime, "expected bool, but got \(value.typeName)")
        }
        return truth
    }

    static func functions(_ result: ExprValue) -> [String: ExprFunction] {
        [
            "asInt": { arguments throws(ExprError) in try convert(arguments, "asInt", integral: true) },
            "asFloat": { arguments throws(ExprError) in try convert(arguments, "asFloat", integral: false) },
            "isNaN": { arguments throws(ExprError) in .bool(try number(arguments, "isNaN").isNaN) },
            "isInf": { arguments throws(ExprError) in .bool(try number(arguments, "isInf").isInfinite) },
            "isNil": { _ in .bool(result == .null) },
            "default": { arguments throws(ExprError) in
                guard arguments.count == 2 else { throw ExprError(.runtime, "default takes a value and a default") }
                return result == .null ? arguments[1] : arguments[0]
            },
        ]
    }

    private static func number(_ arguments: [ExprValue], _ name: String) throws(ExprError) -> Double {
        guard arguments.count == 1, let number = arguments[0].number else {
            throw ExprError(.runtime, "\(name) needs one number, got \(arguments.map(\.typeName))")
        }
        return number
    }

    private static func convert(
        _ arguments: [ExprValue], _ name: String, integral: Bool
    ) throws(ExprError)
        -> ExprValue
    {
        guard arguments.count == 1 else { throw ExprError(.runtime, "\(name) takes one argument") }
        switch arguments[0] {
        case .int(let i): return integral ? .int(i) : .float(Double(i))
        case .float(let f):
            guard integral else { return .float(f) }
            guard f.isFinite else { throw ExprError(.runtime, "\(name)() cannot convert \(ExprValue.format(f))") }
            return .int(Int64(f))
        case .string(let text):
            if integral, let i = Int64(text) { return .int(i) }
            if !integral, let f = Double(text) { return .float(f) }
            let go = integral ? "strconv.ParseInt" : "strconv.ParseFloat"
            throw ExprError(.runtime, "\(go): parsing \"\(text)\": invalid syntax")
        case let other:
            throw ExprError(.runtime, "\(name)() not supported on \(other.typeName) \(other)")
        }
    }
}

extension ExprValue {
    /// A JSON value as the condition language sees it.
    public init(_ json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .float(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(ExprValue.init))
        case .object(let members): self = .map(members.mapValues(ExprValue.init))
        }
    }
}
