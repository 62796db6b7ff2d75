import Kube

/// The phase of a whole AnalysisRun from its metrics, as Argo Rollouts computes it: Running while any metric
/// is, then the worst phase of the metrics that are not in dry-run mode (dry-run metrics only count in the
/// dry-run summary). A terminating run (terminated by hand, or because a metric failed) ends with the worst
/// phase so far, Successful when nothing was measured.
public struct RunAssessment: Sendable, Equatable {
    public var phase: AnalysisPhase
    public var message: String
    /// The metric results with their phases and messages brought up to date.
    public var results: [MetricResult]
    public var runSummary: Summary
    public var dryRunSummary: Summary
    /// Metrics whose phase changed to a completed one, for events.
    public var completedMetrics: [(name: String, phase: AnalysisPhase)]

    /// How many metrics ended in each phase (`status.runSummary`).
    public struct Summary: Sendable, Equatable {
        public var count = 0
        public var successful = 0
        public var failed = 0
        public var inconclusive = 0
        public var error = 0

        public init(count: Int = 0, successful: Int = 0, failed: Int = 0, inconclusive: Int = 0, error: Int = 0) {
            self.count = count
            self.successful = successful
            self.failed = failed
            self.inconclusive = inconclusive
            self.error = error
        }

        public var json: JSON {
            [
                "count": .int(Int64(count)), "successful": .int(Int64(successful)), "failed": .int(Int64(failed)),
                "inconclusive": .int(Int64(inconclusive)), "error": .int(Int64(error)),
            ]
        }

        mutating func add(_ phase: AnalysisPhase?) {
            switch phase {
            case .failed: failed += 1
            case .inconclusive: inconclusive += 1
            case .error: error += 1
            default: successful += 1
            }
        }
    }

    public static func == (lhs: RunAssessment, rhs: RunAssessment) -> Bool {
        lhs.phase == rhs.phase && lhs.message == rhs.message && lhs.results == rhs.results
            && lhs.runSummary == rhs.runSummary && lhs.dryRunSummary == rhs.dryRunSummary
    }

    /// True once the run stops taking new measurements: terminated by hand, or a metric not in dry-run mode
    /// ended Failed, Error or Inconclusive.
    public static func isTerminating(terminate: Bool, results: [MetricResult]) -> Bool {
        terminate || results.contains { !$0.dryRun && [.failed, .error, .inconclusive].contains($0.phase) }
    }

    public static func assess(
        metrics: [Metric], results: [MetricResult], dryRun: Set<String>, terminate: Bool
    ) -> RunAssessment {
        let terminating = isTerminating(terminate: terminate, results: results)
        var assessment = RunAssessment(
            phase: .running, message: terminate ? "Run Terminated" : "", results: results, runSummary: Summary(),
            dryRunSummary: Summary(), completedMetrics: [])
        var worst: AnalysisPhase?
        var everythingCompleted = true
        for metric in metrics {
            let isDryRun = dryRun.contains(metric.name)
            if isDryRun { assessment.dryRunSummary.count += 1 } else { assessment.runSummary.count += 1 }
            guard let index = assessment.results.firstIndex(where: { $0.name == metric.name }) else {
                everythingCompleted = false
                continue
            }
            var result = assessment.results[index]
            let phase = MetricAssessment.phase(metric, result, terminating: terminating)
            if result.phase != phase {
                if phase.isCompleted { assessment.completedMetrics.append((metric.name, phase)) }
                if let last = result.measurements.last { result.message = last.message }
                result.phase = phase
            }
            guard phase.isCompleted else {
                everythingCompleted = false
                assessment.results[index] = result
                continue
            }
            let limit = MetricAssessment.limitReached(metric, result)
            if isDryRun {
                worst = worst ?? .successful
                if let limit { result.message = "Metric assessed \(phase.rawValue) due to \(limit.1)" }
                assessment.dryRunSummary.add(limit?.0)
            } else {
                if worst == nil || phase.isWorse(than: worst ?? .pending) {
                    worst = phase
                    if let limit {
                        assessment.message = "Metric \"\(metric.name)\" assessed \(phase.rawValue) due to \(limit.1)"
                        if let message = result.message, !message.isEmpty {
                            assessment.message += ": \"Error Message: \(message)\""
                        }
                    }
                }
                assessment.runSummary.add(limit?.0)
            }
            assessment.results[index] = result
        }
        if terminating {
            assessment.phase = worst ?? .successful
        } else if everythingCompleted, let worst {
            assessment.phase = worst
        } else {
            assessment.phase = .running
            assessment.message = ""
        }
        return assessment
    }
}
