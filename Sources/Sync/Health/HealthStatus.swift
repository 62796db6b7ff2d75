/// Argo CD's health statuses, ordered from best to worst for aggregation.
public enum HealthStatus: String, Sendable, Comparable, CaseIterable {
    case healthy = "Healthy"
    case suspended = "Suspended"
    case progressing = "Progressing"
    case missing = "Missing"
    case degraded = "Degraded"
    case unknown = "Unknown"

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: HealthStatus, b: HealthStatus) -> Bool { a.rank < b.rank }
}

/// A health status with the reason shown to users.
public struct Health: Sendable, Equatable {
    public var status: HealthStatus
    public var message: String

    public init(_ status: HealthStatus, _ message: String = "") {
        self.status = status
        self.message = message
    }

    /// The worst of several (Healthy when there are none).
    public static func worst(_ all: [Health]) -> Health {
        all.max { $0.status < $1.status } ?? Health(.healthy)
    }
}
