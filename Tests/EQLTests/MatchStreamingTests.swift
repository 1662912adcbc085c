@testable import EQL
@testable import EventModel
import XCTest

/// The streaming matchers' behaviour on hand-made streams: bounds, expiry, eviction and the
/// Elasticsearch rules the QA suite touches only indirectly.
final class MatchStreamingTests: XCTestCase {
    /// Loads NDJSON events (`@timestamp` in ms, `event.category` from `cat`), then compiles `query` over them.
    private func setUp(_ ndjson: String, _ query: String) throws -> (JSONEventSet, CompiledQuery) {
        var set = JSONEventSet(options: .init(categoryField: "cat"))
        try set.load(Array(ndjson.utf8), source: "test")
        return (set, try EQLCompiler(schema: set.schema).compile(query))
    }

    private func stream(_ set: JSONEventSet, _ matcher: inout QueryMatcher) -> [Match] {
        BatchRunner.ordered(set.events).flatMap { matcher.process($0) }
    }

    private func ids(_ matches: [Match], _ set: JSONEventSet) -> [[Int64]] {
        let slot = set.schema.slot(for: "id")!
        return matches.map { $0.events.map { $0.map { $0[slot].intValue ?? -2 } ?? -1 } }
    }

    func testMaxspanIsInclusive() throws {
        let (set, query) = try setUp("""
            {"@timestamp": 0, "cat": "a", "id": 1}
            {"@timestamp": 1000, "cat": "b", "id": 2}
            {"@timestamp": 2000, "cat": "a", "id": 3}
            {"@timestamp": 3001, "cat": "b", "id": 4}
            """, "sequence with maxspan=1s [a where true] [b where true]")
        var matcher = QueryMatcher(query: query)
        let matches = stream(set, &matcher)
        XCTAssertEqual(ids(matches, set), [[1, 2]])
        // Dropped either on arrival of event 4 or by the expiry sweep just before it.
        XCTAssertEqual(matcher.counters.rejectedMaxspan + matcher.counters.expired, 1)
    }

    func testUntilClearsOnlyItsKey() throws {
        let (set, query) = try setUp("""
            {"@timestamp": 1, "cat": "a", "k": "x", "id": 1}
            {"@timestamp": 2, "cat": "a", "k": "y", "id": 2}
            {"@timestamp": 3, "cat": "u", "k": "x", "id": 3}
            {"@timestamp": 4, "cat": "b", "k": "x", "id": 4}
            {"@timestamp": 5, "cat": "b", "k": "y", "id": 5}
            """, "sequence by k [a where true] [b where true] until [u where true]")
        var matcher = QueryMatcher(query: query)
        let matches = stream(set, &matcher)
        XCTAssertEqual(ids(matches, set), [[2, 5]])
        XCTAssertEqual(matches.first?.joinKeys, ["y"])
        XCTAssertEqual(matcher.counters.rejectedUntil, 1)
    }

    func testUntilEventDoesNotBlockItselfButBlocksLaterStages() throws {
        let (set, query) = try setUp("""
            {"@timestamp": 1, "cat": "a", "k": 1, "id": 1}
            {"@timestamp": 2, "cat": "b", "k": 1, "stop": true, "id": 2}
            {"@timestamp": 3, "cat": "c", "k": 1, "id": 3}
            {"@timestamp": 4, "cat": "a", "k": 2, "id": 4}
            {"@timestamp": 5, "cat": "b", "k": 2, "id": 5}
            {"@timestamp": 6, "cat": "c", "k": 2, "stop": true, "id": 6}
            """, "sequence by k [a where true] [b where true] [c where true] until [any where stop == true]")
        // Key 1: event 2 extends the sequence, then kills it as an until event. Key 2: event 6 completes first.
        XCTAssertEqual(ids(BatchRunner.run(query, events: set.events), set), [[4, 5, 6]])
    }

    func testMultiValuedKeysJoinOnEveryCombination() throws {
        let (set, query) = try setUp("""
            {"@timestamp": 1, "cat": "a", "tags": ["x", "y", null], "id": 1}
            {"@timestamp": 2, "cat": "b", "tags": ["y", "x", "z"], "id": 2}
            {"@timestamp": 3, "cat": "a", "tags": [], "id": 3}
            {"@timestamp": 4, "cat": "b", "tags": [null], "id": 4}
            """, "sequence by tags [a where true] [b where true]")
        var matcher = QueryMatcher(query: query)
        let matches = BatchRunner.run(query, events: set.events)
        XCTAssertEqual(ids(matches, set), [[1, 2], [1, 2]], "one closing event completes both keys")
        XCTAssertEqual(matches.map(\.joinKeys), [["x"], ["y"]])
        XCTAssertEqual(stream(set, &matcher).count, 2)
    }

    func testOptionalKeyJoinsOnNull() throws {
        let events = """
            {"@timestamp": 1, "cat": "a", "id": 1}
            {"@timestamp": 2, "cat": "b", "k": null, "id": 2}
            """
        let (set, optional) = try setUp(events, "sequence by ?k [a where true] [b where true]")
        XCTAssertEqual(ids(BatchRunner.run(optional, events: set.events), set), [[1, 2]])
        let required = try EQLCompiler(schema: set.schema).compile("sequence by k [a where true] [b where true]")
        XCTAssertEqual(BatchRunner.run(required, events: set.events).count, 0)
    }

    func testWindowExpiresSequencesWithoutMaxspan() throws {
        let (set, query) = try setUp("""
            {"@timestamp": 0, "cat": "a", "id": 1}
            {"@timestamp": 20000, "cat": "b", "id": 2}
            """, "sequence [a where true] [b where true]")
        var bounded = QueryMatcher(query: query, limits: MatcherLimits(window: 10_000_000_000))
        XCTAssertEqual(stream(set, &bounded).count, 0)
        XCTAssertEqual(bounded.counters.expired, 1)
        XCTAssertEqual(bounded.pendingKeys, 0)
        var unbounded = QueryMatcher(query: query)
        XCTAssertEqual(ids(stream(set, &unbounded), set), [[1, 2]])
    }

    func testCapacityEvictsOldestKeysAndCountsThem() throws {
        let lines = (0..<40).map { #"{"@timestamp": \#($0), "cat": "a", "k": \#($0), "id": \#($0)}"# }
        let (set, query) = try setUp(lines.joined(separator: "\n"), "sequence by k [a where true] [b where true]")
        var matcher = QueryMatcher(query: query, limits: MatcherLimits(capacity: 16))
        _ = stream(set, &matcher)
        XCTAssertLessThanOrEqual(matcher.pendingKeys, 16)
        XCTAssertEqual(matcher.counters.evicted + matcher.pendingKeys, 40)
    }

    func testTrailingMissingStageWaitsForMaxspan() throws {
        let (set, query) = try setUp("""
            {"@timestamp": 0, "cat": "a", "id": 1}
            {"@timestamp": 5000, "cat": "a", "id": 2}
            {"@timestamp": 5500, "cat": "m", "id": 3}
            """, "sequence with maxspan=1s [a where true] ![m where true]")
        var matcher = QueryMatcher(query: query)
        let ordered = BatchRunner.ordered(set.events)
        XCTAssertEqual(matcher.process(ordered[0]).count, 0, "cannot decide before the window has passed")
        XCTAssertEqual(matcher.advance(to: 999_000_000).count, 0)
        let released = matcher.advance(to: 1_000_000_000)
        XCTAssertEqual(ids(released, set), [[1, -1]])
        XCTAssertEqual(matcher.process(ordered[1]).count, 0)
        XCTAssertEqual(matcher.process(ordered[2]).count, 0, "a missing-stage event inside the window rejects it")
        XCTAssertEqual(matcher.advance(to: 10_000_000_000).count, 0)
        XCTAssertEqual(matcher.counters.rejectedMissing, 1)
    }

    func testSamplesAreDistinctAndCappedPerKey() throws {
        let (set, query) = try setUp("""
            {"cat": "a", "h": "x", "id": 1}
            {"cat": "a", "h": "x", "id": 2}
            {"cat": "b", "h": "x", "id": 3}
            {"cat": "a", "h": "x", "id": 4}
            {"cat": "b", "h": "y", "id": 5}
            """, "sample by h [any where true] [b where true]")
        let one = BatchRunner.run(query, events: set.events)
        XCTAssertEqual(ids(one, set), [[1, 3]])
        let two = BatchRunner.run(query, events: set.events, limits: MatcherLimits(maxSamplesPerKey: 2))
        XCTAssertEqual(ids(two, set), [[1, 3], [2, 3]])
        let many = BatchRunner.run(query, events: set.events, limits: MatcherLimits(maxSamplesPerKey: 10))
        XCTAssertEqual(ids(many, set), [[1, 3], [2, 3], [4, 3]], "event 5 alone cannot fill both filters of key y")
    }
}
