import Foundation
import Kube
import Logging

extension AnalysisRunController {
    /// Takes the due measurements in parallel.
    func measure(
        _ tasks: [MeasurementSchedule.Task], run: KubeObject, results: [MetricResult], metrics: [String: Metric],
        plan: RunPlan, terminating: Bool
    ) async -> [(MeasurementSchedule.Task, Measurement)] {
        let providers = self.providers
        return await withTaskGroup(of: (MeasurementSchedule.Task, Measurement).self) { group in
            for var task in tasks {
                task.metric = metrics[task.metric.name] ?? task.metric
                let result = results.first { $0.name == task.metric.name }
                let context = MeasurementContext(
                    namespace: run.namespace ?? "", runName: run.name, runUID: run.uid,
                    measurementIndex: (result?.count ?? 0) + (result?.error ?? 0) + 1)
                let conditions = plan.conditions[task.metric.name]
                group.addTask {
                    guard let conditions else {
                        return (
                            task, Measurement(phase: .error, message: "conditions not compiled", finishedAt: Date())
                        )
                    }
                    let measurement = await providers.measure(
                        task, conditions: conditions, terminating: terminating, context: context)
                    return (task, measurement)
                }
            }
            var taken: [(MeasurementSchedule.Task, Measurement)] = []
            for await pair in group { taken.append(pair) }
            return taken
        }
    }

    /// Puts a measurement into its metric's result: replacing the one in flight, or appended as a new one;
    /// counted once it is complete.
    func record(
        _ measurement: Measurement, for task: MeasurementSchedule.Task, run: String, dryRun: Bool,
        in results: inout [MetricResult]
    ) {
        let name = task.metric.name
        var index = results.firstIndex { $0.name == name }
        if index == nil {
            results.append(MetricResult(name: name, phase: .running, dryRun: dryRun))
            index = results.count - 1
        }
        guard let index else { return }
        if task.inFlight != nil, !results[index].measurements.isEmpty {
            results[index].measurements[results[index].measurements.count - 1] = measurement
        } else {
            results[index].measurements.append(measurement)
        }
        if measurement.phase.isCompleted { results[index].record(measurement) }
        if measurement.phase == .error {
            logger.warning(
                "measurement error",
                metadata: ["analysisrun": "\(run)", "metric": "\(name)", "error": "\(measurement.message ?? "")"])
        }
    }

    /// Writes the status if it changed, guarded by the resourceVersion read: a user's `terminate` written
    /// meanwhile is a conflict and a retry on fresh state, never a lost update.
    func write(_ run: KubeObject, status: JSON) async -> Bool {
        guard run.status != status else { return true }
        do {
            try await client.patchWithoutResult(
                AnalysisCRDs.analysisRuns, namespace: run.namespace, name: run.name, type: .merge,
                patch: ["metadata": ["resourceVersion": .string(run.resourceVersion ?? "")], "status": status],
                subresource: "status", fieldManager: Self.manager)
            return true
        } catch {
            let level: Logger.Level = error.code == 409 ? .debug : .warning
            logger.log(
                level: level, "cannot write analysis run status",
                metadata: ["analysisrun": "\(run.key)", "error": "\(error)"])
            return false
        }
    }

    /// Events for metrics that completed and for the run's completion, as Argo names them.
    func announce(_ run: KubeObject, _ assessment: RunAssessment) async {
        for (name, phase) in assessment.completedMetrics {
            await events.record(
                run, type: [.failed, .error].contains(phase) ? .warning : .normal, reason: "Metric\(phase.rawValue)",
                message: "Metric '\(name)' Completed. Result: \(phase.rawValue)")
        }
        let previous = run.status?["phase"]?.stringValue
        guard assessment.phase.isCompleted, previous != assessment.phase.rawValue else { return }
        await events.record(
            run, type: [.failed, .error].contains(assessment.phase) ? .warning : .normal,
            reason: "AnalysisRun\(assessment.phase.rawValue)",
            message: "Analysis Completed. Result: \(assessment.phase.rawValue)"
                + (assessment.message.isEmpty ? "" : ": \(assessment.message)"))
        logger.info(
            "analysis run completed",
            metadata: [
                "analysisrun": "\(run.key)", "phase": "\(assessment.phase.rawValue)",
                "message": "\(assessment.message)",
            ])
    }

    /// Ends a run that cannot measure (invalid spec, unresolvable arguments) in phase Error, with an event and a
    /// log line naming the cause.
    func end(_ run: KubeObject, message: String, now: Date) async -> ReconcileResult {
        let status = AnalysisRunStatusWriter.failed(message, previous: run.status, now: now)
        guard await write(run, status: status) else { return .retry }
        logger.warning("analysis run failed", metadata: ["analysisrun": "\(run.key)", "error": "\(message)"])
        await events.record(run, type: .warning, reason: "AnalysisRunError", message: message)
        return .done
    }

    /// Deletes a completed run whose TTL has passed, or asks to be woken when it will.
    func expire(_ run: KubeObject, now: Date) async -> ReconcileResult {
        guard let expiry = AnalysisRunStatusWriter.expiry(run) else { return .done }
        guard expiry <= now else {
            return .requeue(after: .milliseconds(Int64(expiry.timeIntervalSince(now) * 1000) + 1))
        }
        do {
            try await client.deleteIfExists(AnalysisCRDs.analysisRuns, namespace: run.namespace, name: run.name)
            logger.info("analysis run deleted after its TTL", metadata: ["analysisrun": "\(run.key)"])
            return .done
        } catch {
            logger.warning(
                "cannot delete expired analysis run", metadata: ["analysisrun": "\(run.key)", "error": "\(error)"])
            return .retry
        }
    }
}
