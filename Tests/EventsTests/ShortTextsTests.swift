@testable import Events
import XCTest

/// The hot path's small helpers: short texts found again by their bytes, bytes packed into a word, pids read as
/// numbers, and the identity keys in fixed places. Each must answer exactly as the slower code it replaces.
final class ShortTextsTests: XCTestCase {
    private func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    func testAKeptTextIsFoundAgainOnlyForTheSameBytes() {
        var texts = ShortTexts(slotCount: 4)  // few slots: values collide and replace each other
        var made = 0
        let values = ["0", "1000", "3", "7ffccf96b210", "3c", "0", "1000", "00", "0 ", "123456789012345", "12345678",
                      "123456789", "1234567890123", "3", "é", "\u{1}", "7ffccf96b210"]
        for _ in 0..<3 {
            for value in values {
                let text = withBytes(value) { bytes in texts.text(of: bytes) { made += 1; return value } }
                XCTAssertEqual(text, value)
            }
        }
        XCTAssertLessThan(made, values.count * 3, "some text was found again")
    }

    func testValuesTooLongOrEmptyAreAlwaysMade() {
        var texts = ShortTexts(slotCount: 16)
        var made = 0
        for value in ["1234567890123456", "1234567890123456", ""] {
            _ = withBytes(value) { bytes in texts.text(of: bytes) { made += 1; return value } }
        }
        XCTAssertEqual(made, 3)
        var disabled = ShortTexts.disabled
        for _ in 0..<2 { _ = withBytes("0") { bytes in disabled.text(of: bytes) { made += 1; return "0" } } }
        XCTAssertEqual(made, 5, "a disabled table keeps nothing")
    }

    func testByteWordPacksLittleEndian() {
        for length in 1...8 {
            let bytes = (0..<length).map { UInt8(0x11 &* ($0 + 1)) }
            var expected: UInt64 = 0
            for (index, byte) in bytes.enumerated() { expected |= UInt64(byte) << (8 * index) }
            let packed = bytes.withUnsafeBytes { ByteWord.load($0.baseAddress!, count: length) }
            XCTAssertEqual(packed, expected, "\(length) bytes")
        }
    }

    func testPlainDecimalsAreReadAndOthersAreNot() {
        let plain: [(String, Int64)] = [("0", 0), ("7", 7), ("4294967295", 4_294_967_295),
                                        ("999999999999999999", 999_999_999_999_999_999)]
        for (text, number) in plain { XCTAssertEqual(withBytes(text) { DecimalField.plain($0) }, number, text) }
        for text in ["", "-1", "+1", "007", "00", "1a", " 1", "1 ", "1234567890123456789", "١"] {
            XCTAssertNil(withBytes(text) { DecimalField.plain($0) }, text)
        }
    }

    func testADecimalKeptAsTextIsCheckedLikeTheNumberParser() {
        var counters = NormalizerCounters()
        var field = DecimalField()
        field.set(text: "-1")
        field.checkNumber(counters: &counters)
        XCTAssertEqual(field.number, -1)
        XCTAssertEqual(field.text, "-1")
        var malformed = DecimalField()
        malformed.set(text: "12x")
        malformed.checkNumber(counters: &counters)
        XCTAssertFalse(malformed.isSet)
        XCTAssertEqual(counters.malformedNumber, 1)
        var number = DecimalField()
        number.set(number: 42)
        XCTAssertEqual(number.text, "42")
    }

    func testRepeatedIdentityKeysKeepTheFirstForTheSummaryAndTheLastSetForTheFields() {
        var ids = IdentityIDs()
        ids.add(kind: .uid, key: "uid", value: "unset")
        ids.add(kind: .uid, key: "uid", value: "1000")
        ids.add(kind: .uid, key: "uid", value: "1001")
        ids.add(kind: .uid, key: "uid", value: "unset")
        ids.add(kind: .oldAuid, key: "old_auid", value: "5")
        ids.add(kind: .other, key: "ouid", value: "7")
        XCTAssertEqual(ids.uid.first, "unset")
        XCTAssertEqual(ids.uid.lastSet, "1001")
        XCTAssertEqual(ids.first(named: "uid"), "unset")
        XCTAssertEqual(ids.first(named: "old_auid"), "5")
        XCTAssertNil(ids.first(named: "old-auid"))
        XCTAssertEqual(ids.others.map(\.key), ["old_auid", "ouid"])
        XCTAssertTrue(ids.anySet)
        var unset = IdentityIDs()
        unset.add(kind: .auid, key: "auid", value: "unset")
        XCTAssertFalse(unset.anySet)
        XCTAssertEqual(unset.auid.first, "unset")
    }

    func testAResultReadFromASCIIBytesEqualsTheOneReadFromItsText() {
        for text in ["yes", "no", "1", "0", "success", "succeeded", "suc", "su", "failed", "YES", "yes ", "suc\r\n", "x"] {
            XCTAssertEqual(withBytes(text) { EventCollector.result(ofASCII: $0) }, .some(EventCollector.result(text)), text)
        }
        for marker in ["", "?", "?,", "(null)"] {
            XCTAssertEqual(withBytes(marker) { EventCollector.result(ofASCII: $0) }, .some(nil), "no value: \(marker)")
        }
        for text in ["suć", "yés", "su\u{301}c"] {
            XCTAssertNil(withBytes(text) { EventCollector.result(ofASCII: $0) }, "not ASCII: read from its text")
        }
    }
}
