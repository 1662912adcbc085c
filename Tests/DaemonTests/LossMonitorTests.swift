@testable import Daemon
@testable import Alerting
@testable import EventModel
import XCTest

/// The blind-spot alert's rate logic on a fake clock, and the alert and journal warning it builds.
final class LossMonitorTests: XCTestCase {
    private let second: Int64 = 1_000_000_000
    private func wall(_ seconds: Int64) -> AlertTime { AlertTime(seconds: 1_700_000_000 + seconds) }

    func testFirstLossAlertsAtOnceThenAtMostOncePerIntervalCarryingLossOver() {
        var monitor = LossMonitor(intervalSeconds: 10, wallClock: wall(0))
        XCTAssertNil(monitor.check(LossCounts(), monotonic: 1 * second, wallClock: wall(1)), "no loss, no alert")
        XCTAssertNil(monitor.check(LossCounts(), monotonic: 2 * second, wallClock: wall(2)))

        // First loss: reported at once; the window starts at the last clean check.
        let first = monitor.check(LossCounts(queueDropped: 500), monotonic: 3 * second, wallClock: wall(3))
        XCTAssertEqual(first?.counts, LossCounts(queueDropped: 500))
        XCTAssertEqual(first?.windowStart, wall(2))
        XCTAssertEqual(first?.windowEnd, wall(3))
        XCTAssertEqual(monitor.reports, 1)

        // More loss within the interval: held back, not forgotten.
        XCTAssertNil(monitor.check(LossCounts(kernelLost: 7, queueDropped: 600), monotonic: 5 * second, wallClock: wall(5)))
        XCTAssertNil(monitor.check(LossCounts(kernelLost: 9, queueDropped: 900), monotonic: 12_999_999_999, wallClock: wall(12)))
        XCTAssertEqual(monitor.reports, 1)

        // Interval over: one report with everything since the first, window from the first report.
        let second = monitor.check(LossCounts(kernelLost: 9, queueDropped: 900, sinkDropped: 1),
                                   monotonic: 13 * self.second, wallClock: wall(13))
        XCTAssertEqual(second?.counts, LossCounts(kernelLost: 9, queueDropped: 400, sinkDropped: 1))
        XCTAssertEqual(second?.windowStart, wall(3))
        XCTAssertEqual(second?.windowEnd, wall(13))
        XCTAssertEqual(monitor.reports, 2)

        // Quiet for long, then loss again: reported at once, window from the last quiet check.
        XCTAssertNil(monitor.check(LossCounts(kernelLost: 9, queueDropped: 900, sinkDropped: 1), monotonic: 40 * self.second, wallClock: wall(40)))
        let third = monitor.check(LossCounts(kernelLost: 9, enobufs: 2, queueDropped: 900, sinkDropped: 1),
                                  monotonic: 41 * self.second, wallClock: wall(41))
        XCTAssertEqual(third?.counts, LossCounts(enobufs: 2))
        XCTAssertEqual(third?.windowStart, wall(40))
        XCTAssertEqual(monitor.reports, 3)
    }

    func testANewIntervalAppliesFromTheLastReport() {
        var monitor = LossMonitor(intervalSeconds: 10, wallClock: wall(0))
        XCTAssertNotNil(monitor.check(LossCounts(enobufs: 1), monotonic: second, wallClock: wall(1)))
        monitor.setInterval(seconds: 2)
        XCTAssertNil(monitor.check(LossCounts(enobufs: 2), monotonic: 2 * second, wallClock: wall(2)))
        XCTAssertEqual(monitor.check(LossCounts(enobufs: 3), monotonic: 3 * second, wallClock: wall(3))?.counts,
                       LossCounts(enobufs: 2))
    }

    func testEveryCauseCounts() {
        let causes: [LossCounts] = [LossCounts(kernelLost: 1), LossCounts(enobufs: 1), LossCounts(queueDropped: 1),
                                    LossCounts(reassemblyLost: 1), LossCounts(reassemblyEvicted: 1),
                                    LossCounts(ruleStateEvicted: 1), LossCounts(sinkDropped: 1)]
        for cause in causes {
            var monitor = LossMonitor(intervalSeconds: 10, wallClock: wall(0))
            XCTAssertEqual(monitor.check(cause, monotonic: second, wallClock: wall(1))?.counts, cause)
        }
    }

    func testAlertDocumentAndJournalWarning() throws {
        let report = LossReport(counts: LossCounts(kernelLost: 3, queueDropped: 1200), windowStart: wall(0), windowEnd: wall(10))
        var host = Document()
        host.append("id", "abc")
        host.append("name", "web-1")
        let alert = BlindSpotAlert.alert(for: report, host: host)
        let document = alert.document
        XCTAssertEqual(document["rule.name"], .string("auspex lost audit events"))
        XCTAssertEqual(document["rule.severity"], .string("high"))
        XCTAssertEqual(document["rule.risk_score"], .int(73))
        XCTAssertEqual(document["event.kind"], .string("alert"))
        XCTAssertEqual(document["event.start"], .string(wall(0).rfc3339))
        XCTAssertEqual(document["event.end"], .string(wall(10).rfc3339))
        XCTAssertEqual(document["host.name"], .string("web-1"))
        XCTAssertEqual(document["auspex.loss.queue_dropped"], .int(1200))
        XCTAssertEqual(document["auspex.loss.kernel_lost"], .int(3))
        XCTAssertEqual(document["auspex.loss.enobufs"], .int(0))
        XCTAssertEqual(document["auspex.loss.total"], .int(1203))
        XCTAssertEqual(document["auspex.loss.window.start"], .string(wall(0).rfc3339))
        XCTAssertEqual(document["auspex.loss.window.end"], .string(wall(10).rfc3339))
        XCTAssertEqual(alert.reason, "auspex lost audit events (high, risk 73): 1203 lost in 10.0 s (kernel_lost 3, queue_dropped 1200) on web-1")
        XCTAssertTrue(alert.json.contains("\"loss\":{\"kernel_lost\":3"), alert.json)

        let fields = Dictionary(BlindSpotAlert.warningFields(for: alert).map { ($0.name, $0.value) },
                                uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(fields["MESSAGE_ID"], BlindSpotAlert.messageID)
        XCTAssertNotEqual(BlindSpotAlert.messageID, JournalEntry.messageID)
        XCTAssertEqual(fields["PRIORITY"], "4")
        XCTAssertEqual(fields["AUSPEX_LOSS_QUEUE_DROPPED"], "1200")
        XCTAssertEqual(fields["AUSPEX_LOSS_KERNEL_LOST"], "3")
        XCTAssertEqual(fields["AUSPEX_LOSS_WINDOW_END"], wall(10).rfc3339)
        XCTAssertEqual(fields["AUSPEX_ALERT_ID"], alert.id)
        XCTAssertTrue(fields["MESSAGE"]?.contains("queue_dropped=1200") == true, fields["MESSAGE"] ?? "")
        // The alert's own journal entry is an ordinary alert entry.
        let alertFields = Dictionary(JournalEntry.fields(for: alert).map { ($0.name, String(decoding: $0.value, as: UTF8.self)) },
                                     uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(alertFields["MESSAGE_ID"], JournalEntry.messageID)
        XCTAssertEqual(alertFields["AUSPEX_RULE_NAME"], "auspex lost audit events")
        XCTAssertEqual(alertFields["PRIORITY"], "3")
    }
}
