@testable import AuditRecords
import Foundation
@testable import Reassembler
import XCTest

/// Files with EOE records (laurel, audit-userspace): every kernel event must complete on its EOE, hold exactly the
/// records of its serial, and nothing may be lost. The oracle groups the input by (node, serial) independently.
final class SampleCorpusTests: XCTestCase {
    static let files = [
        "laurel/src/testdata/record-execve.txt", "laurel/src/testdata/record-execve-long.txt",
        "laurel/src/testdata/record-connect.txt", "laurel/src/testdata/record-perl-reverse-shell.txt",
        "laurel/src/testdata/record-login.txt", "laurel/src/testdata/record-nscd.txt",
        "laurel/src/testdata/record-weblogic.txt", "laurel/src/testdata/record-uringop.txt",
        "laurel/src/testdata/shell-proc-trace.txt", "laurel/src/testdata/shell-proc-trace-reordered.txt",
        "laurel/src/testdata/shell-proc-trace-confusion.txt", "laurel/src/testdata/fork-sleep-exec.txt",
        "laurel/src/testdata/proc-trace-dpkg-l.txt", "audit-userspace/auparse/test/test3.log",
        "synthetic/udp-reverse-shell-synthetic.log",
    ] + (0...16).map { String(format: "laurel/src/testdata/tree/%02d.txt", $0) }

    private struct Key: Hashable { let node: String?; let serial: UInt32 }

    func testEventsMatchTheGroupingOfTheInput() throws {
        var checkedEvents = 0
        for file in Self.files {
            let records = try SharedSamples.records(file)
            var expected: [Key: [AuditRecordType]] = [:]
            var withEOE: Set<Key> = []
            var userSpace = 0
            for record in records {
                let key = Key(node: record.node, serial: record.serial)
                if record.type == .eoe { withEOE.insert(key) }
                else if record.type.isUserSpace { userSpace += 1 }
                else { expected[key, default: []].append(record.type) }
            }

            let (events, statistics) = reassembleAll(records, maxInFlight: 50)
            var actual: [Key: [AuditRecordType]] = [:]
            for event in events where !(event.records.count == 1 && event.records[0].type.isUserSpace) {
                let key = Key(node: event.node, serial: event.serial)
                XCTAssertNil(actual[key], "\(file): serial \(event.serial) delivered twice")
                actual[key] = event.records.map(\.type)
                XCTAssertTrue(event.records.allSatisfy { $0.serial == event.serial }, file)
            }
            XCTAssertEqual(actual, expected, file)
            XCTAssertEqual(statistics.userSpace, UInt64(userSpace), file)
            XCTAssertEqual(statistics.completedByEOE, UInt64(withEOE.intersection(expected.keys).count), file)
            XCTAssertEqual(statistics.orphanEOE, UInt64(withEOE.subtracting(expected.keys).count), file)
            checkedEvents += events.count
        }
        XCTAssertGreaterThan(checkedEvents, 100)
    }

    /// test3.log interleaves SYSCALL/PROCTITLE pairs of several serials (and has no EOE); each event must be whole.
    func testInterleavedRecords() throws {
        let records = try SharedSamples.records("audit-userspace/auparse/test/test3.log")
        let (events, _) = reassembleAll(records, maxInFlight: 50)
        XCTAssertEqual(Set(events.map(\.node)), ["auditdtest.a1959.org"])
        for event in events where event.records[0].type == .syscall {
            XCTAssertEqual(event.records.map(\.type), [.syscall, .proctitle], "serial \(event.serial)")
        }
        XCTAssertEqual(events.reduce(0) { $0 + $1.records.count }, records.filter { $0.type != .eoe }.count)
    }
}
