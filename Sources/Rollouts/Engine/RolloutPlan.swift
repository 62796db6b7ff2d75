import Foundation

/// What a strategy's planner decides, in the terms the controller acts on: ReplicaSets to create and scale,
/// the status to write, and when to look again.
public protocol RolloutPlan: Sendable {
    /// ReplicaSet name → replicas.
    var scale: [String: Int] { get set }
    /// Replicas for the new ReplicaSet, when it does not exist yet.
    var newReplicaSet: Int? { get set }
    var status: RolloutStatus { get set }
    /// Healthy, Progressing, Paused or Degraded.
    var phase: String { get set }
    var message: String { get set }
    var requeueAfter: Duration? { get set }
    /// ReplicaSet name → the scale-down deadline to record on it.
    var newDeadlines: [String: Date] { get set }
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

    /// The update is done: the current version (`hash`) is the stable one.
    mutating func markHealthy(_ hash: String) {
        status.stableRS = hash
        status.pauseConditions = []
        status.controllerPause = false
        status.promoteFull = false
        phase = "Healthy"
        message = ""
    }

    /// The update to `hash` was aborted; the message names the cause a failed AnalysisRun among `runs` gave.
    mutating func markAborted(_ hash: String, runs: [AnalysisRunRef?]) {
        status.pauseConditions = []
        status.controllerPause = false
        phase = "Degraded"
        message = "RolloutAborted: Rollout aborted update to revision \(hash)"
        let failedRun = runs.compactMap { $0 }.first { ["Failed", "Error"].contains($0.status) }
        if let failedRun, !failedRun.message.isEmpty { message += ": \(failedRun.message)" }
    }

    /// ReplicaSets of neither the current nor the stable version go to zero, after their scale-down deadline
    /// if they have one.
    mutating func scaleDown(_ others: [ReplicaSetState], deadlines: [String: Date], now: Date) {
        for other in others where other.replicas > 0 {
            if let deadline = deadlines[other.name], deadline > now {
                wakeUp(at: deadline, now: now)
                continue
            }
            scale[other.name] = 0
        }
    }

    /// Scales `rs` to zero `delay` seconds after the first ask, recording when as its scale-down deadline so a
    /// restarted controller keeps the same moment.
    mutating func scaleDown(
        _ rs: ReplicaSetState, afterSeconds delay: Int, deadlines: [String: Date], now: Date
    ) {
        let deadline = deadlines[rs.name] ?? now.addingTimeInterval(TimeInterval(delay))
        if deadlines[rs.name] == nil { newDeadlines[rs.name] = deadline }
        if now >= deadline {
            if rs.replicas != 0 { scale[rs.name] = 0 }
        } else {
            wakeUp(at: deadline, now: now)
        }
    }

    /// Asks to be reconciled again at `date` (or earlier, if something else asked for earlier).
    mutating func wakeUp(at date: Date, now: Date) {
        let wait = WakeUp.after(date, now: now)
        requeueAfter = min(requeueAfter ?? wait, wait)
    }
}
