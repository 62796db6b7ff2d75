import Foundation

/// What a strategy's planner decides, in the terms the controller acts on: ReplicaSets to create and scale,
/// the status to write, and when to look again.
public protocol RolloutPlan: Sendable {
    /// ReplicaSet name → replicas.
    var scale: [String: Int] { get }
    /// Replicas for the new ReplicaSet, when it does not exist yet.
    var newReplicaSet: Int? { get }
    var status: RolloutStatus { get }
    /// Healthy, Progressing, Paused or Degraded.
    var phase: String { get }
    var message: String { get }
    var requeueAfter: Duration? { get }
}

extension CanaryPlanner.Plan: RolloutPlan {}
