/// Go-style durations (`5s`, `3m`, `1h30m`, `250ms`), as Argo manifests write them.
public enum DurationParser {
    public static func parse(_ text: String) -> Duration? {
        var total = Duration.zero
        var number = ""
        var index = text.startIndex
        guard !text.isEmpty else { return nil }
        if let plain = Int(text) { return .seconds(plain) }
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = String(character)
            index = text.index(after: index)
            if index < text.endIndex, !text[index].isNumber, text[index] != "." {
                unit.append(text[index])
                index = text.index(after: index)
            }
            guard let value = Double(number) else { return nil }
            number = ""
            switch unit {
            case "ms": total += .milliseconds(Int64(value))
            case "s": total += .milliseconds(Int64(value * 1000))
            case "m": total += .milliseconds(Int64(value * 60_000))
            case "h": total += .milliseconds(Int64(value * 3_600_000))
            default: return nil
            }
        }
        return number.isEmpty ? total : nil
    }

    /// `1h30m`, `45s`: whole seconds, largest units first.
    public static func format(_ duration: Duration) -> String {
        let total = duration.components.seconds
        let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60)
        let text =
            (hours > 0 ? "\(hours)h" : "") + (minutes > 0 ? "\(minutes)m" : "") + (seconds > 0 ? "\(seconds)s" : "")
        return text.isEmpty ? "0s" : text
    }
}
