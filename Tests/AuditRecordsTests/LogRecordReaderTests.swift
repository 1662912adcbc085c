import Foundation
import PackageTestSupport
@testable import AuditRecords
import XCTest

/// The log reader over a real file: lines across read boundaries, blank lines, a runaway line cut at the limit,
/// a last line without a newline, and the replay clock.
final class LogRecordReaderTests: XCTestCase {
    private func read(_ text: [UInt8]) throws -> (records: [Result<AuditRecord, AuditParseError>], reader: LogRecordReader) {
        let file = try TemporaryFile()
        file.handle.write(Data(text))
        let descriptor = open(file.url.path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var reader = LogRecordReader(descriptor: descriptor)
        var records: [Result<AuditRecord, AuditParseError>] = []
        while let next = reader.next() { records.append(next) }
        return (records, reader)
    }

    private func line(serial: Int, seconds: Int = 1_700_000_000, padding: Int = 0) -> String {
        "type=SYSCALL msg=audit(\(seconds).250:\(serial)): arch=c000003e syscall=59 pid=\(serial) comm=\"sh\" pad="
            + String(repeating: "x", count: padding)
    }

    /// Lines of many lengths, so that some cross the reader's 256 KiB reads, come back whole and in order.
    func testLinesAcrossReadBoundaries() throws {
        var lines: [String] = []
        for serial in 0..<3000 { lines.append(line(serial: serial, padding: (serial * 37) % 500)) }
        let (records, reader) = try read(Array((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(records.count, lines.count)
        for (serial, result) in records.enumerated() {
            let record = try result.get()
            XCTAssertEqual(record.serial, UInt32(serial))
            XCTAssertEqual(record["pad"]?.rawString.count, (serial * 37) % 500)
            XCTAssertEqual(Array(record.bytes), Array(lines[serial].utf8))
        }
        XCTAssertEqual(reader.lineNumber, lines.count)
        XCTAssertEqual(reader.truncatedLines, 0)
        XCTAssertNil(reader.error)
    }

    func testBlankLinesAreCountedAndTheLastLineNeedsNoNewline() throws {
        let text = line(serial: 1) + "\n\n  \t\r\n" + line(serial: 2, seconds: 1_600_000_000) + "\n\n" + line(serial: 3)
        let (records, reader) = try read(Array(text.utf8))
        XCTAssertEqual(try records.map { try $0.get().serial }, [1, 2, 3])
        XCTAssertEqual(reader.blankLines, 3)
        XCTAssertEqual(reader.lineNumber, 6)
        // The clock never goes back for the older record in between.
        XCTAssertEqual(reader.now, 1_700_000_000_250_000_000)
    }

    /// A line past the 1 MiB limit is cut there (its head still parses), its rest is skipped, and the next line
    /// is read whole.
    func testRunawayLineIsCutAndTheNextLineSurvives() throws {
        let limit = 1 << 20
        let text = line(serial: 1) + "\n" + line(serial: 2, padding: 3 * limit) + "\n" + line(serial: 3) + "\n"
        let (records, reader) = try read(Array(text.utf8))
        XCTAssertEqual(records.count, 3)
        let cut = try records[1].get()
        XCTAssertEqual(cut.serial, 2)
        XCTAssertEqual(cut.bytes.count, limit)
        XCTAssertEqual(cut["pad"]?.rawString.count, limit - (line(serial: 2).utf8.count))
        XCTAssertEqual(Array(try records[2].get().bytes), Array(line(serial: 3).utf8))
        XCTAssertEqual(reader.truncatedLines, 1)
        XCTAssertEqual(reader.lineNumber, 3)
    }

    func testMalformedLinesGiveReasonsAndReadingGoesOn() throws {
        let text = "garbage\n" + line(serial: 7) + "\ntype=NOPE msg=audit(1.000:1): a=b\n"
        let (records, _) = try read(Array(text.utf8))
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records[0].failure?.reason, .missingType)
        XCTAssertEqual(try records[1].get().serial, 7)
        XCTAssertEqual(records[2].failure?.reason, .unknownType)
    }

    /// The replay loop's form of the same reading: a record, a malformed line, then the end, which stays the end.
    func testNextLineReadsTheSameLines() throws {
        let file = try TemporaryFile()
        file.handle.write(Data((line(serial: 4) + "\n\nnot a record\n").utf8))
        let descriptor = open(file.url.path, O_RDONLY)
        defer { close(descriptor) }
        var reader = LogRecordReader(descriptor: descriptor)
        guard case .record(let record) = reader.nextLine() else { return XCTFail("no record") }
        XCTAssertEqual(record.serial, 4)
        XCTAssertEqual(reader.now, 1_700_000_000_250_000_000)
        guard case .malformed(let error) = reader.nextLine() else { return XCTFail("no malformed line") }
        XCTAssertEqual(error.reason, .missingType)
        XCTAssertEqual(reader.blankLines, 1)
        for _ in 0..<2 {
            guard case .end = reader.nextLine() else { return XCTFail("not the end") }
        }
        XCTAssertNil(reader.next())
    }
}
