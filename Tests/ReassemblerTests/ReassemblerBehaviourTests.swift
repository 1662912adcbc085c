import PackageTestSupport
@testable import AuditRecords
@testable import Reassembler
import XCTest

final class ReassemblerBehaviourTests: XCTestCase {
    private let second: Int64 = 1_000_000_000

    func testCompletesOnEOEAndNotOnProctitle() {
        var reassembler = Reassembler()
        XCTAssertEqual(reassembler.push(record("SYSCALL", serial: 7, "syscall=59"), now: 0).count, 0)
        XCTAssertEqual(reassembler.push(record("PROCTITLE", serial: 7, "proctitle=6C73"), now: 0).count, 0)
        XCTAssertEqual(reassembler.push(record("PATH", serial: 7, "item=0"), now: 0).count, 0, "records after PROCTITLE still join")
        let events = reassembler.push(record("EOE", serial: 7), now: 0)
        XCTAssertEqual(summary(events), "7(3)")
        XCTAssertFalse(events[0].records.contains { $0.type == .eoe }, "the EOE record is not kept")
        XCTAssertEqual(reassembler.statistics.completedByEOE, 1)
        XCTAssertEqual(reassembler.pendingCount, 0)
        XCTAssertEqual(reassembler.finish().count, 0)
    }

    func testTimeout() {
        var reassembler = Reassembler(maxInFlight: 50, timeoutNanoseconds: 2 * second)
        _ = reassembler.push(record("SYSCALL", serial: 1), now: 10 * second)
        _ = reassembler.push(record("SYSCALL", serial: 2), now: 11 * second)
        XCTAssertEqual(reassembler.flush(now: 12 * second - 1).count, 0)
        XCTAssertEqual(summary(reassembler.flush(now: 12 * second)), "1(1)")
        XCTAssertEqual(summary(reassembler.push(record("CWD", serial: 3), now: 13 * second)), "2(1)")
        XCTAssertEqual(reassembler.statistics.timedOut, 2)
        XCTAssertEqual(reassembler.pendingCount, 1)
    }

    func testMaxInFlightEvictsTheOldestSerial() {
        var reassembler = Reassembler(maxInFlight: 2)
        XCTAssertEqual(reassembler.push(record("SYSCALL", serial: 12), now: 0).count, 0)
        XCTAssertEqual(reassembler.push(record("SYSCALL", serial: 10), now: 0).count, 0)
        XCTAssertEqual(summary(reassembler.push(record("SYSCALL", serial: 11), now: 0)), "10(1)")
        XCTAssertEqual(reassembler.statistics.evicted, 1)
        XCTAssertEqual(summary(reassembler.finish()), "11(1) 12(1)")
        XCTAssertEqual(reassembler.statistics.lost, 0)
        XCTAssertEqual(reassembler.statistics.flushedAtEnd, 2)
    }

    func testUserSpaceRecordsCompleteAtOnceWithoutSplittingAKernelEvent() {
        var reassembler = Reassembler()
        XCTAssertEqual(reassembler.push(record("SYSCALL", serial: 20, "syscall=44"), now: 0).count, 0)
        let user = reassembler.push(record("USER_LOGIN", serial: 20, "pid=1 msg='op=login res=success'"), now: 0)
        XCTAssertEqual(summary(user), "20(1)")
        XCTAssertEqual(user[0].records[0].type, .userLogin)
        XCTAssertEqual(reassembler.push(record("SOCKADDR", serial: 20, "saddr=100000000000000000000000"), now: 0).count, 0)
        let kernel = reassembler.push(record("EOE", serial: 20), now: 0)
        XCTAssertEqual(kernel.map { $0.records.map(\.type) }, [[.syscall, .sockaddr]])
        XCTAssertEqual(reassembler.statistics.userSpace, 1)
        XCTAssertEqual(reassembler.statistics.completed, 2)
    }

    func testDaemonRecordsDoNotDisturbLostCounting() {
        var reassembler = Reassembler()
        var events = reassembler.push(record("SYSCALL", serial: 1000), now: 0)
        events += reassembler.push(record("DAEMON_START", serial: 9_000_000, "op=start res=success"), now: 0)
        events += reassembler.push(record("SYSCALL", serial: 1001), now: 0)
        events += reassembler.finish()
        XCTAssertEqual(events.map(\.serial), [9_000_000, 1000, 1001])
        XCTAssertEqual(reassembler.statistics.lost, 0)
    }

    func testUserRecordsCountInTheSerialSequence() {
        var reassembler = Reassembler()
        var events = reassembler.push(record("SYSCALL", serial: 1), now: 0)
        events += reassembler.push(record("USER_CMD", serial: 2, "cmd=6C73"), now: 0)
        events += reassembler.push(record("SYSCALL", serial: 3), now: 0)
        events += reassembler.finish()
        XCTAssertEqual(events.map(\.serial), [2, 1, 3])
        XCTAssertEqual(reassembler.statistics.lost, 0)
    }

    func testAuditLoginStaysWithItsSyscall() {
        // AUDIT_LOGIN (1006) comes from the kernel inside write(/proc/self/loginuid), before its SYSCALL.
        var reassembler = Reassembler()
        XCTAssertEqual(reassembler.push(record("LOGIN", serial: 30, "pid=5 uid=0 old-auid=4294967295 auid=1000"), now: 0).count, 0)
        XCTAssertEqual(reassembler.push(record("SYSCALL", serial: 30, "syscall=1"), now: 0).count, 0)
        let events = reassembler.push(record("EOE", serial: 30), now: 0)
        XCTAssertEqual(events.map { $0.records.map(\.type) }, [[.login, .syscall]])
        XCTAssertEqual(reassembler.statistics.lost, 0)
    }

    func testLostCountAcrossRolloverUsesSerialArithmetic() {
        let records = [record("SYSCALL", serial: 4_294_967_294), record("SYSCALL", serial: 1), record("SYSCALL", serial: 5)]
        let (events, statistics) = reassembleAll(records, maxInFlight: 50)
        XCTAssertEqual(events.map(\.serial), [4_294_967_294, 1, 5])
        XCTAssertEqual(statistics.lost, 2 + 3, "4294967295 and 0, then 2, 3 and 4")
    }

    func testLateSerialNeverWrapsTheLostCounter() {
        var reassembler = Reassembler(maxInFlight: 1)
        _ = reassembler.push(record("SYSCALL", serial: 100), now: 0)
        _ = reassembler.push(record("EOE", serial: 100), now: 0)
        _ = reassembler.push(record("SYSCALL", serial: 101), now: 0)
        _ = reassembler.push(record("EOE", serial: 101), now: 0)
        // A straggler of an older serial after newer ones retired (go-libaudit would add ~2^32 here).
        var late = reassembler.push(record("SYSCALL", serial: 99), now: 0)
        late += reassembler.push(record("PATH", serial: 100), now: 0)
        late += reassembler.finish()
        XCTAssertEqual(late.map(\.serial), [99, 100])
        XCTAssertEqual(reassembler.statistics.lost, 0)
    }

    func testEventsCompletedOutOfOrderStillCountGapsInSerialOrder() {
        var reassembler = Reassembler()
        _ = reassembler.push(record("SYSCALL", serial: 1), now: 0)
        _ = reassembler.push(record("SYSCALL", serial: 2), now: 0)
        XCTAssertEqual(summary(reassembler.push(record("EOE", serial: 2), now: 0)), "2(1)", "no head-of-line wait")
        _ = reassembler.push(record("SYSCALL", serial: 4), now: 0)
        XCTAssertEqual(summary(reassembler.push(record("EOE", serial: 1), now: 0)), "1(1)")
        _ = reassembler.finish()
        XCTAssertEqual(reassembler.statistics.lost, 1, "serial 3 never seen")
    }

    func testASerialArrivingAfterALaterOneRetiredIsLateNotLost() {
        var reassembler = Reassembler()
        _ = reassembler.push(record("SYSCALL", serial: 1), now: 0)
        _ = reassembler.push(record("EOE", serial: 1), now: 0)
        _ = reassembler.push(record("SYSCALL", serial: 3), now: 0)
        _ = reassembler.push(record("EOE", serial: 3), now: 0)
        XCTAssertEqual(reassembler.statistics.lost, 1, "serial 2 not seen yet")
        _ = reassembler.push(record("SYSCALL", serial: 2), now: 0)
        XCTAssertEqual(summary(reassembler.push(record("EOE", serial: 2), now: 0)), "2(1)")
        XCTAssertEqual(reassembler.statistics.lost, 0, "serial 2 came late")
        XCTAssertEqual(reassembler.statistics.late, 1)
        // A straggler of serial 2 again, and serial 5 never: only 4 counts.
        _ = reassembler.push(record("PATH", serial: 2), now: 0)
        _ = reassembler.push(record("SYSCALL", serial: 5), now: 0)
        _ = reassembler.finish()
        XCTAssertEqual(reassembler.statistics.lost, 1, "serial 4 never seen")
        XCTAssertEqual(reassembler.statistics.late, 1)
    }

    func testEOEWithoutPendingEventIsCountedNotDelivered() {
        var reassembler = Reassembler()
        XCTAssertEqual(reassembler.push(record("EOE", serial: 5), now: 0).count, 0)
        XCTAssertEqual(reassembler.statistics.orphanEOE, 1)
        XCTAssertEqual(reassembler.finish().count, 0)
    }

    func testRecordAfterEOEStartsANewEvent() {
        var reassembler = Reassembler()
        _ = reassembler.push(record("SYSCALL", serial: 8), now: 0)
        _ = reassembler.push(record("EOE", serial: 8), now: 0)
        _ = reassembler.push(record("PATH", serial: 8), now: 0)
        XCTAssertEqual(summary(reassembler.finish()), "8(1)")
        XCTAssertEqual(reassembler.statistics.completed, 2)
    }

    func testNodesKeepTheirOwnEvents() {
        var reassembler = Reassembler()
        _ = reassembler.push(record("SYSCALL", serial: 9, node: "a"), now: 0)
        _ = reassembler.push(record("SYSCALL", serial: 9, node: "b"), now: 0)
        _ = reassembler.push(record("CWD", serial: 9, node: "a"), now: 0)
        let a = reassembler.push(record("EOE", serial: 9, node: "a"), now: 0)
        XCTAssertEqual(a.map { "\($0.node ?? "-"):\($0.records.count)" }, ["a:2"])
        XCTAssertEqual(reassembler.finish().map { "\($0.node ?? "-"):\($0.records.count)" }, ["b:1"])
        XCTAssertEqual(reassembler.statistics.lost, 0, "each node has its own serial space")
    }

    func testCompletedMarkersBehindAStuckHeadStayBounded() {
        var reassembler = Reassembler(maxInFlight: 4)
        _ = reassembler.push(record("SYSCALL", serial: 1), now: 0)
        var delivered = 0
        for serial in UInt32(2)...UInt32(1000) {
            delivered += reassembler.push(record("SYSCALL", serial: serial), now: 0).count
            delivered += reassembler.push(record("EOE", serial: serial), now: 0).count
        }
        XCTAssertEqual(delivered, 1000, "the stuck head is forced out once the marker bound is reached")
        XCTAssertEqual(reassembler.pendingCount, 0)
        XCTAssertEqual(reassembler.statistics.lost, 0)
    }
}

/// Random interleavings: whatever the order, clock and limits, every record other than EOE comes out exactly once,
/// in an event of its own serial, and nothing stays pending after `finish()`.
final class ReassemblerPropertyTests: XCTestCase {
    func testEveryRecordIsDeliveredExactlyOnce() {
        var random = SplitMix64(seed: 42)
        let types = ["SYSCALL", "PATH", "CWD", "EXECVE", "PROCTITLE", "EOE", "USER_LOGIN", "LOGIN", "DAEMON_START", "SOCKADDR"]
        for round in 0..<20 {
            var reassembler = Reassembler(maxInFlight: Int(random.next() % 6) + 1,
                                          timeoutNanoseconds: Int64(random.next() % 3) * 1_000_000_000)
            var now: Int64 = 0
            var sent: [String: Int] = [:]
            var received: [String: Int] = [:]
            let base = UInt32.max - UInt32(random.next() % 40)  // crosses the rollover in most rounds
            func collect(_ events: [AuditEvent]) {
                for event in events {
                    for record in event.records {
                        XCTAssertEqual(record.serial, event.serial)
                        XCTAssertNotEqual(record.type, .eoe)
                        received["\(record.serial)/\(record["n"]?.rawString ?? "?")", default: 0] += 1
                    }
                }
            }
            for n in 0..<300 {
                let serial = base &+ UInt32(random.next() % 80)
                let type = types[Int(random.next() % UInt64(types.count))]
                if type != "EOE" { sent["\(serial)/\(n)", default: 0] += 1 }
                now += Int64(random.next() % 200_000_000)
                collect(reassembler.push(record(type, serial: serial, "n=\(n)"), now: now))
                if random.next() % 10 == 0 { collect(reassembler.flush(now: now)) }
            }
            collect(reassembler.finish())
            XCTAssertEqual(received, sent, "round \(round)")
            XCTAssertEqual(reassembler.pendingCount, 0)
            XCTAssertLessThan(reassembler.statistics.lost, 80, "gaps only move forward within the 80-serial window")
        }
    }

    /// Expiry passes stop early while pending events' expiries rise with their serials: serials out of order and a
    /// clock that sometimes goes back must still see every kernel event delivered by the first call at or past
    /// its timeout, and user-space records at once.
    func testEveryEventIsDeliveredOnceDue() {
        var random = SplitMix64(seed: 7)
        let types = ["SYSCALL", "PATH", "CWD", "PROCTITLE", "EOE", "USER_LOGIN"]
        for round in 0..<40 {
            let timeout = Int64(random.next() % 3) * 100_000_000
            var reassembler = Reassembler(maxInFlight: 1000, timeoutNanoseconds: timeout)
            var now: Int64 = 1_000_000_000
            var openedAt: [UInt32: Int64] = [:]  // kernel events pending, by serial: when their first record came
            func collect(_ events: [AuditEvent]) {
                for event in events where !event.records[0].type.isUserSpace {
                    XCTAssertNotNil(openedAt.removeValue(forKey: event.serial), "round \(round): \(event.serial)")
                }
            }
            func checkNothingOverdue(_ step: Int) {
                for (serial, opened) in openedAt {
                    XCTAssertGreaterThan(opened + timeout, now, "round \(round) step \(step): \(serial) overdue")
                }
            }
            for step in 0..<400 {
                // Mostly rising serials and clock, with stragglers and steps back.
                let serial = UInt32(step / 3) &- UInt32(random.next() % 8 == 0 ? random.next() % 20 : 0) &+ 100
                let type = types[Int(random.next() % UInt64(types.count))]
                now += Int64(random.next() % 60_000_000) - (random.next() % 10 == 0 ? 100_000_000 : 0)
                let isKernel = type != "EOE" && type != "USER_LOGIN"
                if isKernel, openedAt[serial] == nil { openedAt[serial] = now }
                var delivered: [AuditEvent] = []
                reassembler.push(record(type, serial: serial), now: now, into: &delivered)
                collect(delivered)
                checkNothingOverdue(step)
                if random.next() % 7 == 0 {
                    collect(reassembler.flush(now: now))
                    checkNothingOverdue(step)
                }
            }
            collect(reassembler.finish())
            XCTAssertTrue(openedAt.isEmpty, "round \(round)")
        }
    }
}

