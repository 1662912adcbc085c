@testable import AuditRecords
import XCTest

/// A record's bytes and field table share one array (``RecordScratch``): the table must read back the same fields
/// whatever the line's length (alignment padding), whether the scratch is a reader's kept one (grown on demand,
/// holding an earlier record's leftovers) or a single record's temporary one.
final class RecordStorageTests: XCTestCase {
    private let lines = [
        #"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 success=yes exit=0 comm="sh" key=(null)"#,
        #"type=CWD msg=audit(1.000:1): cwd="/""#,
        #"type=CWD msg=audit(1.000:1): cwd="/a""#,
        #"type=CWD msg=audit(1.000:1): cwd="/ab""#,
        #"type=CWD msg=audit(1.000:1): cwd="/abc""#,
        "type=EOE msg=audit(1.000:1): ",
        #"type=USER_LOGIN msg=audit(1.000:2): pid=7 msg='op=login acct="root" exe="/bin/login" res=success'"#,
    ]

    func testTableReadsBackTheFieldsAfterBytesOfEveryLength() throws {
        var kept = RecordScratch(reserving: 16)  // too small: grows on the first record
        for line in lines + lines.reversed() {
            let alone = try AuditParser.parseLogLine(Array(line.utf8)).get()
            let reused = try Array(line.utf8).withUnsafeBufferPointer { try AuditParser.parseLogLine($0, scratch: &kept, typeNames: RecordTypeNames()).get() }
            for record in [alone, reused] {
                XCTAssertEqual(Array(record.bytes), Array(line.utf8))
                XCTAssertEqual(record.fieldCount, fields(of: line).count, line)
                XCTAssertEqual((0..<record.fieldCount).map { "\(record.keyString(at: $0))=\(record.value(at: $0).rawString)" },
                               fields(of: line), line)
                let borrowed = record.withBorrowedFields { fields in
                    (0..<fields.count).map { "\(fields.keyString(at: $0))=\(fields.value(at: $0).rawString)" }
                }
                XCTAssertEqual(borrowed, fields(of: line), line)
            }
        }
    }

    func testRecordStorageHoldsOnlyBytesPaddingAndTable() throws {
        let line = Array(#"type=CWD msg=audit(1.000:1): cwd="/a""#.utf8)  // 37 bytes: padded to 40
        let record = try AuditParser.parseLogLine(line).get()
        XCTAssertEqual(AuditRecord.fieldTableOffset(byteCount: line.count), 40)
        XCTAssertEqual(record.fieldCount, 1)
        XCTAssertEqual(record.field(at: 0).valueRange, 34..<36)
    }

    /// The fields `key=raw value` a line holds, spelled out by hand.
    private func fields(of line: String) -> [String] {
        switch line {
        case lines[0]: return ["arch=c000003e", "syscall=59", "success=yes", "exit=0", "comm=sh", "key=(null)"]
        case lines[1]: return ["cwd=/"]
        case lines[2]: return ["cwd=/a"]
        case lines[3]: return ["cwd=/ab"]
        case lines[4]: return ["cwd=/abc"]
        case lines[5]: return []
        default: return ["pid=7", "msg=op=login acct=\"root\" exe=\"/bin/login\" res=success", "op=login", "acct=root",
                         "exe=/bin/login", "res=success"]
        }
    }
}
