import XCTest
@testable import Alerting

final class TerminalWriterTests: XCTestCase {
    func testReasonLineColouredBySeverityOrPlainOrNDJSON() throws {
        let alert = Fixtures.alert()
        let plain = String(decoding: TerminalWriter(format: .reason, color: false).line(for: alert), as: UTF8.self)
        XCTAssertTrue(plain.hasSuffix(" MEDIUM " + alert.reason), plain)
        XCTAssertFalse(plain.contains("\u{1B}"))
        let colored = String(decoding: TerminalWriter(format: .reason, color: true).line(for: alert), as: UTF8.self)
        XCTAssertTrue(colored.contains("\u{1B}[33mMEDIUM\u{1B}[0m " + alert.reason), colored)
        let json = TerminalWriter(format: .ndjson, color: true).line(for: alert)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), alert.json)
    }
}
