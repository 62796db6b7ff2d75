import Git
import Kube

/// `status.history`: one entry per successful sync, newest last, at most `revisionHistoryLimit` kept.
enum History {
    static func appending(
        to history: [JSON], revision: Revision, source: JSON?, startedAt: String, finishedAt: String,
        operation: SyncOperation, limit: Int
    ) -> JSON {
        let nextID = (history.compactMap { $0["id"]?.intValue }.max() ?? -1) + 1
        var entry: [String: JSON] = [
            "id": .int(nextID), "revision": .string(revision.id), "deployStartedAt": .string(startedAt),
            "deployedAt": .string(finishedAt),
            "initiatedBy": operation.json["initiatedBy"] ?? .object([:]),
        ]
        if let source { entry["source"] = source }
        var all = history + [.object(entry)]
        if all.count > max(limit, 1) { all.removeFirst(all.count - max(limit, 1)) }
        return .array(all)
    }

    /// The entry with a given id.
    static func entry(_ id: Int64, in status: JSON?) -> JSON? {
        status?["history"]?.arrayValue?.first { $0["id"]?.intValue == id }
    }
}
