import Foundation
import Kube

/// When each metric is measured, from what the run's status records, so a restarted controller neither
/// repeats nor skips a measurement: the first after `initialDelay` from the run's start, the next one
/// `interval` after the last one finished (10 s after an error), none once `count` is reached or the run is
/// terminating (an in-flight measurement is still finished).
public enum MeasurementSchedule {
    /// A measurement to take now; `inFlight` is one already started (a Job) to resume or terminate.
    public struct Task: Sendable {
        public var metric: Metric
        public var inFlight: Measurement?

        public init(metric: Metric, inFlight: Measurement?) {
            self.metric = metric
            self.inFlight = inFlight
        }
    }

    public static let errorRetryInterval: Duration = .seconds(10)

    public static func tasks(
        metrics: [Metric], results: [MetricResult], startedAt: Date?, terminating: Bool, now: Date
    ) -> [Task] {
        var tasks: [Task] = []
        for metric in metrics {
            let result = results.first { $0.name == metric.name }
            if result?.phase.isCompleted == true { continue }
            let last = result?.measurements.last
            if let last, last.finishedAt == nil {
                if let resumeAt = last.resumeAt, resumeAt > now { continue }
                tasks.append(Task(metric: metric, inFlight: last))
                continue
            }
            if terminating { continue }
            guard let last, let finishedAt = last.finishedAt, let result else {
                if let delay = metric.initialDelay {
                    guard let startedAt, let duration = GoDurationSeconds.of(delay) else { continue }
                    if startedAt.addingTimeInterval(duration) > now { continue }
                }
                tasks.append(Task(metric: metric, inFlight: nil))
                continue
            }
            if let count = metric.effectiveCount, result.count >= count { continue }
            guard let interval = interval(metric, after: last) else { continue }
            if now >= finishedAt.addingTimeInterval(interval) { tasks.append(Task(metric: metric, inFlight: nil)) }
        }
        return tasks
    }

    /// When the run must be looked at again for its next measurement; nil when no metric has one due.
    public static func nextReconcile(metrics: [Metric], results: [MetricResult], startedAt: Date?, now: Date) -> Date? {
        metrics.compactMap { metric in
            due(metric, results.first { $0.name == metric.name }, startedAt: startedAt ?? now)
        }.min()
    }

    /// When `metric`'s next measurement (or the check of one in flight) is due; nil when none is coming.
    public static func due(_ metric: Metric, _ result: MetricResult?, startedAt: Date) -> Date? {
        if result?.phase.isCompleted == true { return nil }
        guard let result, let last = result.measurements.last else {
            return metric.initialDelay.flatMap(GoDurationSeconds.of).map { startedAt.addingTimeInterval($0) }
        }
        guard let finishedAt = last.finishedAt else { return last.resumeAt }
        if let count = metric.effectiveCount, result.count >= count { return nil }
        return interval(metric, after: last).map { finishedAt.addingTimeInterval($0) }
    }

    /// The wait after `last`: 10 s after an error, else the metric's interval; nil when it has none.
    static func interval(_ metric: Metric, after last: Measurement) -> TimeInterval? {
        if last.phase == .error { return GoDurationSeconds.seconds(errorRetryInterval) }
        return metric.interval.flatMap(GoDurationSeconds.of)
    }
}

/// Go durations (`30s`, `5m`) as seconds.
enum GoDurationSeconds {
    static func of(_ text: String) -> TimeInterval? { GoDuration.parse(text).map(seconds) }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
