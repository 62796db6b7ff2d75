import Foundation
import Kube

/// An argument of an AnalysisTemplate or AnalysisRun: a literal `value`, or `valueFrom` a Secret key, a field
/// of the Rollout, or a pod template hash. An argument with neither is required.
public struct AnalysisArgument: Sendable, Equatable {
    public var name: String
    public var value: String?
    public var valueFrom: JSON?

    public init(name: String, value: String? = nil, valueFrom: JSON? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }

    public init(_ json: JSON) {
        name = json["name"]?.stringValue ?? ""
        value = json["value"].flatMap { $0.stringValue ?? ($0 == .null ? nil : $0.jsonText) }
        valueFrom = json["valueFrom"].flatMap { $0 == .null ? nil : $0 }
    }

    public var json: JSON {
        var json: JSON = ["name": .string(name)]
        if let value { json["value"] = .string(value) }
        if let valueFrom { json["valueFrom"] = valueFrom }
        return json
    }

    /// The Secret key this argument reads, if it is `valueFrom.secretKeyRef`.
    public var secretKeyRef: (name: String, key: String)? {
        guard let ref = valueFrom?["secretKeyRef"], let name = ref["name"]?.stringValue,
            let key = ref["key"]?.stringValue
        else { return nil }
        return (name, key)
    }
}

extension JSON {
    /// Compact JSON text, for a non-string argument value written in YAML as a number or boolean.
    var jsonText: String { serialized() }
}

/// Substitutes `{{args.NAME}}` (spaces allowed inside the braces) in every string of a metric, as Argo
/// resolves templates when a run starts.
public enum ArgumentSubstitution {
    static let pattern: NSRegularExpression = {
        do {
            return try NSRegularExpression(pattern: #"\{\{\s*args\.([A-Za-z0-9_.\-]+)\s*\}\}"#)
        } catch {
            preconditionFailure("the argument pattern is a constant: \(error)")
        }
    }()

    /// `json` with every placeholder replaced; throws naming the first argument without a value.
    public static func resolve(_ json: JSON, values: [String: String]) throws(AnalysisSpecError) -> JSON {
        switch json {
        case .string(let text): return .string(try resolve(text, values: values))
        case .array(let items):
            var resolved: [JSON] = []
            for item in items { resolved.append(try resolve(item, values: values)) }
            return .array(resolved)
        case .object(let members):
            var resolved: [String: JSON] = [:]
            for (key, value) in members { resolved[key] = try resolve(value, values: values) }
            return .object(resolved)
        default: return json
        }
    }

    /// Whether `text` holds `{{`, found over its bytes (Foundation's `contains` costs a measurement's worth).
    static func hasPlaceholder(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x7B && previous == 0x7B { return true }
            previous = byte
        }
        return false
    }

    static func resolve(_ text: String, values: [String: String]) throws(AnalysisSpecError) -> String {
        guard hasPlaceholder(text) else { return text }
        let range = NSRange(text.startIndex..., in: text)
        var result = ""
        var cursor = text.startIndex
        for match in pattern.matches(in: text, range: range) {
            guard let whole = Range(match.range, in: text), let nameRange = Range(match.range(at: 1), in: text) else {
                continue
            }
            let name = String(text[nameRange])
            guard let value = values[name] else {
                throw AnalysisSpecError("failed to resolve {{args.\(name)}}")
            }
            result += text[cursor..<whole.lowerBound] + value
            cursor = whole.upperBound
        }
        return result + text[cursor...]
    }
}

/// A problem with an analysis spec: an argument without a value, two metrics of one name, a condition that does
/// not parse. It ends the run in phase Error with this message.
public struct AnalysisSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
