@testable import AuditRecords
import XCTest

/// The parser reads the kernel's usual header shape (`audit(` ten digits `.` three digits `:` up to seven digits
/// `)`) by a word-at-a-time fast path: for every header, near miss and odd width, it must give what the general
/// header parse gives (values or error, and where the cursor stops).
final class KernelHeaderTests: XCTestCase {
    func testEveryShapeReadsAsTheGeneralParseReadsIt() {
        let openings = ["audit(", "audiT(", "audit "]
        let seconds = ["1796476933", "0000000000", "9223372036", "9223372037", "9999999999", "999999999",
                       "17964769330", "179647x933", "1796476/33", "17964769:3", "1"]
        let dots = [".", ":"]
        let fractions = ["375", "000", "999", "854", "855", "37", "3750", "3x5", "", "3/5"]
        let colons = [":", ".", ""]
        let serials = ["1", "5604", "1234567", "12345678", "4294967295", "4294967296", "", "12a4", "0000000", "99/"]
        let closings = [")", "):", ")x", "", ":)", " "]
        let tails = ["", " ", " a=b", " arch=c000003e syscall=59 success=yes"]
        var checked = 0
        for opening in openings { for second in seconds { for dot in dots { for fraction in fractions {
            for colon in colons { for serial in serials { for closing in closings { for tail in tails {
                let header = opening + second + dot + fraction + colon + serial + closing + tail
                let (fast, fastStop) = read(header, parse: AuditParser.parseHeader)
                let (general, generalStop) = read(header, parse: AuditParser.parseAnyHeader)
                XCTAssertEqual(fast, general, header)
                XCTAssertEqual(fastStop, generalStop, header)
                checked += 1
            }}}}
        }}}}
        XCTAssertEqual(checked, 3 * 11 * 2 * 10 * 3 * 10 * 6 * 4)
    }

    func testKernelShapeValues() throws {
        let (result, stop) = read("audit(1796476933.375:5604): arch=c000003e", parse: AuditParser.parseHeader)
        let header = try result.get()
        XCTAssertEqual(header.timestamp, AuditTimestamp(seconds: 1_796_476_933, milliseconds: 375))
        XCTAssertEqual(header.serial, 5604)
        XCTAssertEqual(stop, "audit(1796476933.375:5604):".utf8.count)
    }

    func testLongSerialsAndShortLinesStillParse() throws {
        // Eight or more serial digits, and a header too near the end of the line for the word loads.
        let long = try parse("type=SYSCALL msg=audit(1796476933.375:4294967295): a=b").record()
        XCTAssertEqual(long.serial, UInt32.max)
        let short = try parse("type=EOE msg=audit(1796476933.375:7):").record()
        XCTAssertEqual(short.serial, 7)
        XCTAssertEqual(short.timestamp.milliseconds, 375)
        XCTAssertEqual(try parse("type=EOE msg=audit(9223372037.000:7): a=b").error?.reason, .timestampOutOfRange)
    }

    private func read(_ text: String, parse: (inout Cursor) -> Result<AuditParser.Header, AuditParseError>)
        -> (Result<AuditParser.Header, AuditParseError>, Int) {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            var cursor = Cursor(bytes: bytes, end: bytes.count)
            let result = parse(&cursor)
            return (result, cursor.position)
        }
    }
}
