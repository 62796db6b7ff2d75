/// The phase of a measurement, a metric or a whole AnalysisRun, as Argo Rollouts names them.
public enum AnalysisPhase: String, Sendable, CaseIterable {
    case pending = "Pending"
    case running = "Running"
    case successful = "Successful"
    case failed = "Failed"
    case error = "Error"
    case inconclusive = "Inconclusive"

    /// Successful, Failed, Error and Inconclusive end a measurement, a metric or a run.
    public var isCompleted: Bool {
        switch self {
        case .successful, .failed, .error, .inconclusive: return true
        case .pending, .running: return false
        }
    }

    /// Argo's order from best to worst; a run takes the worst phase of its metrics.
    static let order: [AnalysisPhase] = [.pending, .running, .successful, .inconclusive, .error, .failed]

    /// True when `self` is worse than `other` in Argo's order.
    public func isWorse(than other: AnalysisPhase) -> Bool {
        (Self.order.firstIndex(of: self) ?? 0) > (Self.order.firstIndex(of: other) ?? 0)
    }
}
