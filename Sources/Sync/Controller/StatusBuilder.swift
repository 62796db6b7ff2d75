import Git
import Kube

/// Builds the parts of `Application.status` a reconcile owns: sync, health, resources, conditions,
/// summary, sourceType and reconciledAt. `operationState` and `history` belong to the operation runner.
enum StatusBuilder {
    static let ownedConditionTypes: Set<String> = [
        "ComparisonError", "InvalidSpecError", "SharedResourceWarning", "RepeatedResourceWarning",
        "OrphanedResourceWarning", "SyncError", PersistentDrift.conditionType,
    ]

    static func status(
        app: Application, comparison: Comparison?, failure: ComparisonFailure?, now: String, selfHealRetries: Int = 0
    ) -> [String: JSON] {
        let previous = app.object.status ?? .object([:])
        var status: [String: JSON] = [:]
        var conditions: [(String, String)] = []
        if let failure { conditions.append((failure.type, failure.message)) }
        if let comparison {
            status["sync"] = [
                "status": .string(comparison.isSynced ? "Synced" : "OutOfSync"),
                "revision": .string(comparison.revision.id),
                "comparedTo": comparedTo(app),
            ]
            status["health"] = health(comparison.health)
            status["resources"] = .array(comparison.resources.map(resource))
            status["sourceType"] = .string(comparison.sourceType.rawValue)
            status["summary"] = ["images": .array(comparison.images.map(JSON.string))]
            conditions += comparison.warnings
            if let drift = PersistentDrift.message(
                previous: previous, comparison: comparison, source: app.sources.first?.json,
                selfHealRetries: selfHealRetries)
            {
                conditions.append((PersistentDrift.conditionType, drift))
            }
            let orphanedCount = comparison.resources.filter(\.requiresPruning).count
            if orphanedCount > 0, app.automated?.prune != true {
                conditions.append(
                    (
                        "OrphanedResourceWarning",
                        "\(orphanedCount) resources are tracked but no longer in Git and need pruning"
                    ))
            }
        } else {
            var sync = previous["sync"]?.objectValue ?? [:]
            sync["status"] = "Unknown"
            status["sync"] = .object(sync)
            status["health"] = previous["health"] ?? health(Health(.unknown))
        }
        if let op = previous["operationState"],
            op["phase"]?.stringValue == "Failed" || op["phase"]?.stringValue == "Error"
        {
            conditions.append(("SyncError", op["message"]?.stringValue ?? "sync failed"))
        }
        status["conditions"] = mergeConditions(previous["conditions"]?.arrayValue ?? [], conditions, now: now)
        return status
    }

    static func comparedTo(_ app: Application) -> JSON {
        var destination: [String: JSON] = [:]
        if let s = app.destination.server { destination["server"] = .string(s) }
        if let n = app.destination.name { destination["name"] = .string(n) }
        if let ns = app.destination.namespace { destination["namespace"] = .string(ns) }
        var result: [String: JSON] = ["destination": .object(destination)]
        if app.sources.count == 1 {
            result["source"] = app.sources[0].json
        } else {
            result["sources"] = .array(app.sources.map(\.json))
        }
        return .object(result)
    }

    static func health(_ health: Health) -> JSON {
        health.message.isEmpty
            ? ["status": .string(health.status.rawValue)]
            : ["status": .string(health.status.rawValue), "message": .string(health.message)]
    }

    static func resource(_ r: Comparison.Resource) -> JSON {
        var entry: [String: JSON] = [
            "group": .string(r.key.group), "version": .string(r.version), "kind": .string(r.key.kind),
            "name": .string(r.key.name), "status": .string(r.inSync ? "Synced" : "OutOfSync"),
        ]
        if !r.key.namespace.isEmpty { entry["namespace"] = .string(r.key.namespace) }
        if let h = r.health { entry["health"] = health(h) }
        if r.requiresPruning { entry["requiresPruning"] = true }
        if r.wave != 0 { entry["syncWave"] = .int(Int64(r.wave)) }
        return .object(entry)
    }

    /// Keeps conditions owned by others, replaces ours, and keeps `lastTransitionTime` of unchanged ones.
    static func mergeConditions(_ previous: [JSON], _ current: [(String, String)], now: String) -> JSON {
        var result = previous.filter { !ownedConditionTypes.contains($0["type"]?.stringValue ?? "") }
        for (type, message) in current {
            let old = previous.first { $0["type"]?.stringValue == type && $0["message"]?.stringValue == message }
            result.append([
                "type": .string(type), "message": .string(message),
                "lastTransitionTime": old?["lastTransitionTime"] ?? .string(now),
            ])
        }
        return .array(result)
    }
}
