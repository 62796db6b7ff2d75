import Foundation
import Kube

/// One measurement of a metric, stored in the AnalysisRun's status under Argo's field names. Its times are
/// kept to the millisecond (RFC 3339 with a fraction, which Kubernetes' `metav1.Time` reads too): Argo
/// truncates them to the second, which makes every run with a 1 s interval measure at the same instant.
public struct Measurement: Sendable, Equatable {
    public var phase: AnalysisPhase
    public var value: String?
    public var message: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// When an in-flight measurement (a Job) should be looked at again.
    public var resumeAt: Date?
    public var metadata: [String: String]

    public init(
        phase: AnalysisPhase, value: String? = nil, message: String? = nil, startedAt: Date? = nil,
        finishedAt: Date? = nil, resumeAt: Date? = nil, metadata: [String: String] = [:]
    ) {
        self.phase = phase
        self.value = value
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.resumeAt = resumeAt
        self.metadata = metadata
    }

    public init(_ json: JSON) {
        phase = json["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:)) ?? .error
        value = json["value"]?.stringValue
        message = json["message"]?.stringValue
        startedAt = json["startedAt"]?.stringValue.flatMap(KubeTime.parse)
        finishedAt = json["finishedAt"]?.stringValue.flatMap(KubeTime.parse)
        resumeAt = json["resumeAt"]?.stringValue.flatMap(KubeTime.parse)
        metadata = (json["metadata"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    public var json: JSON {
        var json: JSON = ["phase": .string(phase.rawValue)]
        if let value { json["value"] = .string(value) }
        if let message, !message.isEmpty { json["message"] = .string(message) }
        if let startedAt { json["startedAt"] = .string(KubeTime.formatMilliseconds(startedAt)) }
        if let finishedAt { json["finishedAt"] = .string(KubeTime.formatMilliseconds(finishedAt)) }
        if let resumeAt { json["resumeAt"] = .string(KubeTime.formatMilliseconds(resumeAt)) }
        if !metadata.isEmpty { json["metadata"] = .object(metadata.mapValues(JSON.string)) }
        return json
    }
}

/// A metric's results so far: its phase, counters and the measurements kept (`status.metricResults[]`).
public struct MetricResult: Sendable, Equatable {
    public var name: String
    public var phase: AnalysisPhase
    public var measurements: [Measurement]
    public var message: String?
    /// Measurements that completed Successful, Failed or Inconclusive (errors are not counted).
    public var count = 0
    public var successful = 0
    public var failed = 0
    public var inconclusive = 0
    public var error = 0
    public var consecutiveError = 0
    public var dryRun = false
    public var metadata: [String: String] = [:]

    public init(name: String, phase: AnalysisPhase = .running, dryRun: Bool = false) {
        self.name = name
        self.phase = phase
        self.measurements = []
        self.dryRun = dryRun
    }

    public init(_ json: JSON) {
        name = json["name"]?.stringValue ?? ""
        phase = json["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:)) ?? .running
        measurements = (json["measurements"]?.arrayValue ?? []).map(Measurement.init)
        message = json["message"]?.stringValue
        count = Self.counter(json["count"])
        successful = Self.counter(json["successful"])
        failed = Self.counter(json["failed"])
        inconclusive = Self.counter(json["inconclusive"])
        error = Self.counter(json["error"])
        consecutiveError = Self.counter(json["consecutiveError"])
        dryRun = json["dryRun"]?.boolValue ?? false
        metadata = (json["metadata"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    private static func counter(_ value: JSON?) -> Int { Int(value?.intValue ?? 0) }

    public var json: JSON {
        var json: JSON = [
            "name": .string(name), "phase": .string(phase.rawValue), "measurements": .array(measurements.map(\.json)),
        ]
        for (key, value) in [
            ("count", count), ("successful", successful), ("failed", failed), ("inconclusive", inconclusive),
            ("error", error), ("consecutiveError", consecutiveError),
        ] where value != 0 {
            json[key] = .int(Int64(value))
        }
        if let message, !message.isEmpty { json["message"] = .string(message) }
        if dryRun { json["dryRun"] = true }
        if !metadata.isEmpty { json["metadata"] = .object(metadata.mapValues(JSON.string)) }
        return json
    }

    /// Adds a completed measurement to the counters as Argo does: errors count apart and in a row; any other
    /// outcome counts towards `count` and ends a run of errors.
    public mutating func record(_ measurement: Measurement) {
        switch measurement.phase {
        case .successful: successful += 1
        case .failed: failed += 1
        case .inconclusive: inconclusive += 1
        case .error:
            error += 1
            consecutiveError += 1
            return
        case .pending, .running: return
        }
        count += 1
        consecutiveError = 0
    }
}
