import Foundation
import XCTest
@testable import AuditNetlink
#if canImport(Glibc)
import Glibc
#endif

/// The one kernel record loop (`KernelReader` → `RecordQueue`) that `auspex run` and `auspex events` share, over a
/// datagram socket pair standing in for the kernel.
final class KernelReaderTests: XCTestCase {
    private var kernel: FakeKernelSocket!
    private var reader: AuditReader { kernel.reader }

    override func setUpWithError() throws {
        kernel = try FakeKernelSocket()
    }

    override func tearDown() {
        kernel = nil
    }

    private func send(type: UInt16, _ payload: [UInt8], line: UInt = #line) {
        kernel.send(type: type, payload, line: line)
    }

    /// Waits (bounded) until `done` holds; the reader thread works on its own time.
    private func wait(_ what: String, until done: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !done() && Date() < deadline { usleep(5_000) }
        XCTAssertTrue(done(), "timed out waiting for \(what)")
    }

    func testRecordsReachTheQueueInOrderAndWhatDoesNotFitIsCounted() throws {
        // Queued before the thread starts, so its first receive takes all of them in one batch of five records.
        for serial in 1...5 { send(type: 1300, Array("audit(1.000:\(serial)): pid=1".utf8)) }
        send(type: 1000, [0, 0, 0, 0]) // AUDIT_GET: not a record, never queued
        let queue = RecordQueue(capacity: 3)
        let wake = try WakeEvent()
        let kernel = KernelReader(reader: reader, queue: queue, wake: wake)
        kernel.start()
        wait("the batch") { queue.counters.accepted + queue.counters.dropped >= 5 }

        let counters = queue.counters
        XCTAssertEqual(counters.accepted, 3)
        XCTAssertEqual(counters.dropped, 2, "a batch larger than the room left is dropped record by record")
        XCTAssertEqual(counters.highWater, 3)
        let taken = queue.takeAll(timeoutMilliseconds: 1000)
        XCTAssertEqual(taken.map(\.type), [1300, 1300, 1300])
        XCTAssertEqual(taken.map { String(decoding: $0.payload, as: UTF8.self) },
                       (1...3).map { "audit(1.000:\($0)): pid=1" })

        // Room again: the next records get through, and the figures add up.
        send(type: 1320, Array("audit(1.000:6): ".utf8))
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 10_000).map(\.type), [1320])
        XCTAssertEqual(queue.counters.accepted, 4)
        XCTAssertEqual(queue.counters.dropped, 2)
        XCTAssertEqual(kernel.counters.messages, 7, "every message received, the control message included")

        XCTAssertTrue(kernel.stop(timeoutSeconds: 5))
        XCTAssertNil(kernel.failed)
    }

    func testTheOwnersWakeStopsTheThread() throws {
        let queue = RecordQueue(capacity: 16)
        let wake = try WakeEvent()
        let kernel = KernelReader(reader: reader, queue: queue, wake: wake)
        kernel.start()
        // What `auspex events` does on SIGINT: its stop signal raises the reader's wake; no record needs to come.
        wake.raise()
        XCTAssertTrue(wake.isRaised)
        XCTAssertTrue(kernel.stop(timeoutSeconds: 5), "the reader thread did not finish")
        send(type: 1300, Array("audit(1.000:9): pid=1".utf8))
        XCTAssertTrue(queue.takeAll(timeoutMilliseconds: 50).isEmpty, "a stopped reader queues nothing")
    }

    func testReplaceRequestsAreNotedWithTheCommandButNeverQueued() throws {
        let queue = RecordQueue(capacity: 16)
        let kernel = KernelReader(reader: reader, queue: queue, wake: try WakeEvent())
        kernel.start()
        defer { kernel.stop(timeoutSeconds: 5) }
        let pid = UInt32(getpid())
        send(type: KernelReader.auditReplace, withUnsafeBytes(of: pid) { Array($0) })
        send(type: 1300, Array("audit(1.000:1): pid=1".utf8))
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 10_000).map(\.type), [1300])
        wait("the replace request") { kernel.replaceRequestsSeen.count == 1 }
        let seen = kernel.replaceRequestsSeen
        XCTAssertEqual(seen.lastPID, pid)
        let comm = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .newlines)
        XCTAssertEqual(seen.lastCommand, comm)
    }

    func testTheQueueNeverBlocksThePusherAndDrainsAfterClose() {
        let queue = RecordQueue(capacity: 3)
        let record = RawRecord(type: 1300, payload: Array("audit(1.000:1): x=1".utf8))
        queue.push([record, record])
        queue.push([record, record, record])
        var counters = queue.counters
        XCTAssertEqual(counters.accepted, 3)
        XCTAssertEqual(counters.dropped, 2)
        XCTAssertEqual(counters.highWater, 3)
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 0).count, 3)
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 10).count, 0, "empty after a timeout")
        queue.push([record])
        counters = queue.counters
        XCTAssertEqual(counters.depth, 1)
        queue.close()
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 1000).count, 1, "a closed queue still drains")
        XCTAssertTrue(queue.isClosed)
    }
}
