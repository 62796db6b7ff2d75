import Foundation

/// Kubernetes timestamps: RFC 3339 in UTC, second precision (`metav1.Time`) or microseconds (`MicroTime`).
///
/// Read and written by hand (`RFC3339`), strictly as Go's `time.RFC3339` parsing reads them (any fraction of a
/// second, `Z` or a `±hh:mm` offset, no out-of-range fields): Foundation's ISO 8601 styles took 2-3% of a
/// controller's time, reading every status timestamp.
public enum KubeTime {
    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String {
        RFC3339.format(date, fractionDigits: 0)
    }

    /// RFC 3339 in UTC to the millisecond (`2026-12-01T08:01:43.123Z`), which `metav1.Time` also reads.
    public static func formatMilliseconds(_ date: Date) -> String {
        RFC3339.format(date, fractionDigits: 3)
    }

    public static func microNow() -> String {
        RFC3339.format(Date(), fractionDigits: 6)
    }

    public static func parse(_ text: String) -> Date? { RFC3339.parse(text) }
}

/// RFC 3339 date-times with the proleptic Gregorian calendar's day arithmetic (days from 1970-01-01).
enum RFC3339 {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil for anything else.
    static func parse(_ text: String) -> Date? {
        var utf8 = text.utf8[...]
        guard let year = number(&utf8, digits: 4), take(&utf8, "-"), let month = number(&utf8, digits: 2),
            take(&utf8, "-"), let day = number(&utf8, digits: 2), take(&utf8, "T") || take(&utf8, "t"),
            let hour = number(&utf8, digits: 2), take(&utf8, ":"), let minute = number(&utf8, digits: 2),
            take(&utf8, ":"), let second = number(&utf8, digits: 2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var fraction = 0.0
        if take(&utf8, ".") {
            var scale = 0.1
            var digits = 0
            while let byte = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                fraction += Double(byte - UInt8(ascii: "0")) * scale
                scale /= 10
                digits += 1
                utf8.removeFirst()
            }
            guard digits > 0 else { return nil }
        }
        var offset = 0
        if !(take(&utf8, "Z") || take(&utf8, "z")) {
            let sign: Int
            if take(&utf8, "+") {
                sign = 1
            } else if take(&utf8, "-") {
                sign = -1
            } else {
                return nil
            }
            guard let hours = number(&utf8, digits: 2), take(&utf8, ":"), let minutes = number(&utf8, digits: 2),
                hours < 24, minutes < 60
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard utf8.isEmpty else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds - offset) + fraction)
    }

    /// The date in UTC with `fractionDigits` digits of the second, truncated (as Go and Foundation do).
    static func format(_ date: Date, fractionDigits: Int) -> String {
        let interval = date.timeIntervalSince1970
        let whole = Int(interval.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secondOfDay = whole - days * 86_400
        let (year, month, day) = civilFromDays(days)
        var out = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
        out += pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fractionDigits > 0 {
            var scale = 1
            for _ in 0..<fractionDigits { scale *= 10 }
            let fraction = min(scale - 1, Int(((interval - Double(whole)) * Double(scale)).rounded(.down)))
            out += "." + pad(fraction, fractionDigits)
        }
        return out + "Z"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func take(_ utf8: inout Substring.UTF8View, _ character: Unicode.Scalar) -> Bool {
        guard utf8.first == UInt8(ascii: character) else { return false }
        utf8.removeFirst()
        return true
    }

    static func number(_ utf8: inout Substring.UTF8View, digits: Int) -> Int? {
        var value = 0
        for _ in 0..<digits {
            guard let byte = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            utf8.removeFirst()
        }
        return value
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day counted from 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
