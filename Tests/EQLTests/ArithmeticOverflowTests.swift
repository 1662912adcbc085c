@testable import EQL
@testable import EventModel
import XCTest

/// Review "Reliability and security" F10: long arithmetic wrapped where Elasticsearch fails with "long
/// overflow" (`Math.addExact` & co.); an overflowing operation now yields null, so no wrapped value matches.
final class ArithmeticOverflowTests: XCTestCase {
    private let schema = GrowingSchema()

    private func matching(_ condition: String, _ events: [[String: FieldValue]]) throws -> [Int] {
        let filter = try XCTUnwrap(try EQLCompiler(schema: schema).compile("any where \(condition)").eventFilter)
        return events.indices.filter { filter.matches(schema.event(events[$0])) }
    }

    func testOverflowingLongArithmeticIsNullNotWrapped() throws {
        let events: [[String: FieldValue]] = [["n": .int(.max)], ["n": .int(.min)], ["n": .int(5)]]
        XCTAssertEqual(try matching("n + 1 < 0", events), [1], "Long.MAX + 1 must not wrap to a negative number")
        XCTAssertEqual(try matching("n + 1 > 0", events), [2])
        XCTAssertEqual(try matching("n - 1 > 0", events), [0, 2])
        XCTAssertEqual(try matching("n * 2 < 11", events), [2])
        XCTAssertEqual(try matching("-n > 0", events), [], "negating Long.MIN overflows; -n of the others is not > 0")
        XCTAssertEqual(try matching("-n < 0", events), [0, 2])
        XCTAssertEqual(try matching("n + 1 == null", events), [0])
    }

    func testDirectSemantics() {
        XCTAssertEqual(ValueSemantics.arithmetic(.add, .int(.max), .int(1)), .null)
        XCTAssertEqual(ValueSemantics.arithmetic(.subtract, .int(.min), .int(1)), .null)
        XCTAssertEqual(ValueSemantics.arithmetic(.multiply, .int(1 << 62), .int(4)), .null)
        XCTAssertEqual(ValueSemantics.arithmetic(.add, .int(.max - 1), .int(1)), .int(.max))
        XCTAssertEqual(ValueSemantics.arithmetic(.divide, .int(7), .int(2)), .int(3))
        XCTAssertEqual(ValueSemantics.arithmetic(.add, .int(.max), .double(1)), .double(Double(Int64.max) + 1))
    }
}
