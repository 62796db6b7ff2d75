import Expr
import Foundation
import Kube

/// What a provider found when it measured.
public enum ProviderOutcome: Sendable, Equatable {
    /// A value for the metric's conditions to judge, and the text recorded as the measurement's `value`.
    case value(ExprValue, text: String)
    /// A verdict the provider reaches itself (a Job succeeded or failed).
    case verdict(AnalysisPhase, text: String?, message: String?)
    /// Still running (a Job): look again at `resumeAt`; `metadata` says how to find it.
    case inFlight(resumeAt: Date, metadata: [String: String])
    /// The measurement failed: timeout, 5xx, garbage. It counts against `consecutiveErrorLimit`.
    case error(String)
}

/// The AnalysisRun a measurement is for.
public struct MeasurementContext: Sendable {
    public var namespace: String
    public var runName: String
    public var runUID: String?
    /// Which measurement of the metric this is (1 for the first), counting errors: stable across restarts.
    public var measurementIndex: Int

    public init(namespace: String, runName: String, runUID: String? = nil, measurementIndex: Int = 1) {
        self.namespace = namespace
        self.runName = runName
        self.runUID = runUID
        self.measurementIndex = measurementIndex
    }
}

/// A metric provider: one key of a metric's `provider` (`prometheus`, `web`, `job`). Adding one is adding a
/// type that conforms and listing it in `MetricProviders`; the run logic does not change.
public protocol MetricProvider: Sendable {
    /// The key under `provider` this provider handles.
    var name: String { get }
    /// Takes a new measurement.
    func measure(_ metric: Metric, context: MeasurementContext) async -> ProviderOutcome
    /// Looks again at a measurement still in flight.
    func resume(_ metric: Metric, _ measurement: Measurement, context: MeasurementContext) async -> ProviderOutcome
    /// Stops a measurement in flight because the run is terminating.
    func terminate(
        _ metric: Metric, _ measurement: Measurement, context: MeasurementContext
    ) async
        -> ProviderOutcome
}

extension MetricProvider {
    public func resume(
        _ metric: Metric, _ measurement: Measurement, context: MeasurementContext
    ) async
        -> ProviderOutcome
    {
        .error("the \(name) provider has no measurement in flight to resume")
    }

    public func terminate(
        _ metric: Metric, _ measurement: Measurement, context: MeasurementContext
    ) async
        -> ProviderOutcome
    {
        .verdict(.successful, text: measurement.value, message: "Metric Terminated")
    }
}

/// The providers a controller offers, by name, and the step that turns an outcome into a measurement.
public struct MetricProviders: Sendable {
    let providers: [String: any MetricProvider]

    public init(_ providers: [any MetricProvider]) {
        self.providers = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The provider for `metric`, or an error naming what the metric asks for.
    public func provider(for metric: Metric) -> Result<any MetricProvider, AnalysisSpecError> {
        guard let name = metric.providerName else {
            return .failure(AnalysisSpecError("metric \"\(metric.name)\" has no provider"))
        }
        guard let provider = providers[name] else {
            let known = providers.keys.sorted().joined(separator: ", ")
            return .failure(
                AnalysisSpecError("metric \"\(metric.name)\": provider \(name) is not supported (\(known))"))
        }
        return .success(provider)
    }

    /// Takes (or resumes, or terminates) one measurement and judges it with the metric's conditions.
    public func measure(
        _ task: MeasurementSchedule.Task, conditions: MetricConditions, terminating: Bool,
        context: MeasurementContext, now: @Sendable () -> Date = Date.init
    ) async -> Measurement {
        let startedAt = task.inFlight?.startedAt ?? now()
        let outcome: ProviderOutcome
        switch provider(for: task.metric) {
        case .failure(let error): outcome = .error(error.message)
        case .success(let provider):
            if let inFlight = task.inFlight {
                outcome =
                    terminating
                    ? await provider.terminate(task.metric, inFlight, context: context)
                    : await provider.resume(task.metric, inFlight, context: context)
            } else {
                outcome = await provider.measure(task.metric, context: context)
            }
        }
        var measurement = Measurement(phase: .running, startedAt: startedAt, metadata: task.inFlight?.metadata ?? [:])
        switch outcome {
        case .value(let value, let text):
            let verdict = conditions.judge(value)
            measurement.phase = verdict.phase
            measurement.value = text
            measurement.message = verdict.message
        case .verdict(let phase, let text, let message):
            measurement.phase = phase
            measurement.value = text
            measurement.message = message
        case .inFlight(let resumeAt, let metadata):
            measurement.resumeAt = resumeAt
            measurement.metadata.merge(metadata) { _, new in new }
            return measurement
        case .error(let message):
            measurement.phase = .error
            measurement.message = message
        }
        measurement.finishedAt = now()
        return measurement
    }
}
