@testable import Daemon
@testable import Alerting
import Foundation
import XCTest

/// What the main loop reports about the kernel audit state changed behind auspex's back.
final class AuditStateWatchTests: XCTestCase {
    func testNothingChangedFindsNothing() {
        var watch = AuditStateWatch(unicast: true, ownPID: 42)
        XCTAssertEqual(watch.check(enabled: 1, pid: 42, replaceRequests: 0, lastReplacePID: 0), [])
        XCTAssertEqual(watch.turnedOff, 0)
    }

    func testAuditingTurnedOffIsReportedEachTimeInUnicastOnceInMulticast() {
        var unicast = AuditStateWatch(unicast: true, ownPID: 42)
        // Unicast turns it back on, so each check that finds it off is a new change.
        XCTAssertEqual(unicast.check(enabled: 0, pid: 42, replaceRequests: 0, lastReplacePID: 0), [.auditingTurnedOff])
        XCTAssertEqual(unicast.check(enabled: 1, pid: 42, replaceRequests: 0, lastReplacePID: 0), [])
        XCTAssertEqual(unicast.check(enabled: 0, pid: 42, replaceRequests: 0, lastReplacePID: 0), [.auditingTurnedOff])
        XCTAssertEqual(unicast.turnedOff, 2)

        // Multicast leaves it to its owner: one report until it is on again.
        var multicast = AuditStateWatch(unicast: false, ownPID: 42)
        XCTAssertEqual(multicast.check(enabled: 0, pid: 7, replaceRequests: 0, lastReplacePID: 0), [.auditingTurnedOff])
        XCTAssertEqual(multicast.check(enabled: 0, pid: 7, replaceRequests: 0, lastReplacePID: 0), [])
        XCTAssertEqual(multicast.check(enabled: 1, pid: 7, replaceRequests: 0, lastReplacePID: 0), [])
        XCTAssertEqual(multicast.check(enabled: 0, pid: 7, replaceRequests: 0, lastReplacePID: 0), [.auditingTurnedOff])
        XCTAssertEqual(multicast.turnedOff, 2)
    }

    func testReplaceAttemptsAreReportedOncePerNewRequest() {
        var watch = AuditStateWatch(unicast: true, ownPID: 42)
        XCTAssertEqual(watch.check(enabled: 1, pid: 42, replaceRequests: 2, lastReplacePID: 99, lastReplaceCommand: "auditd"),
                       [.replaceAttempted(count: 2, byPID: 99, command: "auditd")])
        XCTAssertEqual(watch.check(enabled: 1, pid: 42, replaceRequests: 2, lastReplacePID: 99), [])
        XCTAssertEqual(watch.replaceAttempts, 2)
        XCTAssertTrue(AuditStateWatch.message(.replaceAttempted(count: 2, byPID: 99, command: "auditd"))
            .hasPrefix("another process (pid 99, auditd) tried to become the kernel's audit daemon (2 attempts)"))
    }

    func testAnotherAuditPIDIsALostSocketInUnicastOnly() {
        var unicast = AuditStateWatch(unicast: true, ownPID: 42)
        XCTAssertEqual(unicast.check(enabled: 1, pid: 99, replaceRequests: 0, lastReplacePID: 0), [.ownershipLost(toPID: 99)])
        XCTAssertEqual(unicast.check(enabled: 1, pid: 0, replaceRequests: 0, lastReplacePID: 0), [.ownershipLost(toPID: 0)])
        var multicast = AuditStateWatch(unicast: false, ownPID: 42)
        XCTAssertEqual(multicast.check(enabled: 1, pid: 99, replaceRequests: 0, lastReplacePID: 0), [])
    }

    func testEachFindingHasItsOwnMessageID() {
        let ids = [AuditStateFinding.auditingTurnedOff, .replaceAttempted(count: 1, byPID: 1, command: nil),
                   .ownershipLost(toPID: 1)].map(AuditStateWatch.messageID)
        XCTAssertEqual(Set(ids).count, 3)
        XCTAssertTrue(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    func testTheJournalWarningBeforeAnExitIsSentBeforeReturning() {
        final class Sent: @unchecked Sendable {
            private let lock = NSLock()
            private var fields: [(name: String, value: String)] = []
            func keep(_ new: [(name: String, value: String)]) { lock.withLock { fields = new } }
            func value(_ name: String) -> String? {
                lock.withLock { fields.first { $0.name == name }?.value }
            }
        }
        let sent = Sent()
        AuditStateWatch.sendJournalWarning(.ownershipLost(toPID: 7)) { fields in
            sent.keep(fields)
            return 0
        }
        XCTAssertEqual(sent.value("MESSAGE_ID"), AuditStateWatch.ownershipLostID)
        XCTAssertEqual(sent.value("PRIORITY"), "3")
        XCTAssertEqual(sent.value("SYSLOG_IDENTIFIER"), "auspex")
        XCTAssertTrue(sent.value("MESSAGE")?.hasPrefix("auspex: lost the kernel audit socket: pid 7") == true)
    }
}
