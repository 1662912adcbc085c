@testable import AuditRecords
@testable import Reassembler
import XCTest

/// go-libaudit's reassembler test data (no EOE records), with its test parameters: maxInFlight 5, timeout 2 s.
final class GoLibauditSampleTests: XCTestCase {
    private func run(_ name: String) throws -> (events: [AuditEvent], statistics: Reassembler.Statistics) {
        reassembleAll(try SharedSamples.records("go-libaudit/testdata/\(name).log"), maxInFlight: 5)
    }

    func testNormal() throws {
        let (events, statistics) = try run("normal")
        XCTAssertEqual(summary(events), "58(2) 59(5) 60(5) 61(4) 62(1)")
        XCTAssertEqual(statistics.lost, 0)
        XCTAssertEqual(statistics.completed, 5)
    }

    func testLostMessages() throws {
        let (events, statistics) = try run("lost_messages")
        XCTAssertEqual(events.first?.serial, 49)
        XCTAssertEqual(summary(events), "49(2) 59(5) 60(5) 61(4) 62(1)")
        XCTAssertEqual(statistics.lost, 9)
    }

    func testOutOfOrder() throws {
        let (events, statistics) = try run("out_of_order")
        XCTAssertEqual(summary(events), "58(2) 59(5) 60(5) 61(4) 62(1)")
        XCTAssertEqual(statistics.lost, 0)
        // The late PATH of 60 lands in event 60, in arrival order (after its other PATH).
        let sixty = try XCTUnwrap(events.first { $0.serial == 60 })
        XCTAssertEqual(sixty.records.map(\.type), [.syscall, .execve, .cwd, .path, .path])
    }

    func testRollover() throws {
        let (events, statistics) = try run("rollover")
        XCTAssertEqual(events.map(\.serial), [4_294_967_294, 4_294_967_295, 0, 1, 2])
        XCTAssertEqual(statistics.lost, 0)
    }

    func testEventsCarryTheirRecordsAndLookups() throws {
        let (events, _) = try run("normal")
        let fiftyNine = try XCTUnwrap(events.first { $0.serial == 59 })
        XCTAssertEqual(fiftyNine.timestamp, AuditTimestamp(seconds: 1_492_037_291, milliseconds: 36))
        XCTAssertEqual(fiftyNine.syscall?["syscall"]?.int, 59)
        XCTAssertEqual(fiftyNine.paths.count, 2)
        XCTAssertNotNil(fiftyNine.first(.cwd))
        XCTAssertEqual(fiftyNine.execveArguments?.arguments.isEmpty, false)
        XCTAssertNil(events.first { $0.serial == 58 }?.execveArguments)
    }
}
