import Foundation
import Testing

@testable import Kube

/// `KubeTime`'s hand-written RFC 3339 reading and writing, checked against Foundation's ISO 8601 styles.
@Suite struct KubeTimeTests {
    static let foundationWhole = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)
    static let foundationFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Instants across leap days, century rules, month ends and the epoch, a second apart from each side, and
    /// with fractions that are exact in binary (Foundation and `KubeTime` both truncate, from different epochs).
    static var instants: [Date] {
        let texts = [
            "1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2000-02-29T12:00:00Z", "2000-03-01T00:00:00Z",
            "2024-02-29T23:59:59Z", "2026-12-01T08:01:43Z", "2100-02-28T23:59:59Z", "2100-03-01T00:00:00Z",
            "1969-12-31T23:59:59Z", "2038-01-19T03:14:08Z",
        ]
        return texts.flatMap { text -> [Date] in
            let date = try! Date(text, strategy: foundationWhole)
            return [
                date.addingTimeInterval(-1), date, date.addingTimeInterval(1), date.addingTimeInterval(0.125),
                date.addingTimeInterval(0.5),
            ]
        }
    }

    @Test func formatsAsFoundationDoes() {
        for date in Self.instants {
            #expect(KubeTime.format(date) == date.formatted(Self.foundationWhole))
            #expect(KubeTime.formatMilliseconds(date) == date.formatted(Self.foundationFraction))
        }
    }

    @Test func readsWhatFoundationReads() throws {
        for date in Self.instants {
            let whole = date.formatted(Self.foundationWhole)
            #expect(KubeTime.parse(whole) == (try Date(whole, strategy: Self.foundationWhole)))
            let fraction = date.formatted(Self.foundationFraction)
            let parsed = try #require(KubeTime.parse(fraction))
            #expect(abs(parsed.timeIntervalSince(try Date(fraction, strategy: Self.foundationFraction))) < 1e-6)
        }
    }

    @Test func readsOffsetsFractionsAndRefusesNonsense() throws {
        let utc = try #require(KubeTime.parse("2026-12-01T08:01:43Z"))
        #expect(KubeTime.parse("2026-12-01T10:01:43+02:00") == utc)
        #expect(KubeTime.parse("2026-12-01T03:31:43-04:30") == utc)
        let micro = try #require(KubeTime.parse("2026-12-01T08:01:43.000250Z"))
        #expect(abs(micro.timeIntervalSince(utc) - 0.00025) < 1e-6)
        #expect(KubeTime.microNow().count == "2026-12-01T08:01:43.000250Z".count)
        let millis = try #require(KubeTime.parse(KubeTime.formatMilliseconds(utc.addingTimeInterval(0.123))))
        #expect(abs(millis.timeIntervalSince(utc) - 0.123) < 0.0011)
        for bad in [
            "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01 08:01:43Z",
            "2026-12-01T08:01:43", "2026-12-01T08:01:43.Z", "yesterday", "",
        ] {
            #expect(KubeTime.parse(bad) == nil, "\(bad)")
        }
    }
}
