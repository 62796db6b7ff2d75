import Foundation
import Git
import Kube

/// Drift that a successful sync did not remove: the last sync of the compared revision succeeded, and
/// either a self-heal sync already re-applied it or it finished a while ago, yet the cluster still differs. Reported as the `PersistentDriftWarning` condition naming the fields,
/// so an Application that cannot converge (a field the server or another controller keeps rewriting) says
/// why, while automation backs off instead of re-applying in a loop.
enum PersistentDrift {
    static let conditionType = "PersistentDriftWarning"
    /// How long after a sync drift must remain before it counts (watch events of the sync itself settle).
    static let settleTime: TimeInterval = 5
    /// At most this many fields are named in the message.
    static let fieldsNamed = 10

    /// Whether the operation synced this revision of this source: a changed source (an image override
    /// written into the Application, a new path) is a new target, as in Argo CD, not drift from the old one.
    static func synced(_ operation: JSON, revision: String, source: JSON?) -> Bool {
        guard operation[path: ["syncResult", "revision"]]?.stringValue == revision else { return false }
        guard let recorded = operation[path: ["syncResult", "source"]], let source else { return true }
        return recorded == source
    }

    static func message(
        previous: JSON, comparison: Comparison, source: JSON?, selfHealRetries: Int, now: Date = Date()
    ) -> String? {
        guard !comparison.isSynced, let op = previous["operationState"], op["phase"]?.stringValue == "Succeeded",
            synced(op, revision: comparison.revision.id, source: source)
        else { return nil }
        let finished = op["finishedAt"]?.stringValue.flatMap(KubeTime.parse)
        guard selfHealRetries > 0 || finished.map({ now.timeIntervalSince($0) >= settleTime }) == true else {
            return nil
        }
        var fields: [String] = []
        for key in comparison.outOfSync.sorted(by: { "\($0)" < "\($1)" }) {
            let object = "\(key.kind) \(key.namespace.isEmpty ? "" : key.namespace + "/")\(key.name)"
            guard let diff = comparison.diffs[key], !diff.isMissing else {
                fields.append("\(object) (missing)")
                continue
            }
            fields += diff.changes.map { "\(object) \($0.path)" }
        }
        let shown = fields.prefix(fieldsNamed).joined(separator: "; ")
        let more = fields.count > fieldsNamed ? " and \(fields.count - fieldsNamed) more" : ""
        return "the cluster still differs from revision \(comparison.revision.short), which was synced "
            + "successfully; these fields do not converge: \(shown)\(more)"
    }
}
