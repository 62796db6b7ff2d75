import Foundation
import Kube

/// Finds the fields that `ignoreDifferences.jqPathExpressions` select, with Debian's `jq` binary, so the
/// expressions mean exactly what jq says they mean (Argo CD uses gojq, which follows the same language).
///
/// One `jq` process handles every object of a comparison: each input object yields one line, the list of
/// paths its expressions select (`path(E)`). An expression that fails on an object (say `.a[]` where `.a`
/// is null) selects nothing there, as Argo CD's normalizer does; one that does not compile is a
/// ComparisonError naming jq's message. Answers are cached by expression list and object content.
actor JQPathFinder {
    /// A path into a JSON document as JSON-pointer tokens (array indexes as decimal strings).
    typealias Path = [String]

    static let shared = JQPathFinder()
    private var cache: [String: [Path]] = [:]
    private let cacheLimit = 5_000

    /// The paths `expressions` select in each of `objects`, in order.
    func paths(_ expressions: [String], in objects: [JSON]) async throws(ComparisonFailure) -> [[Path]] {
        guard !expressions.isEmpty, !objects.isEmpty else { return objects.map { _ in [] } }
        let prefix = expressions.joined(separator: "\u{1}") + "\u{0}"
        let keys = objects.map { prefix + $0.serialized() }
        let missing = Array(Set(keys.filter { cache[$0] == nil }))
        if !missing.isEmpty {
            let found = try await Self.run(expressions, inputs: missing.map { String($0.dropFirst(prefix.count)) })
            if cache.count + found.count > cacheLimit { cache.removeAll() }
            for (key, paths) in zip(missing, found) { cache[key] = paths }
        }
        return keys.map { cache[$0] ?? [] }
    }

    /// `[(try [path(E1)] catch []), ...] | add` over a stream of objects, one output line per object.
    static func program(_ expressions: [String]) -> String {
        "[" + expressions.map { "(try [path(\($0))] catch [])" }.joined(separator: ", ") + "] | add // []"
    }

    private static func run(_ expressions: [String], inputs: [String]) async throws(ComparisonFailure) -> [[Path]] {
        guard let jq = ExternalTool.find("jq") else {
            throw .comparison(
                "ignoreDifferences uses jqPathExpressions, but no 'jq' binary is installed on the controller's PATH")
        }
        let output: ExternalTool.Output
        do {
            output = try await ExternalTool.runDetached(
                jq, ["-c", program(expressions)], input: Data(inputs.joined(separator: "\n").utf8))
        } catch {
            throw .comparison("ignoreDifferences: could not run jq: \(error)")
        }
        let listed = expressions.map { "'\($0)'" }.joined(separator: ", ")
        guard output.status == 0 else {
            let message = output.stderr.split(separator: "\n").first.map(String.init) ?? "exit status \(output.status)"
            throw .comparison("ignoreDifferences jqPathExpressions \(listed) are not valid jq: \(message)")
        }
        let lines = output.stdout.split(separator: UInt8(ascii: "\n"))
        guard lines.count == inputs.count else {
            throw .comparison(
                "ignoreDifferences jqPathExpressions \(listed) must select paths within one object; "
                    + "jq gave \(lines.count) answers for \(inputs.count) objects")
        }
        return lines.map { line in
            // A line that is not a path array selects nothing (jq printed something else for that object).
            ((try? JSON.parse(Array(line)))?.arrayValue ?? []).compactMap { path -> Path? in
                guard let steps = path.arrayValue else { return nil }
                let tokens = steps.compactMap { step -> String? in
                    if let key = step.stringValue { return key }
                    if case .int(let index) = step { return String(index) }
                    if case .double(let index) = step, index == index.rounded() { return String(Int(index)) }
                    return nil
                }
                return tokens.count == steps.count && !tokens.isEmpty ? tokens : nil
            }
        }
    }

    /// Removes `paths` from `json`, deepest and highest array index first, so earlier removals do not shift
    /// the elements later paths name.
    static func remove(_ paths: [Path], from json: JSON) -> JSON {
        let ordered = paths.sorted { a, b in
            for (x, y) in zip(a, b) where x != y {
                if let i = Int(x), let j = Int(y) { return i > j }
                return x > y
            }
            return a.count > b.count
        }
        return ordered.reduce(json) { Normalizer.remove(tokens: $1, from: $0) }
    }
}
