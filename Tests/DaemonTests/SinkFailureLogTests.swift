@testable import Daemon
@testable import Alerting
import XCTest

/// Sink failures are logged at most once per interval per sink, with the count since the last line; the first
/// delivery after failures is logged once.
final class SinkFailureLogTests: XCTestCase {
    private let second: Int64 = 1_000_000_000

    private func counters(delivered: UInt64, failed: UInt64) -> SinkCounters {
        var counters = SinkCounters()
        counters.delivered = delivered
        counters.failed = failed
        return counters
    }

    func testOneLinePerIntervalThenOneRecoveryLine() {
        var log = SinkFailureLog(intervalSeconds: 10)
        XCTAssertEqual(log.check([("spool", counters(delivered: 5, failed: 0))], monotonic: 1 * second), [])

        let first = log.check([("spool", counters(delivered: 5, failed: 1))], monotonic: 2 * second)
        XCTAssertEqual(first.count, 1)
        XCTAssertTrue(first[0].hasPrefix("sink spool: 1 alert(s) failed to write; last error: "), first[0])

        // Hundreds more within the interval: no line; after it, one line with the count since the first.
        for tick in 3...11 {
            XCTAssertEqual(log.check([("spool", counters(delivered: 5, failed: UInt64(tick * 50)))],
                                     monotonic: Int64(tick) * second), [])
        }
        let second = log.check([("spool", counters(delivered: 5, failed: 600))], monotonic: 12 * self.second)
        XCTAssertEqual(second.count, 1)
        XCTAssertTrue(second[0].hasPrefix("sink spool: 599 alert(s) failed to write in the last 10 s"), second[0])

        // Delivering again: one recovery line, then silence.
        XCTAssertEqual(log.check([("spool", counters(delivered: 6, failed: 600))], monotonic: 13 * self.second),
                       ["sink spool: writing again (600 failed in all)"])
        XCTAssertEqual(log.check([("spool", counters(delivered: 9, failed: 600))], monotonic: 14 * self.second), [])

        // Failures not yet reported when delivery resumes are in the recovery line's total.
        XCTAssertEqual(log.check([("spool", counters(delivered: 9, failed: 602))], monotonic: 15 * self.second).count, 1)
        XCTAssertEqual(log.check([("spool", counters(delivered: 9, failed: 604))], monotonic: 16 * self.second), [])
        XCTAssertEqual(log.check([("spool", counters(delivered: 10, failed: 604))], monotonic: 17 * self.second),
                       ["sink spool: writing again (604 failed in all)"])

        // A new failure after recovery is reported at once.
        XCTAssertEqual(log.check([("spool", counters(delivered: 10, failed: 605))], monotonic: 18 * self.second).count, 1)
    }

    func testSinksAreReportedSeparately() {
        var log = SinkFailureLog(intervalSeconds: 60)
        let lines = log.check([("journal", counters(delivered: 0, failed: 3)), ("spool", counters(delivered: 3, failed: 0))],
                              monotonic: second)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasPrefix("sink journal: 3 alert(s) failed"), lines[0])
    }
}
