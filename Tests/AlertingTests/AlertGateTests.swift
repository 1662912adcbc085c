@testable import EventModel
import XCTest
@testable import Alerting

/// Suppression, rate limits and bounds between the rules and the sinks.
final class AlertGateTests: XCTestCase {
    static let t0: Int64 = 1_800_000_000 * 1_000_000_000

    static func at(_ seconds: Double) -> AlertTime {
        AlertTime(nanosecondsSinceEpoch: t0 + Int64(seconds * 1e9))
    }

    static func alert(rule: AlertRule = Fixtures.udpShellRule, entity: String? = "E1", at seconds: Double,
                      fields: [(String, FieldValue)] = []) -> Alert {
        var event = Document(fields: [("@timestamp", .string(at(seconds).rfc3339)), ("process.pid", 42),
                                      ("process.name", "sh"), ("host.name", "web-1")])
        if let entity { event.append("process.entity_id", .string(entity)) }
        for (name, value) in fields { event.append(name, value) }
        return Alert(rule: rule, events: [event], created: at(seconds))
    }

    func testDefaultSuppressionOneAlertPerProcessPerWindowThenASummary() throws {
        var gate = AlertGate()
        var out: [Alert] = []
        for second in 0..<5 { gate.offer(Self.alert(at: Double(second)), now: Self.at(Double(second)), into: &out) }
        gate.offer(Self.alert(entity: "E2", at: 6), now: Self.at(6), into: &out)
        XCTAssertEqual(out.count, 2, "one per process")
        XCTAssertEqual(out[0].suppression?.docsCount, 0)
        XCTAssertEqual(out[0].suppression?.terms.map(\.field), ["process.entity_id"])
        XCTAssertEqual(gate.counters.suppressed, 4)
        XCTAssertEqual(gate.suppressedByRule[Fixtures.udpShellRule.id], 4)

        gate.tick(now: Self.at(59.9), into: &out)
        XCTAssertEqual(out.count, 2, "the window is still open")
        gate.tick(now: Self.at(60), into: &out)
        XCTAssertEqual(out.count, 3, "E1's window closed with a count; E2's has none yet")
        let summary = out[2]
        XCTAssertTrue(summary.isSuppressionSummary)
        XCTAssertEqual(summary.suppression?.summaryOf, out[0].id)
        let doc = Document(flattening: try JSONReader.parse(summary.json))
        XCTAssertEqual(doc["kibana.alert.suppression.docs_count"], 4)
        XCTAssertEqual(doc["kibana.alert.suppression.start"], .string(Self.at(0).rfc3339))
        XCTAssertEqual(doc["kibana.alert.suppression.end"], .string(Self.at(4).rfc3339))
        XCTAssertEqual(doc["kibana.alert.suppression.terms"], [.object([.init("field", "process.entity_id"), .init("value", "E1")])])
        XCTAssertEqual(doc["kibana.alert.instance.id"], .string(out[0].suppression!.instanceID))
        XCTAssertEqual(doc["auspex.alert.suppression.window_start"], .string(Self.at(0).rfc3339))
        XCTAssertEqual(doc["auspex.alert.suppression.window_end"], .string(Self.at(60).rfc3339))
        XCTAssertEqual(doc["auspex.alert.suppression.suppressed_count"], 4)
        XCTAssertTrue(summary.reason.contains("4 more alerts suppressed in 60 s after alert \(out[0].id)"), summary.reason)
        let journal = Dictionary(JournalEntry.fields(for: summary).map { ($0.name, String(decoding: $0.value, as: UTF8.self)) },
                                 uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(journal["AUSPEX_SUPPRESSED_COUNT"], "4")
        XCTAssertEqual(journal["AUSPEX_SUPPRESSION_SUMMARY_OF"], out[0].id)
        XCTAssertEqual(journal["AUSPEX_SUPPRESSION_WINDOW_END"], Self.at(60).rfc3339)

        // After the window, the next match opens a new one and goes out at once.
        gate.offer(Self.alert(at: 61), now: Self.at(61), into: &out)
        XCTAssertEqual(out.count, 4)
        XCTAssertFalse(out[3].isSuppressionSummary)
        gate.finish(now: Self.at(62), into: &out)
        XCTAssertEqual(out.count, 4, "no counts, no summaries")
        XCTAssertEqual(gate.counters.summaries, 1)
    }

    func testRuleSuppressionGroupsByItsFieldsForItsDuration() throws {
        var rule = Fixtures.udpShellRule
        rule.suppression = AlertSuppression(groupBy: ["host.name", "process.args"], durationNanos: 300_000_000_000)
        var gate = AlertGate()
        var out: [Alert] = []
        let argsA: FieldValue = ["b", "a"], argsA2: FieldValue = ["a", "b"], argsB: FieldValue = ["c"]
        gate.offer(Self.alert(rule: rule, entity: "E1", at: 0, fields: [("process.args", argsA)]), now: Self.at(0), into: &out)
        // Another process, same group: arrays compare sorted, as one value.
        gate.offer(Self.alert(rule: rule, entity: "E2", at: 100, fields: [("process.args", argsA2)]), now: Self.at(100), into: &out)
        gate.offer(Self.alert(rule: rule, entity: "E3", at: 120, fields: [("process.args", argsB)]), now: Self.at(120), into: &out)
        // A missing field groups under null (missing_fields_strategy suppress).
        gate.offer(Self.alert(rule: rule, at: 130), now: Self.at(130), into: &out)
        gate.offer(Self.alert(rule: rule, at: 131), now: Self.at(131), into: &out)
        XCTAssertEqual(out.count, 3)
        XCTAssertEqual(out[2].suppression?.terms.last?.value, .null)
        gate.tick(now: Self.at(299), into: &out)
        XCTAssertEqual(out.count, 3)
        gate.tick(now: Self.at(300), into: &out)
        XCTAssertEqual(out.count, 4)
        XCTAssertEqual(out[3].suppression?.docsCount, 1)
        XCTAssertEqual(out[3].suppression?.summaryOf, out[0].id)
        XCTAssertEqual(out[3].suppression?.terms.map(\.field), ["host.name", "process.args"])
        XCTAssertEqual(out[3].suppression?.terms.last?.value, ["a", "b"])

        // doNotSuppress: an alert lacking a field is raised on its own, every time.
        rule.suppression?.missingFields = .doNotSuppress
        var strict = AlertGate()
        var raised: [Alert] = []
        for second in 0..<3 { strict.offer(Self.alert(rule: rule, at: Double(second)), now: Self.at(Double(second)), into: &raised) }
        XCTAssertEqual(raised.count, 3)
        XCTAssertNil(raised[0].suppression)
    }

    func testSequenceGroupValueMustBeCommonToAllEvents() {
        let a = Document(fields: [("host.name", "h"), ("process.pid", 1)])
        let b = Document(fields: [("host.name", "h"), ("process.pid", 2)])
        XCTAssertEqual(AlertGate.commonValue(of: "host.name", in: [a, b]), "h")
        XCTAssertEqual(AlertGate.commonValue(of: "process.pid", in: [a, b]), .null)
    }

    func testRateLimitDropsAndCountsButNeverTheFirstAlertOfANewGroup() {
        var policy = AlertPolicy()
        policy.suppressDuplicates = false
        policy.ratePerMinute = 60
        policy.rateBurst = 3
        var gate = AlertGate(policy: policy)
        var out: [Alert] = []
        for _ in 0..<10 { gate.offer(Self.alert(at: 0), now: Self.at(0), into: &out) }
        XCTAssertEqual(out.count, 3)
        XCTAssertEqual(gate.counters.rateLimited, 7)
        XCTAssertEqual(gate.rateLimitedByRule[Fixtures.udpShellRule.id], 7)
        gate.offer(Self.alert(at: 2), now: Self.at(2), into: &out)
        XCTAssertEqual(out.count, 4, "one token per second refills")

        // With suppression, every new process's first alert passes even with the bucket empty.
        policy.suppressDuplicates = true
        var grouped = AlertGate(policy: policy)
        var first: [Alert] = []
        for index in 0..<10 {
            grouped.offer(Self.alert(entity: "E\(index)", at: 0), now: Self.at(0), into: &first)
        }
        XCTAssertEqual(first.count, 10)
        XCTAssertEqual(grouped.counters.rateLimited, 0)
    }

    func testGateBoundsWhatItPasses() {
        var gate = AlertGate()
        var out: [Alert] = []
        gate.offer(AlertLimitsTests.hugeAlert(), now: .now(), into: &out)
        XCTAssertEqual(out.count, 1)
        XCTAssertLessThanOrEqual(out[0].json.utf8.count, 65_536)
        XCTAssertEqual(gate.counters.truncated, 1)
    }

    /// Real journald: a summary record reads back with its count, window and first alert id.
    func testRealJournaldSummaryRecord() throws {
        try Fixtures.requireRoot("starting journald")
        let journald = try JournaldHarness.start()
        defer { journald.stop() }
        var gate = AlertGate()
        var out: [Alert] = []
        for second in 0..<3 { gate.offer(Self.alert(at: Double(second)), now: Self.at(Double(second)), into: &out) }
        gate.finish(now: Self.at(10), into: &out)
        XCTAssertEqual(out.count, 2)
        let sink = JournalWriter.sink()
        out.forEach(sink.deliver)
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(sink.counters.delivered, 2, sink.counters.description)
        let summary = out[1]
        let entry = try journald.entry(matching: ["SYSLOG_IDENTIFIER=auspex", "AUSPEX_ALERT_ID=\(summary.id)"])
        XCTAssertEqual(entry.text("AUSPEX_SUPPRESSED_COUNT"), "2")
        XCTAssertEqual(entry.text("AUSPEX_SUPPRESSION_SUMMARY_OF"), out[0].id)
        XCTAssertEqual(entry.text("AUSPEX_SUPPRESSION_START"), Self.at(0).rfc3339)
        XCTAssertEqual(entry.text("AUSPEX_SUPPRESSION_END"), Self.at(2).rfc3339)
        XCTAssertEqual(entry.text("AUSPEX_SUPPRESSION_WINDOW_END"), Self.at(60).rfc3339)
        XCTAssertEqual(entry.text("AUSPEX_SUPPRESSION_ID"), out[0].suppression?.instanceID)
        XCTAssertEqual(entry.text("MESSAGE"), summary.reason)
        let first = try journald.entry(matching: ["SYSLOG_IDENTIFIER=auspex", "AUSPEX_ALERT_ID=\(out[0].id)"])
        XCTAssertNil(first.text("AUSPEX_SUPPRESSED_COUNT"))
        XCTAssertEqual(first.text("AUSPEX_SUPPRESSION_ID"), out[0].suppression?.instanceID)
        sink.close(timeoutMilliseconds: 1000)
    }
}
