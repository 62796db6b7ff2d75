import Foundation
import Kube

/// Measures by running a Kubernetes Job (`provider.job`: `metadata` and `spec`): Successful when it completes,
/// Failed when it fails. The Job is owned by the AnalysisRun and named after it, the metric and the
/// measurement's number, so a controller restarted before it recorded the Job finds it instead of starting
/// another.
public struct JobProvider: MetricProvider {
    public let name = "job"
    let client: KubeClient
    /// How long until an unfinished Job is looked at again (the controller also wakes on Job events).
    let pollInterval: TimeInterval

    static let jobNameKey = "job-name"
    static let metricLabel = "analysisrun.argoproj.io/metric-name"
    static let runLabel = "analysisrun.argoproj.io/name"

    public init(client: KubeClient, pollInterval: TimeInterval = 5) {
        self.client = client
        self.pollInterval = pollInterval
    }

    public func measure(_ metric: Metric, context: MeasurementContext) async -> ProviderOutcome {
        guard let spec = metric.provider["job"]?["spec"], spec.objectValue != nil else {
            return .error("job: spec is required")
        }
        let name = Self.jobName(run: context.runName, metric: metric.name, index: context.measurementIndex)
        var metadata = metric.provider["job"]?["metadata"] ?? [:]
        metadata["name"] = .string(name)
        metadata["namespace"] = .string(context.namespace)
        var labels = metadata["labels"]?.objectValue ?? [:]
        labels[Self.runLabel] = .string(String(context.runName.prefix(63)))
        labels[Self.metricLabel] = .string(String(metric.name.prefix(63)))
        metadata["labels"] = .object(labels)
        if let uid = context.runUID {
            metadata["ownerReferences"] = [
                [
                    "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun", "name": .string(context.runName),
                    "uid": .string(uid), "controller": true, "blockOwnerDeletion": true,
                ]
            ]
        }
        let job = KubeObject(["apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": spec])
        do {
            _ = try await client.create(job, fieldManager: "capstan-analysis-controller")
        } catch  where error.isAlreadyExists {
            // Created by an earlier attempt whose status write was lost: it is this measurement's Job.
        } catch {
            return .error("job: cannot create Job \(name): \(error)")
        }
        return .inFlight(resumeAt: Date().addingTimeInterval(pollInterval), metadata: [Self.jobNameKey: name])
    }

    public func resume(
        _ metric: Metric, _ measurement: Measurement, context: MeasurementContext
    ) async
        -> ProviderOutcome
    {
        guard let name = measurement.metadata[Self.jobNameKey] else {
            return .error("job: the measurement names no Job")
        }
        let job: KubeObject?
        do {
            job = try await client.getIfExists(.jobs, namespace: context.namespace, name: name)
        } catch {
            return .error("job: cannot read Job \(name): \(error)")
        }
        guard let job else { return .error("job: Job \(name) no longer exists") }
        for condition in job.status?["conditions"]?.arrayValue ?? [] where condition["status"] == "True" {
            switch condition["type"]?.stringValue {
            case "Complete", "SuccessCriteriaMet": return .verdict(.successful, text: nil, message: nil)
            case "Failed", "FailureTarget":
                let reason = condition["message"]?.stringValue ?? condition["reason"]?.stringValue ?? "failed"
                return .verdict(.failed, text: nil, message: "Job \(name) failed: \(reason)")
            default: continue
            }
        }
        return .inFlight(resumeAt: Date().addingTimeInterval(pollInterval), metadata: [:])
    }

    public func terminate(
        _ metric: Metric, _ measurement: Measurement, context: MeasurementContext
    ) async
        -> ProviderOutcome
    {
        if let name = measurement.metadata[Self.jobNameKey] {
            do {
                try await client.deleteIfExists(
                    .jobs, namespace: context.namespace, name: name, propagation: .background)
            } catch {
                return .error("job: cannot delete Job \(name): \(error)")
            }
        }
        return .verdict(.successful, text: nil, message: "Metric Terminated")
    }

    /// `<run>-<metric>-<n>`, cut to a valid name.
    static func jobName(run: String, metric: String, index: Int) -> String {
        let suffix = "-\(index)"
        let base = "\(run)-\(metric)".lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return String(String(base).prefix(63 - suffix.count)).trimmingCharacters(in: ["-"]) + suffix
    }
}
