import EventModel
import XCTest

final class JSONTests: XCTestCase {
    func testRoundTripNestsDottedNames() throws {
        var doc = Document()
        doc.append("process.pid", 42)
        doc.append("process.name", "ba\"sh\n\u{1}")
        doc.append("event.category", ["process", "network"])
        let text = JSONWriter.string(doc)
        XCTAssertEqual(text, #"{"process":{"pid":42,"name":"ba\"sh\n\u0001"},"event":{"category":["process","network"]}}"#)
        XCTAssertEqual(Document(flattening: try JSONReader.parse(text)), doc)
    }

    func testReaderRejectsGarbageWithOffset() {
        XCTAssertThrowsError(try JSONReader.parse("{\"a\": 1,}")) { error in
            XCTAssertEqual((error as? JSONReader.ParseError)?.offset, 8)
        }
        XCTAssertThrowsError(try JSONReader.parse("[1] x"))
    }

    func testNumbersAndEscapes() throws {
        XCTAssertEqual(try JSONReader.parse("[1, -2.5, 1e3, \"\\u00e9\\ud83d\\ude00\", null, true]"),
                       [1, -2.5, 1000.0, "é😀", nil, true])
    }
}
