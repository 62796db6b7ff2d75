import Foundation
import Kube

/// `progressDeadlineSeconds`: an update that makes no progress for that long is Degraded with
/// `ProgressDeadlineExceeded` (and aborted with `progressDeadlineAbort`). Progress is any change of the
/// pod hash, the step, or the updated or available replica counts; time spent paused does not count.
/// The time of the last progress is the Progressing condition's `lastUpdateTime`, as in Argo Rollouts.
public enum ProgressDeadline {
    public struct Verdict: Sendable, Equatable {
        public var lastProgress: Date
        public var exceeded: Bool
        /// When to look again if nothing else happens.
        public var checkAfter: Duration?
    }

    public static func judge(previous: JSON?, next: JSON, phase: String, deadlineSeconds: Int, now: Date) -> Verdict {
        let fields = ["currentPodHash", "currentStepIndex", "updatedReplicas", "availableReplicas"]
        let progressed = fields.contains { previous?[$0] != next[$0] }
        let recorded = (previous?["conditions"]?.arrayValue ?? []).first { $0["type"] == "Progressing" }?[
            "lastUpdateTime"]?.stringValue.flatMap(KubeTime.parse)
        let last = progressed || phase != "Progressing" ? now : (recorded ?? now)
        guard phase == "Progressing" else { return Verdict(lastProgress: last, exceeded: false, checkAfter: nil) }
        let ends = last.addingTimeInterval(TimeInterval(deadlineSeconds))
        if now >= ends { return Verdict(lastProgress: last, exceeded: true, checkAfter: nil) }
        return Verdict(
            lastProgress: last, exceeded: false,
            checkAfter: WakeUp.after(ends, now: now))
    }
}
