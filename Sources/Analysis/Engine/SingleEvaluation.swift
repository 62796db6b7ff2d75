import Foundation
import Kube

/// One measurement of every metric of a run spec, taken now and judged, ignoring intervals and counts: what
/// `capstan analysis run` prints, so a template can be checked against a live Prometheus before a Rollout
/// depends on it.
public enum SingleEvaluation {
    /// A metric's single measurement, or the reason it could not be taken.
    public struct Verdict: Sendable {
        public var metric: String
        public var measurement: Measurement
        public var dryRun: Bool
    }

    /// Measures each metric of `spec` once. Throws for a spec that cannot run (a missing argument, a condition
    /// that does not parse); secret arguments must be given as values.
    public static func evaluate(
        _ spec: AnalysisRunSpec, providers: MetricProviders, context: MeasurementContext
    )
        async throws(AnalysisSpecError) -> [Verdict]
    {
        if let secret = spec.args.first(where: { $0.value == nil && $0.secretKeyRef != nil }) {
            throw AnalysisSpecError("argument \(secret.name) reads a Secret; pass it with --arg \(secret.name)=VALUE")
        }
        let metrics = try spec.resolvedMetrics()
        let dryRun = try spec.dryRunMetrics(metrics)
        var verdicts: [Verdict] = []
        for metric in metrics {
            let conditions = try MetricConditions(metric)
            let measurement = await providers.measure(
                MeasurementSchedule.Task(metric: metric, inFlight: nil), conditions: conditions, terminating: false,
                context: context)
            verdicts.append(
                Verdict(metric: metric.name, measurement: measurement, dryRun: dryRun.contains(metric.name)))
        }
        return verdicts
    }
}
