@testable import AuditRecords
import Foundation
@testable import Reassembler
import XCTest

/// Review "Reliability and security" F8: the reassembler's per-node loss bookkeeping was a list searched per
/// retired serial (10k `node=` names: 32 s, and it never shrank), and in file mode (record time as the clock)
/// a serial without EOE collected records forever (200k records: 314 MB).
final class ReassemblerBoundsTests: XCTestCase {
    func testTenThousandNodeNamesAreTrackedInABoundedTable() {
        var reassembler = Reassembler(maxInFlight: 50, maxTrackedNodes: 1000)
        var delivered = 0
        let started = Date()
        for index in 0..<10_000 {
            let node = "host\(index)"
            delivered += reassembler.push(record("SYSCALL", serial: 5, "syscall=59", node: node), now: 0).count
            delivered += reassembler.push(record("EOE", serial: 5, node: node), now: 0).count
        }
        delivered += reassembler.finish().count
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(delivered, 10_000)
        XCTAssertLessThanOrEqual(reassembler.trackedNodes, 1000)
        XCTAssertEqual(reassembler.statistics.nodesForgotten, 9_000)
        XCTAssertEqual(reassembler.statistics.lost, 0)
        XCTAssertLessThan(seconds, 5.0, "10k nodes took \(seconds) s")
    }

    func testLossCountingPerNodeStillWorksBelowTheCap() {
        var reassembler = Reassembler(maxInFlight: 1)
        for serial: UInt32 in [10, 11, 15] {
            for node in ["a", "b"] {
                _ = reassembler.push(record("SYSCALL", serial: serial, "syscall=59", node: node), now: 0)
                _ = reassembler.push(record("EOE", serial: serial, node: node), now: 0)
            }
        }
        _ = reassembler.finish()
        XCTAssertEqual(reassembler.statistics.lost, 6)  // 12, 13, 14 on each node
        XCTAssertEqual(reassembler.trackedNodes, 2)
    }

    /// The local kernel's entry is kept apart from the named nodes' but shares their bound: a name is forgotten
    /// first, the local kernel only when no name is left.
    func testTheLocalKernelIsForgottenOnlyWhenNoNodeNameIsLeft() {
        func event(_ reassembler: inout Reassembler, serial: UInt32, node: String?) {
            _ = reassembler.push(record("SYSCALL", serial: serial, "syscall=59", node: node), now: 0)
            _ = reassembler.push(record("EOE", serial: serial, node: node), now: 0)
        }
        var shared = Reassembler(maxInFlight: 1, maxTrackedNodes: 2)
        event(&shared, serial: 10, node: nil)
        event(&shared, serial: 20, node: "a")
        event(&shared, serial: 30, node: "b")  // forgets "a", keeps the local kernel
        event(&shared, serial: 12, node: nil)  // 11 lost: the local kernel's serial was remembered
        XCTAssertEqual(shared.trackedNodes, 2)
        XCTAssertEqual(shared.statistics.nodesForgotten, 1)
        XCTAssertEqual(shared.statistics.lost, 1)

        var single = Reassembler(maxInFlight: 1, maxTrackedNodes: 1)
        event(&single, serial: 10, node: nil)
        event(&single, serial: 20, node: "a")  // no name to forget: the local kernel goes
        event(&single, serial: 30, node: nil)  // forgets "a"; the local kernel starts afresh, no gap counted
        XCTAssertEqual(single.trackedNodes, 1)
        XCTAssertEqual(single.statistics.nodesForgotten, 2)
        XCTAssertEqual(single.statistics.lost, 0)
    }

    /// At the clock's last instant a pending event whose expiry saturated times out, and the marker of a delivered
    /// serial behind it (whose expiry reads as that same instant) is not delivered again.
    func testTheLastInstantTimesOutASaturatedEventButNoMarker() {
        var reassembler = Reassembler(maxInFlight: 50, timeoutNanoseconds: 10)
        _ = reassembler.push(record("SYSCALL", serial: 3, "syscall=59"), now: .max - 5)  // expiry saturates
        _ = reassembler.push(record("SYSCALL", serial: 4, "syscall=59"), now: .max - 5)
        XCTAssertEqual(reassembler.push(record("EOE", serial: 4), now: .max - 5).map(\.serial), [4])  // marker behind 3
        XCTAssertEqual(reassembler.flush(now: .max).map(\.serial), [3])
        XCTAssertEqual(reassembler.statistics.timedOut, 1)
        XCTAssertEqual(reassembler.statistics.completed, 2)
        XCTAssertEqual(reassembler.pendingCount, 0)
    }

    func testASerialWithoutEOEIsCompletedAtTheRecordCapWhenTheClockStandsStill() {
        var reassembler = Reassembler(maxInFlight: 50, maxRecordsPerEvent: 1000)
        let line = record("PATH", serial: 7, "item=0 name=\"/x\"")
        var events: [AuditEvent] = []
        for _ in 0..<200_000 {
            events += reassembler.push(line, now: 1_700_000_000_000_000_000)
        }
        // Everything but the last, partial event is out while reading: memory stays bounded by the cap.
        XCTAssertEqual(events.count, 200)
        XCTAssertTrue(events.allSatisfy { $0.records.count == 1000 })
        XCTAssertEqual(reassembler.statistics.oversized, 200)
        XCTAssertEqual(reassembler.pendingCount, 0)
        XCTAssertEqual(reassembler.finish().count, 0)
    }

    func testDefaultRecordCapLeavesLongExecveEventsWhole() {
        var reassembler = Reassembler()
        var events: [AuditEvent] = []
        events += reassembler.push(record("SYSCALL", serial: 9, "syscall=59"), now: 0)
        for index in 0..<2000 { events += reassembler.push(record("EXECVE", serial: 9, "a\(index)=\"x\""), now: 0) }
        events += reassembler.push(record("EOE", serial: 9), now: 0)
        XCTAssertEqual(events.map(\.records.count), [2001])
        XCTAssertEqual(reassembler.statistics.oversized, 0)
    }
}
