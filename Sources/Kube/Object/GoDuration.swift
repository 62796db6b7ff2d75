import Foundation

/// Durations as Kubernetes and Argo write them: Go's `time.ParseDuration` form (`30s`, `5m`, `1h30m`,
/// `1.5h`, `250ms`), or a plain number of seconds (an Argo pause's `duration: 30`).
public enum GoDuration {
    static let units: [(suffix: String, attoseconds: Double)] = [
        ("ns", 1e9), ("us", 1e12), ("µs", 1e12), ("ms", 1e15), ("s", 1e18), ("m", 60e18), ("h", 3600e18),
    ]

    /// Parses `text`; nil for anything else (a negative or empty duration, an unknown unit).
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        var rest = Substring(text)
        var total: Double = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !$0.isNumber && $0 != "." }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.attoseconds
        }
        let seconds = (total / 1e18).rounded(.down)
        return .seconds(Int64(seconds)) + .nanoseconds(Int64((total - seconds * 1e18) / 1e9))
    }
}
