@testable import EventModel
import Foundation
import XCTest
@testable import Alerting

/// Review "Reliability and security" F10: journald values cut on a character boundary, and reason lines that
/// escape the bidi and zero-width characters a process name could use to hide or reorder what is shown.
final class UntrustedTextTests: XCTestCase {
    func testJournalValuesAreCutOnACharacterBoundary() throws {
        for filler in 4090...4096 {
            let name = String(repeating: "a", count: filler) + String(repeating: "é€😀", count: 4)
            let fields = JournalEntry.fields(for: Fixtures.alert(processName: name))
            let value = try XCTUnwrap(fields.first { $0.name == "AUSPEX_PROCESS_NAME" }).value
            XCTAssertLessThanOrEqual(value.count, JournalEntry.maxEventValueBytes)
            XCTAssertGreaterThan(value.count, JournalEntry.maxEventValueBytes - 4)
            XCTAssertNotNil(String(validating: value, as: UTF8.self), "cut inside a character at \(filler)")
            XCTAssertTrue(name.utf8.starts(with: value))
        }
    }

    func testUTF8PrefixNeverSplitsACharacter() {
        let text = "a€b😀"  // 1 + 3 + 1 + 4 bytes
        XCTAssertEqual((0...9).map { UntrustedText.utf8Prefix(text, maxBytes: $0).count }, [0, 1, 1, 1, 4, 5, 5, 5, 5, 9])
    }

    func testReasonLineEscapesBidiAndZeroWidthCharacters() {
        let hostile = "nc\u{61C}\u{200B}\u{200D}\u{2060}\u{2067}x\u{FEFF}\u{180E}"
        let reason = Fixtures.alert(processName: hostile).reason
        for scalar in hostile.unicodeScalars.dropFirst(2) where scalar != "x" {
            XCTAssertFalse(reason.unicodeScalars.contains(scalar), "U+\(String(scalar.value, radix: 16)) kept in \(reason)")
        }
        XCTAssertTrue(reason.contains(#"nc\u{061c}\u{200b}\u{200d}\u{2060}\u{2067}x\u{feff}\u{180e}"#), reason)
        let message = JournalEntry.fields(for: Fixtures.alert(processName: hostile)).first { $0.name == "MESSAGE" }
        XCTAssertEqual(message.map { String(decoding: $0.value, as: UTF8.self) }, reason)
        XCTAssertEqual(JournalEntry.oneLine("a\u{61C}b"), #"a\u{061c}b"#)
    }

    func testEscapedTextKeepsOrdinaryCharacters() {
        XCTAssertEqual(UntrustedText.escaped("héllo wörld / 日本 \\ \"q\""), "héllo wörld / 日本 \\ \"q\"")
        XCTAssertEqual(UntrustedText.escaped("a\u{1B}[31m\n\t\u{7F}\u{85}"), #"a\x1b[31m\n\t\x7f\x85"#)
    }
}
