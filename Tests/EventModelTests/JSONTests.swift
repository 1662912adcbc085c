@testable import EventModel
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

    func testStreamedDocumentEqualsNestedValue() {
        var doc = Document()
        doc.append("process.pid", 1)
        doc.append("event.action", "executed")
        doc.append("process.parent.pid", 2)
        doc.append("process.name", "sh")
        doc.append("event.category", ["process"])
        doc.append("x", 1)
        doc.append("x.y", 2)  // an object after a leaf of the same name replaces it…
        doc.append("z.w", 3)
        doc.append("z", 4)  // …and a leaf after an object replaces the object
        XCTAssertEqual(JSONWriter.string(doc), JSONWriter.string(doc.nested))
        XCTAssertEqual(JSONWriter.string(doc),
                       #"{"process":{"pid":1,"parent":{"pid":2},"name":"sh"},"event":{"action":"executed","category":["process"]},"x":{"y":2},"z":4}"#)
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

    /// The writer skips plain text eight bytes at a time: every byte that needs escaping, at every offset within a
    /// word and beside multi-byte UTF-8, must still be escaped exactly as a byte-at-a-time reference does.
    func testStringEscapingAgreesWithAByteAtATimeReferenceAtEveryOffset() {
        func reference(_ text: String) -> String {
            var out = "\""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += "\\\""
                case UInt8(ascii: "\\"): out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0..<0x20, 0x7F: out += String(format: "\\u%04x", byte)
                default: out += String(decoding: [byte], as: UTF8.self)
                }
            }
            return out + "\""
        }
        let specials: [String] = ["\"", "\\", "\n", "\u{0}", "\u{1f}", "\u{7f}", "\t", "é", "😀", " ", "~", "\u{20}", "!", "#", "[", "]"]
        for special in specials {
            for offset in 0..<17 {
                for tail in [0, 1, 7, 9] {
                    let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: tail)
                    var out: [UInt8] = []
                    JSONWriter.writeString(text, to: &out)
                    let expected = special.unicodeScalars.allSatisfy({ $0.value >= 0x80 }) ? "\"" + text + "\"" : reference(text)
                    XCTAssertEqual(String(decoding: out, as: UTF8.self), expected, "\(special.debugDescription) at \(offset)")
                }
            }
        }
    }
}
