@testable import EventModel
import Foundation
import PackageTestSupport
import XCTest
@testable import Alerting

/// Alerts stay bounded whatever a process passes on its command line.
final class AlertLimitsTests: XCTestCase {
    /// 30 arguments of 64 KiB each, with multi-byte characters placed so that every cut falls inside one.
    static func hugeExec(pid: Int64 = 7000) -> Document {
        let argument = { (index: Int) -> String in
            String(repeating: "é", count: 2047) + "x" + String(repeating: "€", count: (65_536 - 4095) / 3) + "\(index)"
        }
        let args = (0..<30).map(argument)
        return Document(fields: [
            ("@timestamp", "2026-11-22T01:00:00.5Z"), ("event.category", ["process"]), ("event.action", "executed"),
            ("process.pid", .int(pid)), ("process.name", "python3"), ("process.executable", "/usr/bin/python3"),
            ("process.args", .array(args.map(FieldValue.string))),
            ("process.command_line", .string(args.joined(separator: " "))),
            ("process.entity_id", .string("entity-\(pid)")), ("user.name", "root"), ("host.name", "web-1"),
        ])
    }

    static func hugeAlert() -> Alert {
        Alert(rule: Fixtures.udpShellRule, events: [hugeExec(), hugeExec()], joinKeys: [.string(String(repeating: "k", count: 70_000))])
    }

    func testThirtyArgumentsOf64KiBGiveAnAlertUnderTheCapValidJSONAndUTF8() throws {
        let raw = Self.hugeAlert()
        XCTAssertGreaterThan(raw.json.utf8.count, 30 * 65_536, "the input is really large")
        let limits = AlertLimits()
        let alert = limits.bound(raw)
        let bytes = Array(alert.json.utf8)
        XCTAssertLessThanOrEqual(bytes.count, 65_536)
        XCTAssertEqual(alert.encodedBytes, bytes.count)
        XCTAssertNotNil(String(validating: bytes, as: UTF8.self), "valid UTF-8")
        let doc = Document(flattening: try JSONReader.parse(bytes))

        // Each cut value ends with a marker naming its original size, and is listed with it.
        guard case .array(let events)? = doc["events"], let first = events.first else { return XCTFail("events[]") }
        guard case .array(let args)? = first["process"]?["args"] else { return XCTFail("process.args") }
        XCTAssertEqual(args.count, 30)
        let arg0 = try XCTUnwrap(args[0].stringValue)
        guard case .array(let originalArgs)? = Self.hugeExec()["process.args"] else { return XCTFail("input args") }
        let original = try XCTUnwrap(originalArgs[0].stringValue).utf8.count
        XCTAssertTrue(arg0.hasSuffix("…[cut: \(original) bytes]"), String(arg0.suffix(40)))
        XCTAssertLessThanOrEqual(arg0.utf8.count, limits.maxFieldBytes)
        guard case .array(let truncated)? = doc["auspex.alert.truncated"] else { return XCTFail("auspex.alert.truncated") }
        XCTAssertEqual(truncated.first?["field"], "events[0].process.args[0]")
        XCTAssertEqual(truncated.first?["original_bytes"], .int(Int64(original)))
        XCTAssertGreaterThan(doc["auspex.alert.truncated_count"]?.intValue ?? 0, 30)
        XCTAssertEqual(doc["auspex.alert.event_count"], 2)

        // The journal entry's AUSPEX_ALERT_JSON is that bounded document, valid UTF-8.
        let fields = JournalEntry.fields(for: alert)
        let json = try XCTUnwrap(fields.first { $0.name == "AUSPEX_ALERT_JSON" })
        XCTAssertEqual(json.value, bytes)
        XCTAssertTrue(fields.allSatisfy { String(validating: $0.value, as: UTF8.self) != nil }, "every field is valid UTF-8")
    }

    func testCapsAreConfigurableAndEventsAreLeftOutOnlyWhenCutsDoNotFit() throws {
        let small = AlertLimits(maxAlertBytes: 8192, maxFieldBytes: 100_000, maxArrayElements: 4)
        let alert = small.bound(Self.hugeAlert())
        XCTAssertLessThanOrEqual(alert.json.utf8.count, 8192)
        let doc = Document(flattening: try JSONReader.parse(alert.json))
        guard case .array(let events)? = doc["events"] else { return XCTFail("events[]") }
        guard case .array(let args)? = events.first?["process"]?["args"] else { return XCTFail("process.args") }
        XCTAssertEqual(args.count, 4)
        guard case .array(let truncated)? = doc["auspex.alert.truncated"] else { return XCTFail("truncated") }
        XCTAssertTrue(truncated.contains { $0["field"] == "events[0].process.args" && $0["original_elements"] == 30
                && $0["kept_elements"] == 4 })
        XCTAssertEqual(doc["auspex.alert.event_count"], 2)

        // A small alert passes unchanged.
        let plain = Fixtures.alert()
        let bounded = AlertLimits().bound(plain)
        XCTAssertEqual(bounded.events, plain.events)
        XCTAssertTrue(bounded.truncations.isEmpty)
        XCTAssertEqual(bounded.eventsOmitted, 0)
    }

    func testCutsFallOnCharacterBoundaries() {
        for cap in 64...80 {
            let alert = AlertLimits(maxFieldBytes: cap).bound(
                Alert(rule: Fixtures.udpShellRule, events: [Document(fields: [("process.name", .string(String(repeating: "😀é", count: 40)))])]))
            let name = alert.events[0]["process.name"]?.stringValue ?? ""
            XCTAssertLessThanOrEqual(name.utf8.count, cap)
            XCTAssertTrue(name.hasSuffix("…[cut: 240 bytes]"), name)
        }
    }

    /// A sink's queue is bounded in bytes as well as in alerts: large alerts behind a stalled writer are dropped and
    /// counted, while one alert always fits an empty queue.
    func testQueuedSinkIsBoundedInBytes() {
        final class Stalled: AlertWriter {
            let gate = DispatchSemaphore(value: 0)
            func write(_ alert: Alert) throws -> AlertWriteReport {
                gate.wait()
                return AlertWriteReport()
            }
            func close() {}
        }
        let writer = Stalled()
        let big = AlertLimits().bound(Self.hugeAlert())
        XCTAssertGreaterThan(big.encodedBytes, 30_000)
        let sink = QueuedSink(name: "test", writer: writer, capacity: 100, maxBytes: 100_000, batchSize: 1)
        for _ in 0..<10 { sink.deliver(big) }
        // One is being written (blocked), at most 100,000 bytes wait.
        XCTAssertLessThanOrEqual(sink.bytesQueued, 100_000)
        XCTAssertGreaterThanOrEqual(sink.counters.dropped, 6)
        for _ in 0..<10 { writer.gate.signal() }
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(sink.counters.delivered + sink.counters.dropped, 10)
        XCTAssertEqual(sink.bytesQueued, 0)
        sink.close(timeoutMilliseconds: 1000)
    }

    /// Real journald: the bounded alert's record is accepted whole and reads back as valid UTF-8 JSON.
    func testRealJournaldRecordOfAHugeAlertIsValid() throws {
        try Fixtures.requireRoot("starting journald")
        let journald = try JournaldHarness.start()
        defer { journald.stop() }
        let alert = AlertLimits().bound(Self.hugeAlert())
        let sink = JournalWriter.sink()
        sink.deliver(alert)
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(sink.counters.delivered, 1, sink.counters.description)
        let entry = try journald.entry(matching: ["SYSLOG_IDENTIFIER=auspex", "AUSPEX_ALERT_ID=\(alert.id)"])
        let json = try XCTUnwrap(entry.bytes("AUSPEX_ALERT_JSON"))
        XCTAssertLessThanOrEqual(json.count, 65_536)
        XCTAssertNotNil(String(validating: json, as: UTF8.self))
        XCTAssertEqual(entry.text("AUSPEX_ALERT_JSON"), alert.json)
        XCTAssertNoThrow(try JSONReader.parse(json))
        XCTAssertEqual(entry.text("MESSAGE"), alert.reason)
    }
}
