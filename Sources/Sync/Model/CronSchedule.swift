import Foundation

/// A five-field cron schedule (minute hour day-of-month month day-of-week), as sync windows write it:
/// `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists, and month and weekday names (`jan`, `mon`).
/// As in cron, when both day fields are restricted a day matching either one matches; Sunday is 0 or 7.
public struct CronSchedule: Sendable, Equatable {
    var minutes: Set<Int>
    var hours: Set<Int>
    var daysOfMonth: Set<Int>
    var months: Set<Int>
    var daysOfWeek: Set<Int>
    var dayOfMonthRestricted: Bool
    var dayOfWeekRestricted: Bool

    /// Why a schedule could not be read.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(_ text: String) throws(ParseError) {
        let fields = text.split(whereSeparator: \.isWhitespace).map { String($0).lowercased() }
        guard fields.count == 5 else {
            throw ParseError(
                description: "schedule '\(text)' must have 5 fields (minute hour day-of-month month day-of-week)")
        }
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: [], nameBase: 0)
        hours = try Self.field(fields[1], name: "hour", range: 0...23, names: [], nameBase: 0)
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31, names: [], nameBase: 1)
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, nameBase: 1)
        var weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames, nameBase: 0)
        if weekdays.remove(7) != nil { weekdays.insert(0) }
        daysOfWeek = weekdays
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    /// Whether the schedule fires at this minute (given as calendar components in the window's time zone).
    func fires(minute: Int, hour: Int, day: Int, month: Int, weekday: Int) -> Bool {
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let domMatch = daysOfMonth.contains(day)
        let dowMatch = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatch || dowMatch }
        return domMatch && dowMatch
    }

    /// The latest firing at or before `date` and after `date - lookBack`, if any (minute precision).
    public func lastFiring(atOrBefore date: Date, within lookBack: Duration, timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateInterval(of: .minute, for: date)?.start ?? date
        let steps = Int(lookBack.components.seconds / 60)
        var candidate = start
        for _ in 0...max(steps, 0) {
            guard date.timeIntervalSince(candidate) < Double(lookBack.components.seconds) else { return nil }
            let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
            if fires(
                minute: c.minute ?? 0, hour: c.hour ?? 0, day: c.day ?? 0, month: c.month ?? 0,
                weekday: (c.weekday ?? 1) - 1)
            {
                return candidate
            }
            candidate = candidate.addingTimeInterval(-60)
        }
        return nil
    }

    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int
    ) throws(ParseError) -> Set<Int> {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2, let base = pieces.first, !base.isEmpty else {
                throw ParseError(description: "\(name) '\(text)' is not a cron field")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else {
                    throw ParseError(description: "\(name) step '\(pieces[1])' must be a positive number")
                }
                step = parsed
            }
            var low = range.lowerBound
            var high = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count <= 2 else {
                    throw ParseError(description: "\(name) '\(base)' is not a value or range")
                }
                low = try value(bounds[0], name: name, range: range, names: names, nameBase: nameBase)
                high =
                    bounds.count == 2
                    ? try value(bounds[1], name: name, range: range, names: names, nameBase: nameBase)
                    : (pieces.count == 2 ? range.upperBound : low)
                guard low <= high else { throw ParseError(description: "\(name) range '\(base)' runs backwards") }
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    private static func value(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int
    ) throws(ParseError) -> Int {
        if let index = names.firstIndex(of: text) { return index + nameBase }
        guard let number = Int(text), range.contains(number) else {
            throw ParseError(description: "\(name) '\(text)' is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return number
    }
}
