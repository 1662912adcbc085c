@testable import EQL
@testable import EventModel
import XCTest

/// ``RuleIndex/visit(category:event:evaluate:tick:)`` finds an event's category table by comparing names (not by
/// hashing): it must answer as the dictionary of categories would, canonical equivalence included.
final class RuleIndexCategoryTests: XCTestCase {
    private func evaluated(_ index: RuleIndex, category: FieldValue) -> [Int] {
        var rules: [Int] = []
        index.visit(category: category, event: SlotEvent(values: [], timestamp: 0, ordinal: 0),
                    evaluate: { rules.append($0) }, tick: { _ in })
        return rules.sorted()
    }

    func testEachCategoryFindsItsOwnRules() {
        let index = RuleIndex(rules: [
            RuleIndex.Rule(categories: ["process"]), RuleIndex.Rule(categories: ["file"]),
            RuleIndex.Rule(categories: ["network", "files"]), RuleIndex.Rule(categories: nil),
        ])
        XCTAssertEqual(evaluated(index, category: "process"), [0, 3])
        XCTAssertEqual(evaluated(index, category: "file"), [1, 3])
        XCTAssertEqual(evaluated(index, category: "files"), [2, 3], "same first letters, another length")
        XCTAssertEqual(evaluated(index, category: .array(["network"])), [2, 3])
        XCTAssertEqual(evaluated(index, category: "proces"), [3], "no category: the `any` rules alone")
        XCTAssertEqual(evaluated(index, category: "Process"), [3], "names are exact")
        XCTAssertEqual(evaluated(index, category: .null), [3])
    }

    func testANonASCIINameMatchesItsCanonicalEquivalent() {
        let index = RuleIndex(rules: [RuleIndex.Rule(categories: ["caf\u{E9}"]), RuleIndex.Rule(categories: ["file"])])
        XCTAssertEqual(evaluated(index, category: "cafe\u{301}"), [0], "a decomposed é is the same name, longer")
        XCTAssertEqual(evaluated(index, category: "caf\u{E9}"), [0])
        XCTAssertEqual(evaluated(index, category: "file"), [1])
    }
}
