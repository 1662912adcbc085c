@testable import EQL
@testable import EventModel
import XCTest

/// A guard table's screening of values by length: a value of a length no key has is turned away without a lookup,
/// never a value some test would take.
final class MatchValueGuardsTests: XCTestCase {
    private func table(_ values: [String: [Int]], folded: [String: [Int]] = [:],
                       prefixes: [(bytes: [UInt8], folded: Bool, rules: RuleBits)] = []) -> ValueGuards.Table {
        ValueGuards.Table(slot: 0, byValue: values.mapValues(RuleBits.init), byFoldedValue: folded.mapValues(RuleBits.init),
                          prefixes: prefixes)
    }

    private func admits(_ table: ValueGuards.Table, _ value: String, _ rule: Int) -> Bool {
        table.admitted(.string(value))?.contains(rule) ?? true
    }

    func testValuesOfLengthsNoKeyHasAreTurnedAway() {
        let guards = table(["init_module": [0], "load_module": [1], "x": [2]], folded: ["loaded": [3]])
        XCTAssertTrue(admits(guards, "init_module", 0) && admits(guards, "load_module", 1) && admits(guards, "x", 2))
        XCTAssertTrue(admits(guards, "LOADED", 3), "case-insensitive keys: folding keeps an ASCII text's length")
        XCTAssertFalse(admits(guards, "openat", 0) || admits(guards, "opened", 3) || admits(guards, "", 2))
        XCTAssertFalse(admits(guards, "init_modulx", 0), "a length some key has is looked up")
        let long = String(repeating: "k", count: 70)
        XCTAssertTrue(admits(table([long: [0]]), long, 0), "keys of 63 bytes or more share one length bit")
        XCTAssertFalse(admits(table([long: [0]]), long + "k", 0))
    }

    func testNonASCIIKeysAndPrefixesAdmitValuesOfAnyLength() {
        // KELVIN SIGN (3 bytes) equals "K" as Swift compares strings, as the matchers do.
        XCTAssertTrue(admits(table(["\u{212A}": [0]]), "K", 0))
        XCTAssertTrue(admits(table(["caf\u{E9}": [0]]), "cafe\u{301}", 0), "a non-ASCII value is never screened")
        let byPrefix = table(["sh": [0]], prefixes: [(bytes: Array("py".utf8), folded: false, rules: RuleBits([1]))])
        XCTAssertTrue(admits(byPrefix, "python3.11", 1))
        XCTAssertFalse(admits(byPrefix, "perl", 1))
    }

    /// Rules `table` adds for `value` through the per-event path (``ValueGuards/Table/admit(_:into:)``).
    private func added(_ table: ValueGuards.Table, _ value: FieldValue, words: Int = 2) -> [UInt64] {
        var rules = [UInt64](repeating: 0, count: words)
        rules.withUnsafeMutableBufferPointer { table.admit(value, into: $0) }
        return rules
    }

    /// The same, the value read in place from an event's slots (the table's slot is 0).
    private func addedFromSlots(_ table: ValueGuards.Table, _ slots: [FieldValue], words: Int = 2) -> [UInt64] {
        var rules = [UInt64](repeating: 0, count: words)
        slots.withUnsafeBufferPointer { values in rules.withUnsafeMutableBufferPointer { table.admit(from: values, into: $0) } }
        return rules
    }

    /// The same answer as a set of bits, every bit for "every rule may match".
    private func expected(_ table: ValueGuards.Table, _ value: FieldValue, words: Int = 2) -> [UInt64] {
        guard let admitted = table.admitted(value) else { return [UInt64](repeating: .max, count: words) }
        return (0..<words).map { word in
            (0..<64).reduce(UInt64(0)) { admitted.contains(word * 64 + $1) ? $0 | 1 << UInt64($1) : $0 }
        }
    }

    func testPerEventPathAgreesWithTheGeneralLookup() {
        let prefixes: [(bytes: [UInt8], folded: Bool, rules: RuleBits)] = [
            (bytes: Array("/tmp/".utf8), folded: false, rules: RuleBits([70])),
            (bytes: Array("python".utf8), folded: true, rules: RuleBits([2])),
            (bytes: Array("nc.".utf8), folded: true, rules: RuleBits([3])),
            (bytes: [], folded: false, rules: RuleBits([4])),
            (bytes: Array("/usr/lib/python".utf8), folded: false, rules: RuleBits([7])),
        ]
        let tables = [
            table(["bash": [0], "sh": [0, 1], "Socat": [5], "nc": [1]], folded: ["nc": [3], "socat": [6]],
                  prefixes: prefixes),
            table(["bash": [0], "ptrace": [65]], folded: ["loaded": [3]]),
            table(["\u{212A}": [0], "sh": [1]], folded: ["caf\u{E9}": [2]], prefixes: Array(prefixes.prefix(2))),
            table([:], prefixes: Array(prefixes.prefix(1))),
        ]
        let texts = ["bash", "sh", "Socat", "socat", "SOCAT", "nc", "NC", "nc.openbsd", "NC.traditional", "python3.11",
                     "Python3", "/tmp/x", "/TMP/x", "/tmp", "", "ptrace", "loaded", "LOADED", "K", "k", "\u{212A}",
                     "caf\u{E9}", "CAFE\u{301}", "/usr/lib/python3/x", "/usr/lib/pyth", "/usr/lib/pythoN", "/usr/lib/python",
                     "a longer text than any key: /usr/lib/python3/dist-packages"]
        var values: [FieldValue] = texts.map { .string($0) } + [.null, .int(4), .bool(true)]
        values += [.array([]), .array([.null]), .array([.string("sh"), .string("python3")]),
                   .array([.string("nc"), .int(1)]), .array([.string("NC.x"), .null, .string("/tmp/y")])]
        for (index, table) in tables.enumerated() {
            for value in values {
                XCTAssertEqual(added(table, value), expected(table, value), "table \(index), value \(value)")
                XCTAssertEqual(addedFromSlots(table, [value]), expected(table, value), "table \(index), slot \(value)")
            }
            XCTAssertEqual(addedFromSlots(table, []), expected(table, .null), "a missing slot reads as null")
        }
    }
}
