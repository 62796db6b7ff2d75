import Foundation
import Kube

/// The AnalysisRun status the controller writes, under Argo's field names, and when a completed run expires
/// under its `ttlStrategy`.
enum AnalysisRunStatusWriter {
    static func status(
        _ assessment: RunAssessment, startedAt: Date, completedAt: Date?, previous: JSON?
    ) -> JSON {
        var status: JSON = [
            "phase": .string(assessment.phase.rawValue), "startedAt": .string(KubeTime.format(startedAt)),
            "metricResults": .array(assessment.results.map(\.json)), "runSummary": assessment.runSummary.json,
            "dryRunSummary": assessment.dryRunSummary.json,
        ]
        if !assessment.message.isEmpty { status["message"] = .string(assessment.message) }
        if let completedAt {
            status["completedAt"] = previous?["completedAt"] ?? .string(KubeTime.format(completedAt))
        }
        return status
    }

    /// The status of a run that ends before measuring: spec invalid, arguments unresolvable.
    static func failed(_ message: String, previous: JSON?, now: Date) -> JSON {
        var status = previous ?? [:]
        status["phase"] = .string(AnalysisPhase.error.rawValue)
        status["message"] = .string(message)
        status["startedAt"] = previous?["startedAt"] ?? .string(KubeTime.format(now))
        status["completedAt"] = .string(KubeTime.format(now))
        return status
    }

    /// When the completed `run` is to be deleted: `secondsAfterSuccess` for a Successful run,
    /// `secondsAfterFailure` for a Failed one, else `secondsAfterCompletion`; nil when it is kept.
    static func expiry(_ run: KubeObject) -> Date? {
        guard let ttl = run.spec?["ttlStrategy"], let status = run.status,
            let completed = status["completedAt"]?.stringValue.flatMap(KubeTime.parse)
        else { return nil }
        let phase = status["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:))
        var seconds = ttl["secondsAfterCompletion"]?.intValue
        if phase == .successful, let success = ttl["secondsAfterSuccess"]?.intValue { seconds = success }
        if phase == .failed, let failure = ttl["secondsAfterFailure"]?.intValue { seconds = failure }
        return seconds.map { completed.addingTimeInterval(TimeInterval($0)) }
    }

    /// Removes the secret argument values from a measurement message.
    static func redact(_ message: String?, secrets: [String]) -> String? {
        guard var message else { return nil }
        for secret in secrets where !secret.isEmpty {
            message = message.replacingOccurrences(of: secret, with: "*****")
        }
        return message
    }
}

/// Reads the Secret keys that `valueFrom.secretKeyRef` arguments name, in the run's namespace.
enum ArgumentSecrets {
    static func values(
        _ args: [AnalysisArgument], namespace: String, client: KubeClient
    ) async throws
        -> [String: String]
    {
        var values: [String: String] = [:]
        for arg in args where arg.value == nil {
            guard let ref = arg.secretKeyRef else { continue }
            let secret = try await client.get(.secrets, namespace: namespace, name: ref.name)
            guard let encoded = secret.json["data"]?[ref.key]?.stringValue,
                let data = Data(base64Encoded: encoded)
            else {
                throw AnalysisSpecError("key '\(ref.key)' does not exist in secret '\(ref.name)'")
            }
            values[arg.name] = String(decoding: data, as: UTF8.self)
        }
        return values
    }
}
