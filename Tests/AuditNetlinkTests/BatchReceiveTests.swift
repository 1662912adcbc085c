import Foundation
import XCTest
@testable import AuditNetlink
#if canImport(Glibc)
import Glibc
#endif

/// The batched receive path (poll + recvmmsg + framing) over a datagram socket pair standing in for the kernel.
final class BatchReceiveTests: XCTestCase {
    private var kernel: FakeKernelSocket!
    private var reader: AuditReader { kernel.reader }

    override func setUpWithError() throws {
        kernel = try FakeKernelSocket()
    }

    override func tearDown() {
        kernel = nil
    }

    private func send(type: UInt16, _ text: String, quirk: Bool = false, line: UInt = #line) {
        kernel.send(type: type, Array(text.utf8), quirk: quirk, line: line)
    }

    private func receiveAll(timeout: Int32, wake: Int32 = -1) throws -> [(UInt16, String)] {
        var got: [(UInt16, String)] = []
        try reader.receive(timeoutMilliseconds: timeout, wakeDescriptor: wake) { message in
            got.append((message.type, String(decoding: message.payload, as: UTF8.self)))
        }
        return got
    }

    func testQueuedDatagramsArriveInOneBatch() throws {
        send(type: 1300, "audit(1.001:7): syscall=59", quirk: true)
        send(type: 1309, "audit(1.001:7): argc=1 a0=\"x\"")
        send(type: 1320, "audit(1.001:7): ", quirk: true)
        let got = try receiveAll(timeout: 1000)
        XCTAssertEqual(got.map(\.0), [1300, 1309, 1320])
        XCTAssertEqual(got.map(\.1), ["audit(1.001:7): syscall=59", "audit(1.001:7): argc=1 a0=\"x\"", "audit(1.001:7): "])
        XCTAssertEqual(reader.counters.datagrams, 3)
        XCTAssertEqual(reader.counters.messages, 3)
    }

    func testMoreDatagramsThanSlotsTakeSeveralCalls() throws {
        for serial in 0..<20 { send(type: 1300, "audit(1.0:\(serial)): pid=1") }
        var serials: [String] = []
        while serials.count < 20 {
            let batch = try receiveAll(timeout: 1000)
            XCTAssertLessThanOrEqual(batch.count, 8)
            XCTAssertFalse(batch.isEmpty)
            serials += batch.map(\.1)
        }
        XCTAssertEqual(serials, (0..<20).map { "audit(1.0:\($0)): pid=1" })
    }

    func testTimeoutAndWakeReturnWithoutMessages() throws {
        let start = Date()
        XCTAssertTrue(try receiveAll(timeout: 100).isEmpty)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.09)

        var wake: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&wake), 0)
        defer { close(wake[0]); close(wake[1]) }
        var byte: UInt8 = 1
        XCTAssertEqual(write(wake[1], &byte, 1), 1)
        let woken = Date()
        XCTAssertTrue(try receiveAll(timeout: 10_000, wake: wake[0]).isEmpty)
        XCTAssertLessThan(Date().timeIntervalSince(woken), 2, "the wake descriptor must cut the wait short")
    }
}
