import Foundation
import Kube
import Logging

/// The AnalysisRun controller: a reconcile function on `Kube`'s `ControllerRuntime`, watching AnalysisRuns and
/// the Jobs its job metrics start. Level-triggered: each reconcile reads the run's status, takes the
/// measurements that are due (`MeasurementSchedule`), assesses the run (`RunAssessment`), writes the status,
/// and asks to be woken when the next measurement is due. Everything it needs to resume is in the status, so a
/// restarted controller neither repeats nor skips a measurement.
public actor AnalysisRunController {
    static let manager = "capstan-analysis-controller"

    let client: KubeClient
    let logger: Logger
    let runtime: ControllerRuntime
    let events: EventRecorder
    let http = ProviderHTTP()
    let providers: MetricProviders
    let namespace: String?
    var runs: Informer?
    /// Compiled conditions, by their text: each condition is parsed once, not at every measurement.
    var conditionCache: [String: MetricConditions] = [:]
    /// Runs waiting for their next measurement, as last reconciled: the event of the controller's own status
    /// write finds nothing to do, and is answered from here instead of assessing the run again.
    var settled: [String: SettledRun] = [:]
    /// Told, for each measurement taken after an earlier one, how many seconds after its due time it began.
    let lateness: (@Sendable (TimeInterval) -> Void)?

    public init(
        client: KubeClient, namespace: String? = nil, workers: Int = 4, logger: Logger,
        lateness: (@Sendable (TimeInterval) -> Void)? = nil
    ) {
        self.lateness = lateness
        self.client = client
        self.logger = logger
        self.namespace = namespace
        runtime = ControllerRuntime(
            name: "analysisruns", options: .init(workers: workers, resync: .seconds(300)), logger: logger)
        events = EventRecorder(client: client, component: "capstan-analysis-controller", logger: logger)
        providers = MetricProviders([
            PrometheusProvider(http: http), WebProvider(http: http),
            JobProvider(client: client),
        ])
    }

    /// Installs the analysis CRDs if missing, starts watching and returns once the caches are synced.
    public func start() async throws {
        try await CustomResources.ensure(AnalysisCRDs.definitions, client: client, served: AnalysisCRDs.analysisRuns)
        let runs = Informer(
            client: client, gvr: AnalysisCRDs.analysisRuns, namespace: namespace, logger: logger,
            transform: Informer.withoutManagedFields)
        let jobs = Informer(
            client: client, gvr: .jobs, namespace: namespace, logger: logger, transform: Informer.withoutManagedFields)
        self.runs = runs
        await runtime.watch(runs) { [weak self] event in await self?.keys(for: event) ?? [] }
        await runtime.watch(jobs) { event in
            let owner = event.object.ownerReferences.first { $0.controller && $0.kind == "AnalysisRun" }
            return owner.map { ["\(event.object.namespace ?? "")/\($0.name)"] } ?? []
        }
        await runtime.start(allKeys: { await runs.list().map(\.key) }) { [weak self] key in
            await self?.reconcile(key) ?? .done
        }
    }

    public func stop() async {
        await runtime.stop()
        do { try await http.shutdown() } catch {
            logger.debug("provider HTTP shutdown", metadata: ["error": "\(error)"])
        }
    }

    /// The run an event concerns, unless it is the controller's own status write of a settled run: that run's
    /// timer is set for its next measurement, and reconciling it now would find nothing to do.
    func keys(for event: InformerEvent) -> [String] {
        let key = event.object.key
        if case .updated(_, let run) = event, let memo = settled[key], memo.isUnchanged(run) {
            settled[key]?.confirmed = run.resourceVersion
            return []
        }
        return [key]
    }

    func reconcile(_ key: String) async -> ReconcileResult {
        guard let run = await runs?.get(key), run.deletionTimestamp == nil else {
            settled[key] = nil
            return .done
        }
        let now = Date()
        let memo = settled.removeValue(forKey: key)
        if let memo, let wait = memo.wait(for: run, now: now) {
            settled[key] = memo
            return .requeue(after: wait)
        }
        if let phase = run.status?["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:)), phase.isCompleted {
            return await expire(run, now: now)
        }
        let spec = AnalysisRunSpec(run.spec ?? [:])
        let plan: RunPlan
        let unchanged = memo?.isUnchanged(run) == true
        if let memo, unchanged || memo.spec == run.spec {
            plan = memo.plan
        } else {
            do {
                plan = try prepare(spec)
            } catch {
                return await end(run, message: "Analysis spec invalid: \(error.message)", now: now)
            }
        }
        var results =
            if let memo, unchanged {
                memo.results
            } else {
                (run.status?["metricResults"]?.arrayValue ?? []).map(MetricResult.init)
            }
        let startedAt = run.status?["startedAt"]?.stringValue.flatMap(KubeTime.parse) ?? now
        let terminating = RunAssessment.isTerminating(terminate: spec.terminate, results: results)
        let tasks = MeasurementSchedule.tasks(
            metrics: plan.metrics, results: results, startedAt: startedAt, terminating: terminating, now: now)
        if let lateness {
            for task in tasks where task.inFlight == nil {
                let result = results.first { $0.name == task.metric.name }
                guard result?.measurements.isEmpty == false,
                    let due = MeasurementSchedule.due(task.metric, result, startedAt: startedAt)
                else { continue }
                lateness(now.timeIntervalSince(due))
            }
        }
        if !tasks.isEmpty {
            let secrets: [String: String]
            let measurable: [String: Metric]
            do {
                secrets = try await ArgumentSecrets.values(spec.args, namespace: run.namespace ?? "", client: client)
                // Without secret arguments, the metrics measured are the plan's (resolved the same way).
                let metrics = secrets.isEmpty ? plan.metrics : try spec.resolvedMetrics(secrets: secrets)
                measurable = Dictionary(metrics.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            } catch {
                return await end(run, message: "Unable to resolve metric arguments: \(error)", now: now)
            }
            let taken = await measure(
                tasks, run: run, results: results, metrics: measurable, plan: plan, terminating: terminating)
            for (task, measurement) in taken {
                var measurement = measurement
                measurement.message = AnalysisRunStatusWriter.redact(
                    measurement.message, secrets: Array(secrets.values))
                record(
                    measurement, for: task, run: run.key, dryRun: plan.dryRun.contains(task.metric.name), in: &results)
            }
        }
        var assessment = RunAssessment.assess(
            metrics: plan.metrics, results: results, dryRun: plan.dryRun, terminate: spec.terminate)
        for index in assessment.results.indices {
            let limit = plan.retention[assessment.results[index].name] ?? AnalysisRunSpec.defaultMeasurementLimit
            assessment.results[index].measurements = Array(assessment.results[index].measurements.suffix(limit))
        }
        let status = AnalysisRunStatusWriter.status(
            assessment, startedAt: startedAt, completedAt: assessment.phase.isCompleted ? now : nil,
            previous: run.status)
        guard await write(run, status: status) else { return .retry }
        await announce(run, assessment)
        if assessment.phase.isCompleted { return await expire(run, now: now) }
        let next = MeasurementSchedule.nextReconcile(
            metrics: plan.metrics, results: assessment.results, startedAt: startedAt, now: now)
        guard let next else { return .done }
        settled[key] = SettledRun(spec: run.spec, status: status, next: next, plan: plan, results: assessment.results)
        return .requeue(after: .milliseconds(max(0, Int64(next.timeIntervalSince(Date()) * 1000))))
    }

    /// A run's spec and status as its last reconcile left them, when it next has work, the plan its spec
    /// resolved to and the metric results its status holds. While the run is unchanged and that time has not
    /// come, a reconcile would find no measurement due and write nothing; when it comes, an unchanged run is
    /// neither resolved nor read from its status again (the results kept are the status's, but for times
    /// finer than the status's milliseconds).
    struct SettledRun {
        var spec: JSON?
        var status: JSON
        var next: Date
        var plan: RunPlan
        var results: [MetricResult]
        /// The resourceVersion of the controller's own write, once its watch event was found unchanged: that
        /// version needs no comparison again.
        var confirmed: String?

        /// How long to wait before the next reconcile, when `run` is still as it was left; nil otherwise.
        func wait(for run: KubeObject, now: Date) -> Duration? {
            guard now < next, isUnchanged(run) else { return nil }
            return .milliseconds(max(0, Int64(next.timeIntervalSince(now) * 1000)))
        }

        func isUnchanged(_ run: KubeObject) -> Bool {
            guard run.deletionTimestamp == nil else { return false }
            if let confirmed, run.resourceVersion == confirmed { return true }
            return run.status == status && run.spec == spec
        }
    }

    /// What a run's spec resolves to before any measurement: the metrics, their compiled conditions, the
    /// dry-run metrics and the retention limits.
    struct RunPlan {
        var metrics: [Metric]
        var conditions: [String: MetricConditions]
        var dryRun: Set<String>
        var retention: [String: Int]
    }

    func prepare(_ spec: AnalysisRunSpec) throws(AnalysisSpecError) -> RunPlan {
        let metrics = try spec.resolvedMetrics()
        var seen: Set<String> = []
        var conditions: [String: MetricConditions] = [:]
        for metric in metrics {
            guard !metric.name.isEmpty else { throw AnalysisSpecError("a metric has no name") }
            guard seen.insert(metric.name).inserted else {
                throw AnalysisSpecError("two metrics have the same name '\(metric.name)'")
            }
            if case .failure(let error) = providers.provider(for: metric) { throw error }
            for (field, value) in [("interval", metric.interval), ("initialDelay", metric.initialDelay)] {
                if let value, GoDuration.parse(value) == nil {
                    throw AnalysisSpecError("metric \"\(metric.name)\" \(field) \"\(value)\" is not a duration")
                }
            }
            if let count = metric.count, count < 0 {
                throw AnalysisSpecError("metric \"\(metric.name)\" count must be 0 or more, not \(count)")
            }
            conditions[metric.name] = try compiled(metric)
        }
        return RunPlan(
            metrics: metrics, conditions: conditions, dryRun: try spec.dryRunMetrics(metrics),
            retention: try spec.retentionLimits(metrics))
    }

    func compiled(_ metric: Metric) throws(AnalysisSpecError) -> MetricConditions {
        let key = "\(metric.successCondition ?? "")\u{0}\(metric.failureCondition ?? "")"
        if let cached = conditionCache[key] { return cached }
        let conditions = try MetricConditions(metric)
        if conditionCache.count > 10_000 { conditionCache.removeAll() }
        conditionCache[key] = conditions
        return conditions
    }
}
