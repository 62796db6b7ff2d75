import Foundation
import Kube

/// `capstan rollout get`'s picture of a Rollout, laid out like Argo Rollouts' `kubectl argo rollouts get`: a
/// header (status, strategy, step, set and actual weight, images by role, replica counts), then a tree of the
/// revisions, each with its ReplicaSet, the ReplicaSet's pods and the revision's AnalysisRuns (with counts of
/// successful, failed and errored measurements). Drawn by `capstan rollout get [--watch]`.
public enum RolloutTree {
    /// The header lines and the tree's rows (NAME, KIND, STATUS, AGE, INFO), for a table.
    public static func render(
        rollout: KubeObject, replicaSets: [KubeObject], pods: [KubeObject], analysisRuns: [KubeObject], now: Date
    ) -> (header: [String], rows: [[String]]) {
        let summary = RolloutSummary(rollout, replicaSets: replicaSets)
        var rows: [[String]] = [
            ["⟳ \(summary.name)", "Rollout", symbol(summary.phase) + " " + summary.phase, age(rollout, now), ""]
        ]
        func add(_ row: [String], prefix: String, last: Bool) {
            rows.append([prefix + (last ? "└──" : "├──") + row[0]] + row.dropFirst())
        }
        let owned = replicaSets.filter { rs in rs.ownerReferences.contains { $0.uid == rollout.uid } }
        let runs = analysisRuns.filter { run in run.ownerReferences.contains { $0.uid == rollout.uid } }
        let revisions = Set(
            owned.map { $0.annotations[RevisionHistory.annotation] ?? "" }
                + runs.map { $0.annotations[RevisionHistory.annotation] ?? "" }
        ).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        for (index, revision) in revisions.enumerated() {
            let lastRevision = index == revisions.count - 1
            add(["# revision:\(revision)", "", "", "", ""], prefix: "", last: lastRevision)
            // Each ReplicaSet with its pods, then the revision's AnalysisRuns.
            var children: [(row: [String], pods: [[String]])] = []
            for rs in owned where rs.annotations[RevisionHistory.annotation] == revision {
                let podRows = pods.filter { pod in pod.ownerReferences.contains { $0.uid == rs.uid } }
                    .sorted { $0.name < $1.name }.map { podRow($0, now: now) }
                children.append((replicaSetRow(rs, summary: summary, now: now), podRows))
            }
            for run in runs where run.annotations[RevisionHistory.annotation] == revision {
                children.append((analysisRunRow(run, now: now), []))
            }
            let childPrefix = lastRevision ? "   " : "│  "
            for (childIndex, child) in children.enumerated() {
                let lastChild = childIndex == children.count - 1
                add(child.row, prefix: childPrefix, last: lastChild)
                for (podIndex, pod) in child.pods.enumerated() {
                    add(pod, prefix: childPrefix + (lastChild ? "   " : "│  "), last: podIndex == child.pods.count - 1)
                }
            }
        }
        return (header(summary, rollout: rollout), rows)
    }

    static func header(_ s: RolloutSummary, rollout: KubeObject) -> [String] {
        var lines = [
            "Name:          \(s.name)", "Namespace:     \(s.namespace)",
            "Status:        \(symbol(s.phase)) \(s.phase)",
        ]
        if !s.message.isEmpty { lines.append("Message:       \(s.message)") }
        lines += ["Strategy:      \(s.strategy)", "  Step:        \(s.step)"]
        lines.append("  SetWeight:   \(s.setWeight.map(String.init) ?? "-")")
        lines.append("  ActualWeight: \(s.actualWeight.map(String.init) ?? "-")")
        let images = s.replicaSets.filter { $0.available > 0 || $0.role != "old" }.map { "\($0.image) (\($0.role))" }
        for (index, image) in Array(Set(images)).sorted().enumerated() {
            lines.append((index == 0 ? "Images:        " : "               ") + image)
        }
        let status = rollout.status ?? [:]
        lines += [
            "Replicas:", "  Desired:     \(s.desired)", "  Current:     \(status["replicas"]?.intValue ?? 0)",
            "  Updated:     \(s.updated)", "  Ready:       \(status["readyReplicas"]?.intValue ?? 0)",
            "  Available:   \(s.available)",
        ]
        return lines
    }

    static func replicaSetRow(_ rs: KubeObject, summary: RolloutSummary, now: Date) -> [String] {
        let desired = rs.spec?["replicas"]?.intValue ?? 0
        let available = rs.status?["availableReplicas"]?.intValue ?? 0
        let state = desired == 0 ? "ScaledDown" : available >= desired ? "Healthy" : "Progressing"
        let role = summary.replicaSets.first { $0.name == rs.name }?.role ?? ""
        return ["⧉ \(rs.name)", "ReplicaSet", symbol(state) + " " + state, age(rs, now), role == "old" ? "" : role]
    }

    static func podRow(_ pod: KubeObject, now: Date) -> [String] {
        let statuses = pod.status?["containerStatuses"]?.arrayValue ?? []
        let ready = statuses.filter { $0["ready"]?.boolValue == true }.count
        let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.intValue ?? 0) }
        let waiting = statuses.compactMap { $0["state"]?["waiting"]?["reason"]?.stringValue }.first
        let phase =
            waiting ?? (pod.deletionTimestamp != nil ? "Terminating" : pod.status?["phase"]?.stringValue ?? "Pending")
        let state = ready == statuses.count && phase == "Running" ? "Running" : phase
        var info = "ready:\(ready)/\(statuses.count)"
        if restarts > 0 { info += ",restarts:\(restarts)" }
        return ["□ \(pod.name)", "Pod", symbol(state) + " " + state, age(pod, now), info]
    }

    static func analysisRunRow(_ run: KubeObject, now: Date) -> [String] {
        let phase = run.status?["phase"]?.stringValue ?? "Pending"
        var counts: [String: Int64] = [:]
        for result in run.status?["metricResults"]?.arrayValue ?? [] {
            for key in ["successful", "failed", "inconclusive", "error"] {
                counts[key, default: 0] += result[key]?.intValue ?? 0
            }
        }
        let info = [("✔", "successful"), ("✖", "failed"), ("?", "inconclusive"), ("⚠", "error")]
            .compactMap { mark, key in (counts[key] ?? 0) > 0 ? "\(mark) \(counts[key] ?? 0)" : nil }
            .joined(separator: ",")
        return ["α \(run.name)", "AnalysisRun", symbol(phase) + " " + phase, age(run, now), info]
    }

    static func symbol(_ state: String) -> String {
        switch state {
        case "Healthy", "Running", "Successful", "Succeeded": return "✔"
        case "Paused": return "॥"
        case "Degraded", "Failed", "Error", "CrashLoopBackOff": return "✖"
        case "ScaledDown", "Terminating": return "•"
        case "Inconclusive": return "?"
        default: return "◌"
        }
    }

    static func age(_ object: KubeObject, _ now: Date) -> String {
        guard let created = object.creationTimestamp.flatMap(KubeTime.parse) else { return "" }
        let seconds = max(0, Int(now.timeIntervalSince(created)))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}
