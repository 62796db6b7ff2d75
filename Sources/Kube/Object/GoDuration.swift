/// Durations as Kubernetes and Argo write them: Go's `time.ParseDuration` form (`30s`, `5m`, `1h30m`,
/// `1.5h`, `250ms`, `10µs`), or a plain number of seconds (an Argo pause's `duration: 30`).
///
/// Parsed over the UTF-8 bytes: controllers read a metric's interval at every measurement.
public enum GoDuration {
    /// Parses `text`; nil for anything else (a negative or empty duration, an unknown unit).
    public static func parse(_ text: String) -> Duration? {
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy(isDigit), let seconds = Int64(String(decoding: bytes, as: UTF8.self)) {
            return .seconds(seconds)
        }
        var total: Double = 0
        while !bytes.isEmpty {
            let number = bytes.prefix { isDigit($0) || $0 == 0x2E }
            guard !number.isEmpty, let value = Double(String(decoding: number, as: UTF8.self)) else { return nil }
            bytes = bytes.dropFirst(number.count)
            let unit = bytes.prefix { !isDigit($0) && $0 != 0x2E }
            guard let scale = attoseconds(String(decoding: unit, as: UTF8.self)) else { return nil }
            bytes = bytes.dropFirst(unit.count)
            total += value * scale
        }
        let seconds = (total / 1e18).rounded(.down)
        return .seconds(Int64(seconds)) + .nanoseconds(Int64((total - seconds * 1e18) / 1e9))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// A unit's length in attoseconds; Go accepts both the micro sign and the Greek mu for microseconds.
    private static func attoseconds(_ unit: String) -> Double? {
        switch unit {
        case "ns": 1e9
        case "us", "\u{B5}s", "\u{3BC}s": 1e12
        case "ms": 1e15
        case "s": 1e18
        case "m": 60e18
        case "h": 3600e18
        default: nil
        }
    }
}
