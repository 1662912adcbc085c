@testable import EQL
import XCTest

/// The byte-keyed table the guards and `in` / `:` lists look values up in, against `Dictionary`.
final class MatchByteKeyTableTests: XCTestCase {
    /// What a caller answers: the table, or its `Dictionary` when the table cannot tell.
    private func resolve(_ table: ByteKeyTable<Int>, _ dictionary: [String: Int], _ key: String) -> Int? {
        switch table.lookup(key) {
        case .found(let value): return value
        case .absent: return nil
        case .undecided: return dictionary[key]
        }
    }

    func testAgreesWithDictionaryOnPresentAndAbsentKeys() {
        // Lengths 0…20 cross the hash's 8-byte steps; keys that differ in a trailing NUL or case too.
        var keys = (0...20).map { String(repeating: "a", count: $0) }
        keys += ["nc", "ncat", "python3", "/usr/bin/python3.11", "bash\u{0}", "socat", "SOCAT"]
        keys += (0..<3_000).map { "program-\($0)" }  // enough to collide in buckets
        let table = ByteKeyTable(keys.enumerated().map { (key: $0.element, value: $0.offset) })
        let dictionary = Dictionary(keys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(table.count, keys.count)
        XCTAssertEqual(table.longestKey, keys.map(\.utf8.count).max())
        for key in keys + ["", "bash", "socaT", "program-3000", "b", String(repeating: "a", count: 21)] {
            XCTAssertFalse(table.lookup(key).isUndecided, "an ASCII table decides every ASCII value")
            XCTAssertEqual(resolve(table, dictionary, key), dictionary[key], key.debugDescription)
        }
    }

    /// Swift strings compare by canonical equivalence, as the matchers compare values: where bytes cannot tell,
    /// the table says so, and a guard never turns away a rule whose test would pass.
    func testNonASCIITextsAreLeftToStringComparison() {
        let entries = [(key: "caf\u{E9}", value: 1), (key: "\u{212A}elvin", value: 2), (key: "plain", value: 3)]
        let table = ByteKeyTable(entries)
        let dictionary = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) })
        XCTAssertTrue(table.lookup("cafe\u{301}").isUndecided)
        XCTAssertEqual(resolve(table, dictionary, "cafe\u{301}"), 1)
        XCTAssertTrue(table.lookup("Kelvin").isUndecided, "an ASCII value may equal a non-ASCII key")
        XCTAssertEqual(resolve(table, dictionary, "Kelvin"), 2)
        XCTAssertEqual(resolve(table, dictionary, "plain"), 3)
        XCTAssertNil(resolve(table, dictionary, "kelvin"))
        let ascii = ByteKeyTable([(key: "sh", value: 1)])
        XCTAssertTrue(ascii.lookup("\u{212A}").isUndecided, "a non-ASCII value is never decided by bytes")
        if case .absent = ascii.lookup("K") {} else { XCTFail("an ASCII table decides an ASCII value") }
    }

    func testDuplicateKeyKeepsTheFirstValue() {
        let table = ByteKeyTable([(key: "sh", value: 1), (key: "bash", value: 2), (key: "sh", value: 3)])
        XCTAssertEqual(resolve(table, [:], "sh"), 1)
        XCTAssertEqual(resolve(table, [:], "bash"), 2)
    }

    func testEmptyTableFindsNothing() {
        let table = ByteKeyTable<Int>([(key: String, value: Int)]())
        XCTAssertTrue(table.isEmpty)
        XCTAssertNil(resolve(table, ["x": 1], ""))
        XCTAssertNil(resolve(table, ["x": 1], "x"), "an empty table has no keys to defer to")
    }
}

private extension ByteKeyTable.Lookup {
    var isUndecided: Bool {
        if case .undecided = self { return true }
        return false
    }
}
