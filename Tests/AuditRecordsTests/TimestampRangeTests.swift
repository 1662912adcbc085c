@testable import AuditRecords
import XCTest

/// Review "Reliability and security" F1: stamps beyond Int64 nanoseconds are malformed records, never a trap.
final class TimestampRangeTests: XCTestCase {
    private func parse(_ stamp: String) -> Result<AuditRecord, AuditParseError> {
        AuditParser.parseLogLine(Array("type=SYSCALL msg=audit(\(stamp):1): arch=c000003e syscall=59 pid=1".utf8))
    }

    func testLastRepresentableSecondStillParses() throws {
        let record = try parse("9223372036.000").get()
        XCTAssertEqual(record.timestamp.nanosecondsSinceEpoch, 9_223_372_036_000_000_000)
        XCTAssertEqual(try parse("9223372036.854").get().timestamp.nanosecondsSinceEpoch, 9_223_372_036_854_000_000)
    }

    func testStampsBeyondInt64NanosecondsAreMalformed() {
        for stamp in ["9223372036.855", "9223372037.000", "253402300799.999", "999999999999999999.999"] {
            guard case .failure(let error) = parse(stamp) else { return XCTFail("\(stamp) parsed") }
            XCTAssertEqual(error.reason, .timestampOutOfRange, stamp)
        }
    }

    func testHandBuiltTimestampsSaturate() {
        XCTAssertEqual(AuditTimestamp(seconds: .max, milliseconds: 999).nanosecondsSinceEpoch, .max)
        XCTAssertEqual(AuditTimestamp(seconds: .min, milliseconds: 0).nanosecondsSinceEpoch, .min)
        XCTAssertEqual(AuditTimestamp(seconds: .max, milliseconds: 999).millisecondsSinceEpoch, .max)
        XCTAssertEqual(AuditTimestamp(seconds: 9_223_372_036, milliseconds: 999).nanosecondsSinceEpoch, .max)
    }
}
