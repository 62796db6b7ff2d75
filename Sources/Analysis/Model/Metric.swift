import Foundation
import Kube

/// One metric of an AnalysisTemplate or AnalysisRun, read with Argo Rollouts' defaults: failureLimit 0,
/// inconclusiveLimit 0, consecutiveErrorLimit 4; no interval and no count means one measurement, an interval
/// without a count means measuring until the run is terminated. A limit of -1 turns that limit off.
public struct Metric: Sendable, Equatable {
    public var name: String
    public var interval: String?
    public var initialDelay: String?
    public var count: Int?
    public var successCondition: String?
    public var failureCondition: String?
    public var failureLimit: Int
    public var inconclusiveLimit: Int
    public var consecutiveErrorLimit: Int
    /// The `provider` object: one key (`prometheus`, `web`, `job`) naming the provider, with its settings.
    public var provider: JSON
    /// The metric as written, after argument substitution.
    public var raw: JSON

    public static let defaultConsecutiveErrorLimit = 4

    public init(_ json: JSON) {
        raw = json
        name = json["name"]?.stringValue ?? ""
        interval = Self.text(json["interval"])
        initialDelay = Self.text(json["initialDelay"])
        count = Self.integer(json["count"])
        successCondition = Self.text(json["successCondition"])
        failureCondition = Self.text(json["failureCondition"])
        failureLimit = Self.integer(json["failureLimit"]) ?? 0
        inconclusiveLimit = Self.integer(json["inconclusiveLimit"]) ?? 0
        consecutiveErrorLimit = Self.integer(json["consecutiveErrorLimit"]) ?? Self.defaultConsecutiveErrorLimit
        provider = json["provider"] ?? .null
    }

    /// How many measurements complete the metric; nil to measure until the run is terminated.
    public var effectiveCount: Int? { count ?? (interval == nil ? 1 : nil) }

    /// The provider's name: the one key of `provider`.
    public var providerName: String? { provider.objectValue?.keys.sorted().first }

    static func text(_ value: JSON?) -> String? {
        guard let value, value != .null else { return nil }
        if let string = value.stringValue { return string.isEmpty ? nil : string }
        return value.intValue.map { String($0) }
    }

    /// An integer, or an integer written as a string (`count: "{{args.count}}"` once resolved).
    static func integer(_ value: JSON?) -> Int? {
        if let number = value?.intValue { return Int(number) }
        return value?.stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}
