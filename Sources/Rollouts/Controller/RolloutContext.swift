import Foundation
import Kube

/// What one reconcile of a Rollout read: the object, its spec and template, the pod template hash of the
/// current version, the ReplicaSets it owns.
struct RolloutContext {
    var object: KubeObject
    var spec: RolloutSpec
    var template: JSON
    var hash: String
    /// A ReplicaSet already running the template, whatever its hash.
    var reused: KubeObject?
    var owned: [KubeObject]
    var states: [ReplicaSetState]
    var status: RolloutStatus

    /// When each ReplicaSet waiting to be scaled down may be (its `scale-down-deadline` annotation).
    var deadlines: [String: Date] {
        owned.reduce(into: [String: Date]()) { result, rs in
            if let text = rs.annotations[BlueGreenPlanner.deadlineAnnotation], let date = KubeTime.parse(text) {
                result[rs.name] = date
            }
        }
    }

    /// The revision of the current version's ReplicaSet (the next one when it does not exist yet).
    var revision: Int {
        states.first { $0.hash == hash }?.revision ?? (states.map(\.revision).max() ?? 0) + 1
    }
}
