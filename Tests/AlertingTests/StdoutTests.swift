@testable import EventModel
import Foundation
import XCTest
@testable import Alerting

final class StdoutTests: XCTestCase {
    func testNDJSONLinesOnADescriptorAndClosedReaderIsCounted() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let sink = DirectSink(name: "stdout", writer: NDJSONWriter(fileDescriptor: ends[1]))
        let alerts = [Fixtures.alert(), Fixtures.alert(processName: "a\nb"), Fixtures.alert()]
        alerts.forEach(sink.deliver)
        close(ends[1])
        let data = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines.last, "")
        let ids = try lines.dropLast().map { Document(flattening: try JSONReader.parse(String($0)))["auspex.alert.id"] }
        XCTAssertEqual(ids, alerts.map { .string($0.id) })
        XCTAssertEqual(sink.counters.delivered, 3)

        // A reader that went away is an EPIPE failure (with SIGPIPE ignored, as the CLI does), not a crash.
        XCTAssertEqual(pipe(&ends), 0)
        close(ends[0])
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let broken = DirectSink(name: "stdout", writer: NDJSONWriter(fileDescriptor: ends[1]))
        broken.deliver(Fixtures.alert())
        close(ends[1])
        XCTAssertEqual(broken.counters.failed, 1)
        XCTAssertTrue(broken.counters.lastError?.contains("errno \(EPIPE)") == true, broken.counters.description)
        broken.close(timeoutMilliseconds: 0)
        broken.deliver(Fixtures.alert())
        XCTAssertEqual(broken.counters.dropped, 1)
    }
}
