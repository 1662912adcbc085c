@testable import EventModel
import Foundation
import XCTest
@testable import Alerting

final class JournalTests: XCTestCase {
    func testFieldNamesAreValidated() {
        for good in ["MESSAGE", "AUSPEX_RULE_ID", "A", "X9_", String(repeating: "A", count: 64)] {
            XCTAssertTrue(JournalField.isValidName(good), good)
        }
        for bad in ["", "_PID", "9LIVES", "message", "AUSPEX-RULE", "AUSPEX RULE", "A=B", "Ä", String(repeating: "A", count: 65)] {
            XCTAssertFalse(JournalField.isValidName(bad), bad)
            XCTAssertNil(JournalField(bad, "value"))
        }
    }

    func testEntryFieldsForAnAlert() throws {
        let alert = Fixtures.alert()
        let fields = JournalEntry.fields(for: alert)
        XCTAssertTrue(fields.allSatisfy { JournalField.isValidName($0.name) })
        func values(_ name: String) -> [String] {
            fields.filter { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
        }
        XCTAssertEqual(values("MESSAGE"), [alert.reason])
        XCTAssertEqual(values("PRIORITY"), ["4"])
        XCTAssertEqual(values("SYSLOG_IDENTIFIER"), ["auspex"])
        XCTAssertEqual(values("MESSAGE_ID"), ["e9f10111b32d456f862be33190266186"])
        XCTAssertEqual(values("AUSPEX_ALERT_ID"), [alert.id])
        XCTAssertEqual(values("AUSPEX_RULE_ID"), ["a5eb21b7-13cc-4b94-9fe2-29bb2914e037"])
        XCTAssertEqual(values("AUSPEX_RULE_NAME"), ["Potential Reverse Shell via UDP"])
        XCTAssertEqual(values("AUSPEX_SEVERITY"), ["medium"])
        XCTAssertEqual(values("AUSPEX_RISK_SCORE"), ["47"])
        XCTAssertEqual(values("AUSPEX_TACTIC_ID"), ["TA0002", "TA0011"])
        XCTAssertEqual(values("AUSPEX_TECHNIQUE_ID"), ["T1059", "T1059.004", "T1095"])
        XCTAssertEqual(values("AUSPEX_TAG").count, 3)
        XCTAssertEqual(values("AUSPEX_HOST_NAME"), ["web-1"])
        XCTAssertEqual(values("AUSPEX_PROCESS_PID"), ["4242"])
        XCTAssertEqual(values("AUSPEX_PROCESS_NAME"), ["nc"])
        XCTAssertEqual(values("AUSPEX_USER_NAME"), ["root"])
        XCTAssertEqual(values("AUSPEX_DESTINATION_IP"), ["203.0.113.9"])
        XCTAssertEqual(values("AUSPEX_DESTINATION_PORT"), ["53"])
        XCTAssertEqual(values("AUSPEX_EVENT_COUNT"), ["2"])
        XCTAssertEqual(values("AUSPEX_ALERT_JSON"), [alert.json])
        XCTAssertTrue(values("AUSPEX_PROCESS_EXECUTABLE").isEmpty)

        var critical = alert
        critical.rule.severity = .critical
        critical.reason = "two\nlines"
        let criticalFields = JournalEntry.fields(for: critical)
        XCTAssertEqual(criticalFields.first { $0.name == "PRIORITY" }?.value, Array("2".utf8))
        XCTAssertEqual(criticalFields.first { $0.name == "MESSAGE" }?.value, Array(#"two\nlines"#.utf8))
    }

    /// A stalled journald (send blocks) never blocks the caller: the queue fills, the rest is dropped and counted.
    func testStalledJournalNeverBlocksTheCaller() {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let sink = JournalWriter.sink(capacity: 8) { _ in
            entered.signal()
            release.wait()
            return 0
        }
        sink.deliver(Fixtures.alert())
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success, "writer thread never started")
        let start = DispatchTime.now()
        for _ in 0..<200 { sink.deliver(Fixtures.alert()) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        XCTAssertLessThan(elapsed, 0.5, "deliver blocked on a stalled journald")
        XCTAssertEqual(sink.counters.dropped, 192)
        XCTAssertEqual(sink.queued, 8)
        XCTAssertFalse(sink.flush(timeoutMilliseconds: 50))
        // Shutdown does not hang on a stalled journald either; what is queued still goes out later.
        XCTAssertFalse(sink.close(timeoutMilliseconds: 50))
        sink.deliver(Fixtures.alert())
        XCTAssertEqual(sink.counters.dropped, 193)
        for _ in 0..<9 { release.signal() }
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(sink.counters.delivered, 9)
        XCTAssertTrue(sink.close(timeoutMilliseconds: 5000))
    }

    /// journald absent or full: every errno is counted as a failure with its reason, never thrown at the caller.
    func testSendErrorsAreCounted() {
        let codes: [Int32] = [ENOENT, ECONNREFUSED, EAGAIN]
        let next = Locked(0)
        let sink = JournalWriter.sink(capacity: 16) { _ in
            let index = next.withValue { value -> Int in defer { value += 1 }; return value }
            return index < codes.count ? -codes[index] : 0
        }
        for _ in 0..<4 { sink.deliver(Fixtures.alert()) }
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        let counters = sink.counters
        XCTAssertEqual(counters.failed, 3)
        XCTAssertEqual(counters.delivered, 1)
        XCTAssertEqual(counters.dropped, 0)
        XCTAssertEqual(counters.lastError, AlertSinkError(code: EAGAIN, operation: "sd_journal_sendv").description)
        sink.close(timeoutMilliseconds: 1000)
    }

    /// Real journald: a hostile process name reaches the journal intact as a value, MESSAGE stays one line,
    /// and no field can be forged. Then, if this test started journald, it stops it and checks that sending
    /// to an absent journald is counted, not fatal.
    func testRealJournaldRoundTripWithHostileProcessName() throws {
        try Fixtures.requireRoot("starting journald")
        let journald = try JournaldHarness.start()
        defer { journald.stop() }

        let hostile = "nc\nAUSPEX_RULE_ID=forged\nPRIORITY=0\u{1}\u{1b}[31m\u{7f}" + String(repeating: "A", count: 6000)
        let alert = Fixtures.alert(processName: hostile, pid: 31337)
        let sink = JournalWriter.sink()
        sink.deliver(alert)
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(sink.counters.delivered, 1, sink.counters.description)

        let entry = try journald.entry(matching: ["SYSLOG_IDENTIFIER=auspex", "AUSPEX_ALERT_ID=\(alert.id)"])
        XCTAssertEqual(entry.text("MESSAGE"), alert.reason)
        XCTAssertFalse(alert.reason.contains("\n"))
        XCTAssertTrue(alert.reason.contains(#"nc\nAUSPEX_RULE_ID=forged\nPRIORITY=0\x01\x1b[31m\x7fAAA"#), alert.reason)
        XCTAssertEqual(entry.text("PRIORITY"), "4")
        XCTAssertEqual(entry.text("MESSAGE_ID"), JournalEntry.messageID)
        XCTAssertEqual(entry.text("AUSPEX_RULE_ID"), Fixtures.udpShellRule.id, "forged or repeated rule id")
        XCTAssertEqual(entry.text("AUSPEX_RULE_NAME"), Fixtures.udpShellRule.name)
        XCTAssertEqual(entry.text("AUSPEX_SEVERITY"), "medium")
        XCTAssertEqual(entry.text("AUSPEX_RISK_SCORE"), "47")
        XCTAssertEqual(entry.text("AUSPEX_PROCESS_PID"), "31337")
        XCTAssertEqual(entry.text("AUSPEX_DESTINATION_IP"), "203.0.113.9")
        XCTAssertEqual(entry.bytes("AUSPEX_PROCESS_NAME"), Array(hostile.utf8.prefix(JournalEntry.maxEventValueBytes)))
        XCTAssertEqual(entry.text("AUSPEX_ALERT_JSON"), alert.json)
        XCTAssertNil(entry.fields["CODE_FILE"], "the shim's source location leaked into the entry")
        let forged = try journald.entries(matching: ["SYSLOG_IDENTIFIER=auspex", "AUSPEX_RULE_ID=forged"])
        XCTAssertTrue(forged.isEmpty, "a field was forged")

        guard journald.startedHere else { return }
        journald.stop()
        let absent = JournalWriter.sink()
        absent.deliver(alert)
        XCTAssertTrue(absent.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(absent.counters.failed, 1)
        XCTAssertEqual(absent.counters.delivered, 0)
        let expected = [ENOENT, ECONNREFUSED].map { AlertSinkError(code: $0, operation: "sd_journal_sendv").description }
        XCTAssertTrue(expected.contains(absent.counters.lastError ?? ""), absent.counters.description)
        absent.close(timeoutMilliseconds: 1000)
    }
}

/// A value behind a lock, for counters shared with writer threads in tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withValue<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

final class JournalEntryBoundsTests: XCTestCase {
    func testRepeatedAndEventFieldsAreBounded() {
        var rule = Fixtures.udpShellRule
        rule.tags = (0..<500).map { "tag \($0)" }
        rule.threats = (0..<100).map { i in
            .init(tactic: .init(id: "TA\(i)", name: "t"), techniques: [.init(.init(id: "T\(i)", name: "n"))])
        }
        let alert = Alert(rule: rule, events: Fixtures.events(processName: String(repeating: "é", count: 5000)))
        let fields = JournalEntry.fields(for: alert)
        XCTAssertEqual(fields.filter { $0.name == "AUSPEX_TAG" }.count, JournalEntry.maxRepeatedFields)
        XCTAssertEqual(fields.filter { $0.name == "AUSPEX_TACTIC_ID" }.count, JournalEntry.maxRepeatedFields)
        XCTAssertEqual(fields.filter { $0.name == "AUSPEX_TECHNIQUE_ID" }.map { String(decoding: $0.value, as: UTF8.self) },
                       (0..<JournalEntry.maxRepeatedFields).map { "T\($0)" })
        XCTAssertEqual(fields.first { $0.name == "AUSPEX_PROCESS_NAME" }?.value.count, JournalEntry.maxEventValueBytes)
        XCTAssertLessThan(fields.count, 200)
    }
}
