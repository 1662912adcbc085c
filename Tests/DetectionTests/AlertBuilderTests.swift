@testable import Alerting
@testable import Detection
@testable import EventModel
@testable import Events
import XCTest

final class AlertBuilderTests: XCTestCase {
    func testAlertCarriesRuleMetadataEventsInOrderKeysAndHost() throws {
        let rule = try Fixtures.rule(id: "6f1c0f5e-0000-4000-8000-000000000001", name: "Shell then connect",
                                     query: #"process where true"#)
        let ruleSet = RuleSet.compile([rule]).ruleSet
        var first = Fixtures.document(category: "process", type: "start", action: "executed", pid: 42)
        first.append("@timestamp", "2026-11-22T01:00:00.100Z")
        var second = Fixtures.document(category: "network", type: "start", action: "connected-to", pid: 42)
        second.append("@timestamp", "2026-11-22T01:00:01.500Z")
        let builder = AlertBuilder(host: HostInfo(id: "machine-1", name: "web-01"))

        let alert = builder.alert(for: RuleMatch(rule: 0, matched: [], joinKeys: ["machine-1", 42]),
                                  documents: [first, second], in: ruleSet)

        XCTAssertEqual(alert.rule.id, "6f1c0f5e-0000-4000-8000-000000000001")
        XCTAssertEqual(alert.rule.name, "Shell then connect")
        XCTAssertEqual(alert.rule.severity, .high)
        XCTAssertEqual(alert.rule.riskScore, 73)
        XCTAssertEqual(alert.rule.threats.first?.tactic.id, "TA0002")
        XCTAssertEqual(alert.events, [first, second])
        XCTAssertEqual(alert.joinKeys, ["machine-1", 42])
        XCTAssertEqual(alert.host["id"], "machine-1")
        XCTAssertEqual(alert.host["name"], "web-01")
        XCTAssertEqual(alert.firstEventTime, AlertTime(rfc3339: "2026-11-22T01:00:00.100Z"))
        XCTAssertEqual(alert.lastEventTime, AlertTime(rfc3339: "2026-11-22T01:00:01.500Z"))
        XCTAssertTrue(alert.reason.contains("Shell then connect"), alert.reason)
    }
}
