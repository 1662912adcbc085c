import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Loss is evidence: a daemon made to drop records (a record queue of 16 and a burst of execs) raises the
/// blind-spot alert in the spool and the journal warning with its own MESSAGE_ID. Real kernel, real journald.
final class BlindSpotTests: XCTestCase {
    static let warningMessageID = "e0f324042df14c50b5c694ebe505d447"
    static let alertMessageID = "e9f10111b32d456f862be33190266186"

    func testRecordQueueDropsRaiseTheBlindSpotAlertAndJournalWarning() throws {
        let run = try LiveRun()
        defer { run.finish() }
        let work = run.work
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let daemon = try run.start(["--set", "engine.event_queue_size=16", "--set", "daemon.loss_alert_interval=60"])

        // Bursts of execs from four parallel shells until the daemon says it dropped records (at most ~20 s).
        func lossAlerts() -> [[String: Any]] {
            work.spooledAlerts().filter { $0.value(at: "rule.name") as? String == "auspex lost audit events" }
        }
        let deadline = Date().addingTimeInterval(20)
        while lossAlerts().isEmpty, Date() < deadline {
            let burst = (0..<4).map { _ in
                Harness.background("/bin/bash", ["-c", "for i in $(seq 400); do /bin/true; done"])
            }
            burst.forEach { $0?.waitUntilExit() }
            _ = Harness.wait(seconds: 1) { !lossAlerts().isEmpty }
        }
        let alert = try XCTUnwrap(lossAlerts().first, "no blind-spot alert in the spool; stderr:\n\(daemon.stderr)")
        XCTAssertEqual(alert.value(at: "rule.severity") as? String, "high")
        XCTAssertEqual(alert.value(at: "rule.risk_score") as? Int, 73)
        XCTAssertEqual(alert.value(at: "event.kind") as? String, "alert")
        XCTAssertNotNil(alert.value(at: "host.name"))
        let dropped = try XCTUnwrap(alert.value(at: "auspex.loss.queue_dropped") as? Int)
        XCTAssertGreaterThan(dropped, 0)
        XCTAssertGreaterThanOrEqual(alert.value(at: "auspex.loss.total") as? Int ?? 0, dropped)
        XCTAssertNotNil(alert.value(at: "auspex.loss.window.start") as? String)
        XCTAssertNotNil(alert.value(at: "auspex.loss.window.end") as? String)

        // The journal warning: its own MESSAGE_ID, PRIORITY warning, the counts; and the alert's own entry.
        XCTAssertTrue(Harness.wait(seconds: 5) {
            !Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: Self.warningMessageID).isEmpty
        }, "no journal warning with MESSAGE_ID \(Self.warningMessageID)")
        let warnings = Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: Self.warningMessageID)
        XCTAssertEqual(warnings.count, 1, "at most one per loss_alert_interval (60 s here)")
        let warning = try XCTUnwrap(warnings.first)
        XCTAssertEqual(warning["PRIORITY"] as? String, "4")
        XCTAssertEqual(warning["SYSLOG_IDENTIFIER"] as? String, "auspex")
        XCTAssertGreaterThan(Int(warning["AUSPEX_LOSS_QUEUE_DROPPED"] as? String ?? "") ?? 0, 0)
        XCTAssertNotNil(warning["AUSPEX_LOSS_WINDOW_START"])
        XCTAssertTrue((warning["MESSAGE"] as? String ?? "").contains("queue_dropped="), "\(warning)")
        XCTAssertTrue(Harness.wait(seconds: 5) {
            Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_NAME", value: "auspex lost audit events")
                .contains { $0["MESSAGE_ID"] as? String == Self.alertMessageID }
        }, "the blind-spot alert's own journal entry")

        run.stop()
        XCTAssertTrue(daemon.stderr.contains("1 loss alerts"), daemon.stderr)
    }
}
