@testable import EventModel
import Foundation
import XCTest

/// Review "Reliability and security" F8: a record with 10k distinct keys took 7 s in the JSON writer (a linear
/// search of the siblings per key). Wide objects are now indexed; the bound below is ~50× what the linear
/// writer needs and far below what the quadratic one took for a fifth of these keys.
final class WideDocumentTests: XCTestCase {
    func testFiftyThousandSiblingKeysAreWrittenInLinearTime() {
        var document = Document()
        for index in 0..<50_000 { document.append("auditd.data.k\(index)", .string("v\(index)")) }
        let started = Date()
        var out: [UInt8] = []
        JSONWriter.write(document, to: &out)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertLessThan(seconds, 2.0, "JSON writer took \(seconds) s for 50k keys")
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("{\"auditd\":{\"data\":{\"k0\":\"v0\",\"k1\":\"v1\""))
        XCTAssertTrue(text.hasSuffix("\"k49999\":\"v49999\"}}}"))
    }

    func testWideObjectsKeepTheNestedWritersSemantics() {
        // Replacement rules under an indexed (wide) node: a later leaf replaces an earlier leaf or object.
        var document = Document()
        for index in 0..<100 { document.append("a.k\(index)", .int(Int64(index))) }
        for index in 0..<100 { document.append("a.k7.sub\(index)", .int(Int64(index))) }
        document.append("a.k3", .string("replaced"))
        document.append("a.k7", .string("leaf again"))
        document.append("a.k7.x", .bool(true))
        document.append("a", .string("whole")) // replaces the wide object itself
        document.append("a.z", .null)
        for index in 0..<80 { document.append("b.\(index)", .int(Int64(index))) }
        document.append("b.5", .string("five"))
        var fast: [UInt8] = []
        JSONWriter.write(document, to: &fast)
        var reference: [UInt8] = []
        JSONWriter.write(document.nested, to: &reference)
        XCTAssertEqual(String(decoding: fast, as: UTF8.self), String(decoding: reference, as: UTF8.self))
    }
}
