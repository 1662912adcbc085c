@testable import EQL
@testable import EventModel
import XCTest

/// JSON events loading, timestamps, ordering and pipes: what `auspex query` and the conformance tests share.
final class MatchBatchTests: XCTestCase {
    func testLoaderReadsArraysNDJSONCommentsAndDottedKeys() throws {
        var set = JSONEventSet()
        try set.load(Array("""
            // a comment line
            [{"@timestamp": "2022-05-04T12:00:00.001Z", "process": {"pid": 7}, "event.category": ["process"]},
             {"@timestamp": 5, "process.pid": 8, "list": [{"a": 1}, {"a": 2}]}]
            """.utf8), source: "array")
        try set.load(Array("""
            {"@timestamp": "12", "process": {"pid": 9}}
              // indented comment
            {"@timestamp": 1651665600000}
            """.utf8), source: "ndjson")
        XCTAssertEqual(set.events.count, 4)
        let pid = try XCTUnwrap(set.schema.slot(for: "process.pid"))
        XCTAssertEqual(set.events.map { $0[pid] }, [7, 8, 9, .null])
        XCTAssertEqual(set.events.map(\.timestamp), [1_651_665_600_001_000_000, 5_000_000, 12_000_000, 1_651_665_600_000_000_000])
        let member = try XCTUnwrap(set.schema.slot(for: "list.a"))
        XCTAssertEqual(set.events[1][member], [1, 2])
        XCTAssertEqual(set.documents.count, 4)
    }

    func testLoaderErrorsNameTheLine() throws {
        var set = JSONEventSet()
        XCTAssertThrowsError(try set.load(Array("{\"a\": 1}\n[1]\n".utf8), source: "f.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("f.json:"), "\(error)")
        }
        XCTAssertThrowsError(try set.load(Array("{\"a\": 1}\n{\"a\": \n".utf8), source: "g.json")) { error in
            XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
        }
        var strict = JSONEventSet(options: .init(requireTimestamp: true))
        XCTAssertThrowsError(try strict.load(Array("{\"a\": 1}".utf8), source: "h.json"))
    }

    func testTimestampEncodings() {
        XCTAssertEqual(ISO8601.nanos("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(ISO8601.nanos("2017-08-30T20:47:33Z"), 1_504_126_053_000_000_000)
        XCTAssertEqual(ISO8601.nanos("2017-08-30T22:47:33.5+02:00"), 1_504_126_053_500_000_000)
        XCTAssertEqual(ISO8601.nanos("1974-03-03T02:22:54.294365140Z"), 131_509_374_294_365_140)
        XCTAssertNil(ISO8601.nanos("2017-13-01"))
        XCTAssertNil(ISO8601.nanos("yesterday"))
        XCTAssertNil(ISO8601.nanos("9999-01-01T00:00:00Z"), "beyond Int64 nanoseconds: no time, no trap")
        XCTAssertNil(ISO8601.nanos("1000-01-01"))
        XCTAssertEqual(TimestampEncoding.fileTime.nanos(131_509_374_020_000_000), 1_506_463_802_000 * 1_000_000)
        XCTAssertEqual(TimestampEncoding.millisOrISO.nanos("42"), 42_000_000)
    }

    func testOrderIsTimeThenTiebreakerThenArrivalWithNullTiebreakersLast() {
        let events = [
            SlotEvent(values: [], timestamp: 2, tiebreaker: 1, ordinal: 0),
            SlotEvent(values: [], timestamp: 1, tiebreaker: .null, ordinal: 1),
            SlotEvent(values: [], timestamp: 1, tiebreaker: 9, ordinal: 2),
            SlotEvent(values: [], timestamp: 1, tiebreaker: 3, ordinal: 3),
            SlotEvent(values: [], timestamp: 1, tiebreaker: .null, ordinal: 4),
        ]
        XCTAssertEqual(BatchRunner.ordered(events).map(\.ordinal), [3, 2, 1, 4, 0])
    }

    func testPipesThenSize() throws {
        var set = JSONEventSet(options: .init(tiebreakerField: "id"))
        try set.load(Array((1...6).map { #"{"@timestamp": 1, "event.category": "a", "id": \#(7 - $0)}"# }
            .joined(separator: "\n").utf8), source: "t")
        let slot = try XCTUnwrap(set.schema.slot(for: "id"))
        func run(_ q: String, size: Int? = nil) throws -> [Int64] {
            let query = try EQLCompiler(schema: set.schema).compile(q)
            return BatchRunner.run(query, events: set.events, size: size).compactMap { $0.events[0]?[slot].intValue }
        }
        XCTAssertEqual(try run("a where true"), [1, 2, 3, 4, 5, 6], "same time: ordered by the tiebreaker")
        XCTAssertEqual(try run("a where true | head 4 | tail 2"), [3, 4])
        XCTAssertEqual(try run("a where true | tail 3", size: 2), [4, 5])
    }

    func testSequencesAreOrderedByTheirLastEvent() throws {
        var set = JSONEventSet(options: .init(categoryField: "cat"))
        try set.load(Array("""
            {"@timestamp": 1, "cat": "a", "k": 1, "id": 1}
            {"@timestamp": 2, "cat": "a", "k": 2, "id": 2}
            {"@timestamp": 3, "cat": "b", "k": 2, "id": 3}
            {"@timestamp": 4, "cat": "b", "k": 1, "id": 4}
            """.utf8), source: "t")
        let query = try EQLCompiler(schema: set.schema).compile("sequence by k [a where true] [b where true]")
        let slot = try XCTUnwrap(set.schema.slot(for: "id"))
        let results = BatchRunner.run(query, events: set.events)
        XCTAssertEqual(results.map { $0.events.compactMap { $0?[slot].intValue } }, [[2, 3], [1, 4]])
        XCTAssertEqual(results.map(\.joinKeys), [[2], [1]])
    }
}

final class MatchReorderTests: XCTestCase {
    private func event(_ ms: Int64, _ ordinal: Int, tiebreaker: FieldValue = .null) -> SlotEvent {
        SlotEvent(values: [], timestamp: ms * 1_000_000, tiebreaker: tiebreaker, ordinal: ordinal)
    }

    func testReordersWithinLatenessAndCountsLateEvents() {
        var buffer = ReorderBuffer(lateness: 10_000_000)  // 10 ms
        var ready: [SlotEvent] = []
        for e in [event(5, 0), event(3, 1), event(4, 2, tiebreaker: 2), event(4, 3, tiebreaker: 1)] {
            buffer.push(e, into: &ready)
        }
        XCTAssertTrue(ready.isEmpty, "nothing is older than 10 ms yet")
        buffer.push(event(14, 4), into: &ready)
        XCTAssertEqual(ready.map(\.ordinal), [1, 3, 2])
        buffer.push(event(20, 5), into: &ready)
        XCTAssertEqual(ready.map(\.ordinal), [1, 3, 2, 0])
        buffer.push(event(2, 6), into: &ready)  // older than what was released: passed on, counted
        XCTAssertEqual(buffer.late, 1)
        buffer.flush(into: &ready)
        XCTAssertEqual(ready.map(\.ordinal), [1, 3, 2, 0, 6, 4, 5])
        XCTAssertEqual(buffer.count, 0)
    }

    func testCapacityForcesEarlyRelease() {
        var buffer = ReorderBuffer(lateness: 1_000_000_000, capacity: 2)
        var ready: [SlotEvent] = []
        for i in 0..<5 { buffer.push(event(Int64(i), i), into: &ready) }
        XCTAssertEqual(buffer.count, 2)
        XCTAssertEqual(buffer.forced, 3)
        XCTAssertEqual(ready.map(\.ordinal), [0, 1, 2])
        buffer.push(event(1, 5), into: &ready)  // behind a forced release: late
        XCTAssertEqual(buffer.late, 1)
    }
}
