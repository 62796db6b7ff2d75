/// A metric's phase from its results so far, as Argo Rollouts assesses it: Failed once failures exceed
/// `failureLimit`, Inconclusive once inconclusive measurements exceed `inconclusiveLimit`, Error once errors in
/// a row exceed `consecutiveErrorLimit`, Successful once `count` measurements are taken (or the run is
/// terminating), otherwise still Running. A limit of -1 never trips.
public enum MetricAssessment {
    public static func phase(_ metric: Metric, _ result: MetricResult, terminating: Bool) -> AnalysisPhase {
        if result.phase.isCompleted { return result.phase }
        guard let last = result.measurements.last else { return terminating ? .successful : .pending }
        guard last.phase.isCompleted else { return .running }
        if let (phase, _) = limitReached(metric, result) { return phase }
        if let count = metric.effectiveCount, result.count >= count { return .successful }
        return terminating ? .successful : .running
    }

    /// The limit a metric's results exceed, with Argo's wording of why (`failed (3) > failureLimit (2)`).
    public static func limitReached(_ metric: Metric, _ result: MetricResult) -> (AnalysisPhase, String)? {
        var reached: (AnalysisPhase, String)?
        if metric.failureLimit >= 0, result.failed > metric.failureLimit {
            reached = (.failed, "failed (\(result.failed)) > failureLimit (\(metric.failureLimit))")
        }
        if metric.inconclusiveLimit >= 0, result.inconclusive > metric.inconclusiveLimit {
            reached = (
                .inconclusive, "inconclusive (\(result.inconclusive)) > inconclusiveLimit (\(metric.inconclusiveLimit))"
            )
        }
        if metric.consecutiveErrorLimit >= 0, result.consecutiveError > metric.consecutiveErrorLimit {
            reached = (
                .error,
                "consecutiveErrors (\(result.consecutiveError)) > consecutiveErrorLimit (\(metric.consecutiveErrorLimit))"
            )
        }
        return reached
    }
}
