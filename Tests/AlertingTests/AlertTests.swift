@testable import EventModel
import PackageTestSupport
import XCTest
@testable import Alerting

final class AlertTests: XCTestCase {
    func testDocumentCarriesRuleEventsKeysHostAndTimes() throws {
        let created = AlertTime(rfc3339: "2026-11-22T01:00:02Z")!
        let alert = Alert(rule: Fixtures.udpShellRule, events: Fixtures.events(),
                          joinKeys: ["0123456789abcdef0123456789abcdef", 4242], created: created)
        let parsed = try JSONReader.parse(alert.json)
        let doc = Document(flattening: parsed)

        XCTAssertEqual(doc["@timestamp"], "2026-11-22T01:00:02.000000Z")
        XCTAssertEqual(doc["event.kind"], "alert")
        XCTAssertEqual(doc["event.start"], "2026-11-22T01:00:00.500000Z")
        XCTAssertEqual(doc["event.end"], "2026-11-22T01:00:01.250000Z")
        XCTAssertEqual(doc["rule.id"], "a5eb21b7-13cc-4b94-9fe2-29bb2914e037")
        XCTAssertEqual(doc["rule.name"], "Potential Reverse Shell via UDP")
        XCTAssertEqual(doc["rule.severity"], "medium")
        XCTAssertEqual(doc["rule.risk_score"], 47)
        XCTAssertEqual(doc["rule.version"], 7)
        XCTAssertEqual(doc["rule.tags"], ["Domain: Endpoint", "OS: Linux", "Tactic: Execution"])
        XCTAssertEqual(doc["host.id"], "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(doc["host.name"], "web-1")
        XCTAssertEqual(doc["auspex.alert.id"], .string(alert.id))
        XCTAssertEqual(doc["auspex.alert.reason"], .string(alert.reason))
        XCTAssertEqual(doc["message"], "Potential Reverse Shell via UDP", "the title: External Alerts names its alert after it")
        XCTAssertEqual(doc["event.reason"], .string(alert.reason))
        XCTAssertEqual(doc["auspex.alert.join_keys"], ["0123456789abcdef0123456789abcdef", 4242])
        XCTAssertEqual(doc["auspex.alert.event_count"], 2)

        guard case .array(let threats)? = doc["threat"], threats.count == 2 else { return XCTFail("threat[]") }
        XCTAssertEqual(threats[0]["framework"], "MITRE ATT&CK")
        XCTAssertEqual(threats[0]["tactic"]?["id"], "TA0002")
        XCTAssertEqual(threats[0]["tactic"]?["reference"], "https://attack.mitre.org/tactics/TA0002/")
        guard case .array(let techniques)? = threats[0]["technique"] else { return XCTFail("technique[]") }
        XCTAssertEqual(techniques.first?["id"], "T1059")
        XCTAssertEqual(techniques.first?["subtechnique"], [.object([.init("id", "T1059.004"), .init("name", "Unix Shell")])])
        XCTAssertNil(threats[1]["tactic"]?["reference"])

        // Events stay in order and round-trip unchanged.
        guard case .array(let events)? = doc["events"] else { return XCTFail("events[]") }
        XCTAssertEqual(events.map { Document(flattening: $0) }, alert.events)
    }

    func testJSONLineIsOneNewlineTerminatedLineEvenWithHostileValues() throws {
        let alert = Fixtures.alert(processName: "x\ny\r\u{0}\u{1b}[2J\u{2028}")
        let line = alert.jsonLine
        XCTAssertEqual(line.last, 0x0A)
        XCTAssertEqual(line.filter { $0 == 0x0A }.count, 1)
        let doc = Document(flattening: try JSONReader.parse(Array(line.dropLast())))
        guard case .array(let events)? = doc["events"] else { return XCTFail("events[]") }
        XCTAssertEqual(events[0]["process"]?["name"], "x\ny\r\u{0}\u{1b}[2J\u{2028}")
    }

    func testReasonSaysWhatRanWhichPidWhoAndWhereItConnected() {
        let alert = Fixtures.alert()
        XCTAssertEqual(alert.reason, "Potential Reverse Shell via UDP (medium, risk 47): nc pid 4242 user root "
            + "args nc -u 203.0.113.9 53 connected to 203.0.113.9:53 on web-1 [2 events]")
    }

    func testReasonPrefersExecutableQuotesArgsAndBracketsIPv6() {
        let event = Document(fields: [
            ("process.executable", "/tmp/my prog"), ("process.name", "my prog"), ("process.pid", 7),
            ("process.args", ["/tmp/my prog", "say \"hi\"", ""]), ("user.id", "1000"),
            ("destination.ip", "2001:db8::1"), ("destination.port", 443),
        ])
        let alert = Alert(rule: AlertRule(id: "r", name: "Rule", severity: .high, riskScore: 73), events: [event])
        XCTAssertEqual(alert.reason, #"Rule (high, risk 73): /tmp/my prog pid 7 uid 1000 args "/tmp/my prog" "#
            + #""say \"hi\"" "" connected to [2001:db8::1]:443"#)
    }

    func testReasonEscapesControlAndBidiCharactersAndStaysBounded() {
        let hostile = "evil\nAUSPEX_RULE_ID=forged\r\t\u{1b}[31m\u{7f}\u{85}\u{202e}txt.exe\\" + String(repeating: "A", count: 5000)
        let alert = Alert(rule: AlertRule(id: "r", name: "Rule\nname", severity: .low, riskScore: 21),
                          events: [Document(fields: [("process.name", .string(hostile)), ("process.pid", 1),
                                                     ("process.args", .array(Array(repeating: .string(hostile), count: 50)))])])
        let reason = alert.reason
        XCTAssertTrue(reason.hasPrefix(#"Rule\nname (low, risk 21): evil\nAUSPEX_RULE_ID=forged\r\t\x1b[31m\x7f\x85\u{202e}txt.exe\\AAA"#),
                      reason)
        XCTAssertFalse(reason.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0 == "\u{202E}" })
        XCTAssertLessThanOrEqual(reason.utf8.count, ReasonLine.maxBytes)
        XCTAssertTrue(reason.contains(" pid 1 "))
        XCTAssertTrue(reason.hasSuffix("…"))
    }

    func testTimesComeFromEventsWhenNotGivenAndIdsAreUnique() {
        let events = Fixtures.events().reversed().map { $0 }
        let alert = Alert(rule: Fixtures.udpShellRule, events: events)
        XCTAssertEqual(alert.firstEventTime, AlertTime(rfc3339: "2026-11-22T01:00:00.5Z"))
        XCTAssertEqual(alert.lastEventTime, AlertTime(rfc3339: "2026-11-22T01:00:01.250Z"))
        let noTimes = Alert(rule: Fixtures.udpShellRule, events: [Document()], created: AlertTime(seconds: 42))
        XCTAssertEqual(noTimes.firstEventTime, AlertTime(seconds: 42))
        XCTAssertTrue(noTimes.host.isEmpty)

        let ids = Set((0..<1000).map { _ in Alert.newID() })
        XCTAssertEqual(ids.count, 1000)
        XCTAssertTrue(ids.allSatisfy { $0.range(of: #"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#,
                                                options: .regularExpression) != nil })
    }

    func testTimeParsingAndFormatting() {
        XCTAssertEqual(AlertTime(rfc3339: "1970-01-01T00:00:00Z")?.nanosecondsSinceEpoch, 0)
        XCTAssertEqual(AlertTime(rfc3339: "2023-11-14T22:13:20.1Z")?.nanosecondsSinceEpoch, 1_700_000_000_100_000_000)
        XCTAssertEqual(AlertTime(rfc3339: "2023-11-15T00:13:20.123456789+02:00")?.nanosecondsSinceEpoch,
                       1_700_000_000_123_456_789)
        XCTAssertEqual(AlertTime(rfc3339: "2024-02-29T12:00:00Z")?.rfc3339, "2024-02-29T12:00:00.000000Z")
        XCTAssertEqual(AlertTime(nanosecondsSinceEpoch: -1).rfc3339, "1969-12-31T23:59:59.999999Z")
        for bad in ["", "2023-11-14", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z",
                    "2023-11-14T22:13:20Zjunk", "<ingest time>"] {
            XCTAssertNil(AlertTime(rfc3339: bad), bad)
        }
        let now = AlertTime.now()
        XCTAssertEqual(AlertTime(rfc3339: now.rfc3339)?.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch / 1000 * 1000)
    }

    func testSeverityMapsToSyslogPriority() {
        XCTAssertEqual(AlertRule.Severity.allCases.map(\.syslogPriority), [5, 4, 3, 2])
        XCTAssertEqual(AlertRule.Severity(name: "Critical"), .critical)
        XCTAssertNil(AlertRule.Severity(name: "urgent"))
        XCTAssertLessThan(AlertRule.Severity.medium, .high)
        XCTAssertEqual(AlertRule(id: "r", name: "n", severity: .low, riskScore: 250).riskScore, 100)
    }

    /// The synthetic UDP reverse shell from the shared examples, as the seed rule's sample would match it.
    func testAlertFromSharedExampleEvents() throws {
        let file = try PackagePaths.shared("spec/examples/udp-reverse-shell-synthetic.auditd_manager-doc.json")
        guard case .array(let documents) = try JSONReader.parse(Array(try Data(contentsOf: file))) else {
            return XCTFail("expected a JSON array")
        }
        let events = documents.prefix(3).map(Document.init(flattening:))
        let alert = Alert(rule: Fixtures.udpShellRule, events: events,
                          joinKeys: [events[0]["host.id"]!, events[0]["process.pid"]!, events[0]["process.parent.pid"] ?? .null])
        XCTAssertTrue(alert.reason.hasPrefix("Potential Reverse Shell via UDP (medium, risk 47): /usr/bin/python3.10 pid 4300 user vagrant args python3 -c "),
                      alert.reason)
        XCTAssertTrue(alert.reason.hasSuffix(" connected to 10.0.0.1:4444 on <hostname> [3 events]"), alert.reason)
        XCTAssertEqual(alert.firstEventTime, AlertTime(rfc3339: "2023-11-14T22:13:20.1Z"))
        XCTAssertEqual(alert.lastEventTime, AlertTime(rfc3339: "2023-11-14T22:13:20.102Z"))
        XCTAssertEqual(alert.host["os"], nil)
        XCTAssertEqual(alert.host["os.type"], "linux")
    }
}
