@testable import EQL
import XCTest

/// The guards' byte-keyed table against `Dictionary`, the map it replaced.
final class MatchByteKeyTableTests: XCTestCase {
    func testAgreesWithDictionaryOnPresentAndAbsentKeys() {
        // Lengths 0…20 cross the hash's 8-byte steps; non-ASCII and keys that differ only in a trailing NUL too.
        var keys = (0...20).map { String(repeating: "a", count: $0) }
        keys += ["nc", "ncat", "python3", "/usr/bin/python3.11", "é", "bash\u{0}", "socat", "SOCAT"]
        keys += (0..<3_000).map { "program-\($0)" }  // enough to collide in buckets
        let table = ByteKeyTable(keys.enumerated().map { (key: $0.element, value: $0.offset) })
        let dictionary = Dictionary(keys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(table.count, keys.count)
        XCTAssertEqual(table.longestKey, keys.map(\.utf8.count).max())
        for key in keys + ["", "bash", "socaT", "program-3000", "b", String(repeating: "a", count: 21), "e\u{301}", "\u{212A}"] {
            XCTAssertEqual(table.value(for: key), dictionary[key], key.debugDescription)
        }
    }

    /// Keys compare as Swift strings, as the matchers compare values: a guard must never turn away a rule whose
    /// test would pass.
    func testCanonicallyEquivalentTextsFindTheSameEntry() {
        let table = ByteKeyTable([(key: "caf\u{E9}", value: 1), (key: "\u{212A}elvin", value: 2), (key: "plain", value: 3)])
        XCTAssertEqual(table.value(for: "cafe\u{301}"), 1)
        XCTAssertEqual(table.value(for: "Kelvin"), 2)  // ASCII value, non-ASCII key
        XCTAssertEqual(table.value(for: "plain"), 3)
        XCTAssertNil(table.value(for: "kelvin"))
    }

    func testDuplicateKeyKeepsTheFirstValue() {
        let table = ByteKeyTable([(key: "sh", value: 1), (key: "bash", value: 2), (key: "sh", value: 3)])
        XCTAssertEqual(table.value(for: "sh"), 1)
        XCTAssertEqual(table.value(for: "bash"), 2)
    }

    func testEmptyTableFindsNothing() {
        let table = ByteKeyTable<Int>([(key: String, value: Int)]())
        XCTAssertTrue(table.isEmpty)
        XCTAssertNil(table.value(for: ""))
        XCTAssertNil(table.value(for: "sh"))
    }
}
