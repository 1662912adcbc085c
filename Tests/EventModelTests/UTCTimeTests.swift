import PackageTestSupport
@testable import EventModel
import Foundation
import XCTest

final class UTCTimeTests: XCTestCase {
    func testFormattingAgreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SplitMix64(seed: 42)
        var samples: [Int64] = [0, -1, 951_782_400, 1_700_000_000, 4_102_444_800, 253_402_300_799]
        for _ in 0..<2000 { samples.append(Int64(generator.next() % 8_000_000_000) - 2_000_000_000) }
        for seconds in samples {
            let milliseconds = Int64(generator.next() % 1000)
            let ours = UTCTime.format(seconds: seconds, nanoseconds: milliseconds * 1_000_000, fractionDigits: 3)
            XCTAssertEqual(formatter.date(from: ours).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) },
                           seconds * 1000 + milliseconds, ours)
            if abs(seconds) < 9_000_000_000 {  // nanoseconds since the epoch fit in Int64 for about ±292 years
                XCTAssertEqual(UTCTime.parseRFC3339(ours), seconds * 1_000_000_000 + milliseconds * 1_000_000, ours)
            }
        }
    }

    func testFractionDigitsTruncateAndClamp() {
        XCTAssertEqual(UTCTime.format(seconds: 1_700_000_000, nanoseconds: 100_000_000, fractionDigits: 3),
                       "2023-11-14T22:13:20.100Z")
        XCTAssertEqual(UTCTime.format(seconds: 951_782_400, nanoseconds: 7_999_999, fractionDigits: 3),
                       "2000-02-29T00:00:00.007Z")
        XCTAssertEqual(UTCTime.format(nanosecondsSinceEpoch: -1, fractionDigits: 6), "1969-12-31T23:59:59.999999Z")
        XCTAssertEqual(UTCTime.format(nanosecondsSinceEpoch: 1_500_000_000, fractionDigits: 0), "1970-01-01T00:00:01Z")
        XCTAssertEqual(UTCTime.format(seconds: 86_399, nanoseconds: 5_000_000_000, fractionDigits: 3),
                       "1970-01-01T23:59:59.999Z")
        // Absurd values from forged records format without trapping, clamped to years 0001–9999.
        XCTAssertEqual(UTCTime.format(seconds: .max, nanoseconds: 0, fractionDigits: 3), "9999-12-31T23:59:59.000Z")
        XCTAssertEqual(UTCTime.format(seconds: .min, nanoseconds: -3, fractionDigits: 3), "0001-01-01T00:00:00.000Z")
        XCTAssertEqual(UTCTime.format(nanosecondsSinceEpoch: .min, fractionDigits: 9).count, 30)
    }

    func testParsingAcceptsRFC3339Only() {
        XCTAssertEqual(UTCTime.parseRFC3339("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(UTCTime.parseRFC3339("2023-11-14 22:13:20.1z"), 1_700_000_000_100_000_000)
        XCTAssertEqual(UTCTime.parseRFC3339("2023-11-15T00:13:20.123456789+02:00"), 1_700_000_000_123_456_789)
        XCTAssertEqual(UTCTime.parseRFC3339("2023-11-14T20:13:20.1234567891-02:00"), 1_700_000_000_123_456_789)
        XCTAssertEqual(UTCTime.parseRFC3339("2000-02-29T00:00:00Z"), 951_782_400_000_000_000)
        XCTAssertEqual(UTCTime.parseRFC3339("2262-04-11T23:47:16.854775807Z"), .max)
        for bad in ["", "2023-11-14", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z",
                    "2023-11-14T22:13:20Zjunk", "2023-11-14T22:13:20+0200", "<ingest time>",
                    "2023-02-29T00:00:00Z", "2023-04-31T00:00:00Z", "1900-02-29T00:00:00Z",
                    "2262-04-12T00:00:00Z", "1677-09-21T00:00:00Z", "9999-12-31T23:59:59Z"] {
            XCTAssertNil(UTCTime.parseRFC3339(bad), bad)
        }
    }

    func testCivilDatesRoundTrip() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (year, month, day) = UTCTime.civilDate(daysSinceEpoch: days)
            XCTAssertEqual(UTCTime.daysSinceEpoch(year: year, month: month, day: day), days)
        }
        XCTAssertTrue(UTCTime.civilDate(daysSinceEpoch: 11_016) == (2000, 2, 29))
    }
}
