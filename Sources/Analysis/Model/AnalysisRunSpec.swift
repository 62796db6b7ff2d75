import Foundation
import Kube

/// An AnalysisRun's spec (or an AnalysisTemplate's, which has the same parts but `terminate`): args, metrics,
/// dry-run and measurement-retention rules by metric-name pattern, and the TTL after completion.
public struct AnalysisRunSpec: Sendable, Equatable {
    public var args: [AnalysisArgument]
    /// The metrics as written; `{{args.*}}` placeholders are resolved when measured.
    public var metrics: [JSON]
    /// Regular expressions over metric names whose results only count in the dry-run summary.
    public var dryRun: [String]
    /// How many measurements to keep for the metrics a pattern matches (10 otherwise).
    public var measurementRetention: [(pattern: String, limit: Int)]
    public var terminate: Bool
    public var ttlStrategy: JSON?

    public static let defaultMeasurementLimit = 10

    public init(_ spec: JSON) {
        args = (spec["args"]?.arrayValue ?? []).map(AnalysisArgument.init)
        metrics = spec["metrics"]?.arrayValue ?? []
        dryRun = (spec["dryRun"]?.arrayValue ?? []).compactMap { $0["metricName"]?.stringValue }
        measurementRetention = (spec["measurementRetention"]?.arrayValue ?? []).compactMap { rule in
            guard let pattern = rule["metricName"]?.stringValue else { return nil }
            return (pattern, Metric.integer(rule["limit"]) ?? Self.defaultMeasurementLimit)
        }
        terminate = spec["terminate"]?.boolValue ?? false
        ttlStrategy = spec["ttlStrategy"]
    }

    public static func == (lhs: AnalysisRunSpec, rhs: AnalysisRunSpec) -> Bool {
        lhs.args == rhs.args && lhs.metrics == rhs.metrics && lhs.dryRun == rhs.dryRun
            && lhs.measurementRetention.map(\.pattern) == rhs.measurementRetention.map(\.pattern)
            && lhs.measurementRetention.map(\.limit) == rhs.measurementRetention.map(\.limit)
            && lhs.terminate == rhs.terminate && lhs.ttlStrategy == rhs.ttlStrategy
    }

    /// The metrics with every argument substituted; secret arguments stand in with a placeholder, as Argo
    /// resolves them for everything but the measurement itself.
    public func resolvedMetrics(secrets: [String: String] = [:]) throws(AnalysisSpecError) -> [Metric] {
        var values: [String: String] = [:]
        for arg in args {
            if let value = arg.value {
                values[arg.name] = value
            } else if arg.secretKeyRef != nil {
                values[arg.name] = secrets[arg.name] ?? "*****"
            }
        }
        var resolved: [Metric] = []
        for metric in metrics { resolved.append(Metric(try ArgumentSubstitution.resolve(metric, values: values))) }
        return resolved
    }

    /// Names of the metrics in dry-run mode; a rule that matches no metric is an error, as in Argo.
    public func dryRunMetrics(_ metrics: [Metric]) throws(AnalysisSpecError) -> Set<String> {
        var names: Set<String> = []
        for (index, pattern) in dryRun.enumerated() {
            let matched = try Self.matching(pattern, metrics)
            guard !matched.isEmpty else {
                throw AnalysisSpecError("dryRun[\(index)]: Rule didn't match any metric name(s)")
            }
            names.formUnion(matched)
        }
        return names
    }

    /// How many measurements each metric keeps.
    public func retentionLimits(_ metrics: [Metric]) throws(AnalysisSpecError) -> [String: Int] {
        var limits: [String: Int] = [:]
        for (index, rule) in measurementRetention.enumerated() {
            let matched = try Self.matching(rule.pattern, metrics)
            guard !matched.isEmpty else {
                throw AnalysisSpecError("measurementRetention[\(index)]: Rule didn't match any metric name(s)")
            }
            for name in matched where rule.limit > 0 { limits[name] = rule.limit }
        }
        return limits
    }

    static func matching(_ pattern: String, _ metrics: [Metric]) throws(AnalysisSpecError) -> Set<String> {
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw AnalysisSpecError("metric name pattern \(pattern) is not a regular expression")
        }
        return Set(
            metrics.map(\.name).filter { name in
                regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
            })
    }
}
