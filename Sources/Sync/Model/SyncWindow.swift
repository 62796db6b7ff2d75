import Foundation
import Kube

/// One entry of an AppProject's `spec.syncWindows`: a time window, opened by a cron `schedule` for a
/// `duration` in `timeZone` (default UTC), that allows or denies syncs of the Applications it matches by
/// `applications`, `namespaces` or `clusters` (wildcards; any one matching, or all with `andOperator`).
/// `syncOverrun` is not implemented: a deny window that opens stops new syncs but not a running one.
public struct SyncWindow: Sendable, Equatable {
    public enum Kind: String, Sendable { case allow, deny }

    public var kind: Kind
    public var schedule: CronSchedule
    public var scheduleText: String
    public var duration: Duration
    public var applications: [String]
    public var namespaces: [String]
    public var clusters: [String]
    public var manualSync: Bool
    public var andOperator: Bool
    public var timeZone: TimeZone

    /// Reads one window; a malformed one is an error naming the field.
    public init(json: JSON) throws(CronSchedule.ParseError) {
        guard let kind = Kind(rawValue: json["kind"]?.stringValue ?? "") else {
            throw .init(description: "kind '\(json["kind"]?.stringValue ?? "")' must be allow or deny")
        }
        self.kind = kind
        scheduleText = json["schedule"]?.stringValue ?? ""
        schedule = try CronSchedule(scheduleText)
        let durationText = json["duration"]?.stringValue ?? ""
        guard let duration = DurationParser.parse(durationText), duration > .zero else {
            throw .init(description: "duration '\(durationText)' is not a duration (say 30m or 1h)")
        }
        self.duration = duration
        func strings(_ key: String) throws(CronSchedule.ParseError) -> [String] {
            guard let value = json[key], value != .null else { return [] }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw .init(description: "\(key) must be a list of names or patterns")
            }
            return list.compactMap(\.stringValue)
        }
        applications = try strings("applications")
        namespaces = try strings("namespaces")
        clusters = try strings("clusters")
        manualSync = json["manualSync"]?.boolValue ?? false
        andOperator = json["andOperator"]?.boolValue ?? false
        let zone = json["timeZone"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
        guard let timeZone = TimeZone(identifier: zone) else {
            throw .init(description: "timeZone '\(zone)' is not a known time zone")
        }
        self.timeZone = timeZone
    }

    /// Whether the window applies to the Application.
    func matches(_ app: Application) -> Bool {
        func any(_ patterns: [String], _ value: String?) -> Bool? {
            guard !patterns.isEmpty else { return nil }
            guard let value else { return false }
            return patterns.contains { Glob($0, pathAware: false).matches(value) }
        }
        let clusterNames = [app.destination.server, app.destination.name].compactMap { $0 }
        let results = [
            any(applications, app.name), any(namespaces, app.destination.namespace),
            clusters.isEmpty ? nil : clusterNames.contains { any(clusters, $0) == true },
        ].compactMap { $0 }
        guard !results.isEmpty else { return false }
        return andOperator ? results.allSatisfy { $0 } : results.contains(true)
    }

    /// Whether the window is open at `date`.
    public func isActive(at date: Date) -> Bool {
        schedule.lastFiring(atOrBefore: date, within: duration, timeZone: timeZone) != nil
    }

    var summary: String { "\(kind.rawValue) '\(scheduleText)' for \(DurationParser.format(duration))" }
}

/// The sync windows of a project as they bear on one Application: Argo CD's rules.
/// - no matching window: syncs are allowed;
/// - an active matching deny window denies, even when an allow window is active too;
/// - with matching allow windows, syncs are allowed only while one of them is active;
/// - a manual sync passes a blocking window set when one of the blocking windows has `manualSync: true`.
public struct SyncWindows: Sendable {
    public var windows: [SyncWindow]

    public init(_ windows: [SyncWindow]) { self.windows = windows }

    /// nil when a sync may start now; otherwise why not.
    public func blockReason(for app: Application, manual: Bool, at date: Date = Date()) -> String? {
        let matching = windows.filter { $0.matches(app) }
        guard !matching.isEmpty else { return nil }
        let activeDeny = matching.filter { $0.kind == .deny && $0.isActive(at: date) }
        if !activeDeny.isEmpty {
            if manual && activeDeny.contains(where: \.manualSync) { return nil }
            return "blocked by deny window " + activeDeny.map(\.summary).joined(separator: ", ")
        }
        let allows = matching.filter { $0.kind == .allow }
        guard !allows.isEmpty, !allows.contains(where: { $0.isActive(at: date) }) else { return nil }
        if manual && allows.contains(where: \.manualSync) { return nil }
        return "outside every allow window (" + allows.map(\.summary).joined(separator: ", ") + ")"
    }
}
