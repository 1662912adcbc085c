@testable import AuditRecords
import Foundation
@testable import Reassembler
import PackageTestSupport
import XCTest

/// Locates `../shared/audit-samples` next to the package root, from this file's path.
enum SharedSamples {
    static func records(_ relativePath: String) throws -> [AuditRecord] {
        let data = try Data(contentsOf: try PackagePaths.shared("audit-samples/" + relativePath))
        // Laurel's trace files carry `#` comment lines; everything else must parse.
        return try [UInt8](data).split(separator: UInt8(ascii: "\n"))
            .filter { $0.first != UInt8(ascii: "#") && !$0.allSatisfy { $0 == UInt8(ascii: " ") } }
            .map { try AuditParser.parseLogLine($0).get() }
    }
}

/// Builds records from text for unit tests.
func record(_ type: String, serial: UInt32, _ fields: String = "", node: String? = nil, seconds: Int = 1_700_000_000) -> AuditRecord {
    let prefix = node.map { "node=\($0) " } ?? ""
    let line = "\(prefix)type=\(type) msg=audit(\(seconds).000:\(serial)): \(fields)"
    return try! AuditParser.parseLogLine(Array(line.utf8)).get()
}

/// Feeds all records at one clock value, then finishes.
func reassembleAll(_ records: [AuditRecord], maxInFlight: Int, timeoutNanoseconds: Int64 = 2_000_000_000)
    -> (events: [AuditEvent], statistics: Reassembler.Statistics) {
    var reassembler = Reassembler(maxInFlight: maxInFlight, timeoutNanoseconds: timeoutNanoseconds)
    var events: [AuditEvent] = []
    for record in records { events += reassembler.push(record, now: 0) }
    events += reassembler.finish()
    return (events, reassembler.statistics)
}

/// `serial(count)` summary of events, e.g. "58(2) 59(5)".
func summary(_ events: [AuditEvent]) -> String {
    events.map { "\($0.serial)(\($0.records.count))" }.joined(separator: " ")
}
