import Kube

/// Event aggregation as client-go's event correlator does it: the first 10 events of one kind of happening
/// (same namespace, object kind, reason, type and reporting component) within 10 minutes are recorded one by
/// one; later ones are combined into a single "(combined from similar events)" Event whose count rises. The
/// combined counts are written at most once per simulator round, so 10,000 pods cost a few writes, not
/// 50,000 Events.
struct SimilarEvents: Sendable {
    static let individually = 10
    static let window: Duration = .seconds(600)

    struct Group: Sendable {
        var recorded = 0
        var started = ContinuousClock.now
        var combinedName: String?
        var pending = 0
        var template: KubeObject?
    }

    var groups: [String: Group] = [:]

    static func key(_ event: KubeObject) -> String {
        let object = event.json["involvedObject"]
        return [
            event.namespace ?? "", object?["kind"]?.stringValue ?? "", event.json["reason"]?.stringValue ?? "",
            event.json["type"]?.stringValue ?? "", event.json["reportingComponent"]?.stringValue ?? "",
        ].joined(separator: "|")
    }

    /// True when the event is to be recorded on its own; otherwise it was counted for the combined one.
    mutating func admit(_ event: KubeObject, now: ContinuousClock.Instant = .now) -> Bool {
        let key = Self.key(event)
        var group = groups[key] ?? Group()
        if now - group.started > Self.window { group = Group() }
        group.recorded += 1
        defer { groups[key] = group }
        guard group.recorded > Self.individually else { return true }
        group.pending += 1
        group.template = event
        return false
    }
}

extension WorkloadSimulator {
    /// Writes the combined events counted since the last round.
    func flushCombinedEvents() async {
        for (key, group) in similarEvents.groups where group.pending > 0 {
            guard var event = group.template else { continue }
            let now = JSON.string(KubeTime.now())
            similarEvents.groups[key]?.pending = 0
            if let name = group.combinedName,
                var existing = try? await store.get(.events, namespace: event.namespace, name: name)
            {
                existing.json["count"] = .int((existing.json["count"]?.intValue ?? 1) + Int64(group.pending))
                existing.json["lastTimestamp"] = now
                existing.json["message"] = .string(Self.combined(event.json["message"]?.stringValue ?? ""))
                _ = try? await store.update(
                    .events, namespace: event.namespace, name: name, object: existing, options: writer)
                continue
            }
            event.json["count"] = .int(Int64(group.pending))
            event.json["message"] = .string(Self.combined(event.json["message"]?.stringValue ?? ""))
            event.name = Self.eventName(about: event.json[path: ["involvedObject", "name"]]?.stringValue ?? "event")
            if let created = try? await store.create(
                .events, namespace: event.namespace, object: event, options: writer)
            {
                similarEvents.groups[key]?.combinedName = created.name
            }
        }
    }

    static func combined(_ message: String) -> String { "(combined from similar events): " + message }
}
