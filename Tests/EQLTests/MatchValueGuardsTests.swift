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
}
