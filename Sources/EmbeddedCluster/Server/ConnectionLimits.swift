import Foundation
import NIOCore

/// The embedded server's connection bounds, derived from what the process may open.
public enum ConnectionLimits {
    /// 4,096 connections, or fewer when the process's file-descriptor limit is lower (keeping 512 for the
    /// store, watches' internals and the simulation).
    public static var defaultMaximumConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 4_096 }
        let available = limit.rlim_cur > UInt64(Int32.max) ? Int.max : Int(limit.rlim_cur) - 512
        return max(64, min(4_096, available))
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
