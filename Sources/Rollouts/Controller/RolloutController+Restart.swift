import Foundation
import Kube
import Logging

extension RolloutController {
    /// `spec.restartAt`: pods created before it are deleted one at a time, each only while every other pod of
    /// the Rollout is Ready, so capacity drops by one pod at most; their ReplicaSets replace them. Once none is
    /// left, `status.restartedAt` records the restart as done. Returns the status member to write and when to
    /// look again.
    func restartPods(_ context: RolloutContext) async throws(KubeError) -> (status: [String: JSON], after: Duration?) {
        guard let text = context.spec.restartAt, let restartAt = KubeTime.parse(text), restartAt <= Date() else {
            return ([:], nil)
        }
        if context.object.status?["restartedAt"]?.stringValue == text { return ([:], nil) }
        let hashes = Set(context.owned.map { $0.labels[PodTemplateHash.label] ?? "" })
        let selector = KubeObject.stringMap(context.spec.selector?["matchLabels"]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let pods = try await client.list(.pods, namespace: context.object.namespace, labelSelector: selector).items
            .filter { hashes.contains($0.labels[PodTemplateHash.label] ?? "-") && $0.deletionTimestamp == nil }
        let old = pods.filter { pod in
            (pod.creationTimestamp.flatMap(KubeTime.parse) ?? .distantFuture) < restartAt
        }.sorted { ($0.creationTimestamp ?? "") < ($1.creationTimestamp ?? "") }
        guard let next = old.first else { return (["restartedAt": .string(text)], nil) }
        let ready = pods.filter { pod in
            (pod.status?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
        }
        let desired = context.states.reduce(0) { $0 + $1.replicas }
        guard ready.count >= desired else { return ([:], .seconds(1)) }
        try await client.deleteIfExists(.pods, namespace: context.object.namespace, name: next.name)
        await events.record(
            context.object, type: .normal, reason: "RestartingPods",
            message: "Rollout restarting pod \(next.name) (\(old.count) pods from before \(text) left)")
        return ([:], .seconds(1))
    }
}
