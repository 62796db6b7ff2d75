import Foundation

/// What a strategy's planner decides, in the terms the controller acts on: ReplicaSets to create and scale,
/// the status to write, and when to look again.
public protocol RolloutPlan: Sendable {
    /// ReplicaSet name → replicas.
    var scale: [String: Int] { get set }
    /// Replicas for the new ReplicaSet, when it does not exist yet.
    var newReplicaSet: Int? { get set }
    var status: RolloutStatus { get }
    /// Healthy, Progressing, Paused or Degraded.
    var phase: String { get }
    var message: String { get }
    var requeueAfter: Duration? { get }
}

extension CanaryPlanner.Plan: RolloutPlan {}

extension RolloutPlan {
    /// Asks for `replicas` on the new ReplicaSet (`newRS`, or one to create). A plan may ask several times
    /// (one step's size, then the next step's): the last ask decides, and one that matches what the
    /// ReplicaSet already has cancels an earlier one.
    mutating func setNew(_ replicas: Int, newRS: ReplicaSetState?) {
        if let newRS {
            scale[newRS.name] = newRS.replicas != replicas ? replicas : nil
        } else {
            newReplicaSet = replicas
        }
    }
}
