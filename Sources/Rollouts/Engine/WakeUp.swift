import Foundation
import Kube

/// When a reconcile must run again for something due at a time (a pause's end, a scale-down deadline): the
/// wait until it, rounded up to the millisecond, plus a small margin for the difference between the timer's
/// clock and the wall clock. A reconcile that still comes early finds it not yet due and asks for the rest.
public enum WakeUp {
    public static let margin: Duration = .milliseconds(2)

    public static func after(_ due: Date, now: Date) -> Duration {
        let milliseconds = max(0, (due.timeIntervalSince(now) * 1000).rounded(.up))
        return .milliseconds(Int64(milliseconds)) + margin
    }

    /// `now` as a status timestamp records it (whole seconds, as every Kubernetes time): timed pauses are
    /// measured from the recorded start, as Argo Rollouts measures them.
    public static func recorded(_ now: Date) -> Date { KubeTime.parse(KubeTime.format(now)) ?? now }
}
