import Foundation

/// Kubernetes timestamps: RFC 3339 in UTC, second precision (`metav1.Time`) or microseconds (`MicroTime`).
public enum KubeTime {
    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
    }

    /// RFC 3339 in UTC to the millisecond (`2026-12-01T08:01:43.123Z`), which `metav1.Time` also reads.
    public static func formatMilliseconds(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    public static func microNow() -> String {
        let date = Date()
        let base = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).truncatingRemainder(dividingBy: 1_000_000))
        return String(base.dropLast()) + "." + String(format: "%06d", micros) + "Z"
    }

    public static func parse(_ text: String) -> Date? {
        if let d = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }
}
