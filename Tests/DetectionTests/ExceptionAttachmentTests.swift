@testable import Detection
@testable import Rules
import XCTest

final class ExceptionAttachmentTests: XCTestCase {
    /// `[exceptions] attach_to_rules`: a list attaches to the rules whose rule_id or a tag equals the target.
    func testListsAttachToRulesByIdOrTag() throws {
        let lists = ExceptionLists.parse([(file: "lab.ndjson", text: """
            {"list_id":"lab","type":"detection","namespace_type":"single","name":"Lab"}
            {"item_id":"make","list_id":"lab","type":"simple","entries":[{"field":"process.executable","operator":"included","type":"match","value":"/usr/bin/make"}]}
            """)])
        let tagged = try Fixtures.rule(id: "tagged", query: #"process where process.name == "sh""#)
        let named = try Fixtures.rule(id: "named", query: #"process where process.name == "bash""#)
        let other = try Fixtures.rule(id: "other", query: #"process where process.name == "zsh""#)
        XCTAssertTrue(tagged.tags.contains("OS: Linux"))
        func attached(_ entries: [String]) -> [Bool] {
            let ruleSet = RuleSet.compile([tagged, named, other], exceptions: lists, attachToRules: entries).ruleSet
            return ruleSet.exceptions.map { !$0.isEmpty }
        }
        XCTAssertEqual(attached(["lab=named"]), [false, true, false])
        XCTAssertEqual(attached(["lab=OS: Linux"]), [true, true, true], "every test rule carries the tag")
        XCTAssertEqual(attached(["lab=nothing", "malformed"]), [false, false, false])
    }
}
