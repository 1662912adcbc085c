@testable import EQL
@testable import EventModel
import XCTest

/// Runs Elasticsearch's EQL QA suite (shared/eql-suite/es-qa) end to end: compile, stream through the
/// matchers, order and pipe as a search does, compare flattened ids (and join keys when given).
/// Fails on any failure not listed in `ConformanceExclusions`.
final class ConformanceTests: XCTestCase {
    func testQueries() throws { try run("test_queries.toml", try ConformanceSupport.endgame()) }
    func testAdditionalQueries() throws { try run("additional_test_queries.toml", try ConformanceSupport.endgame()) }
    func testDateQueries() throws { try run("test_queries_date.toml", try ConformanceSupport.endgame()) }
    func testBetweenQueries() throws { try run("test_between_queries.toml", try ConformanceSupport.endgame()) }

    func testDateNanosQueries() throws {
        let data = try ConformanceSupport.dataset(
            files: ["endgame-140.data"],
            options: .init(timestampField: "timestamp", timestampEncoding: .nanoseconds, tiebreakerField: "serial_event_id",
                           categoryField: "event_type", requireTimestamp: true),
            idField: "serial_event_id")
        try run("test_queries_date_nanos.toml", data)
    }

    func testExtra() throws {
        try run("test_extra.toml", try ConformanceSupport.dataset(
            files: ["extra.data"], options: .init(tiebreakerField: "sequence", categoryField: "event_type"), idField: "sequence"))
    }

    func testMissingEvents() throws {
        try run("test_missing_events.toml", try ConformanceSupport.dataset(
            files: ["missing-events.data"], options: .init(tiebreakerField: "sequence", categoryField: "event_type"),
            idField: "sequence"))
    }

    func testSample() throws {
        try run("test_sample.toml", try ConformanceSupport.dataset(
            files: ["sample1.data", "sample2.data", "sample3.data"], options: Self.untimed, idField: "id"))
    }

    func testSampleMulti() throws {
        try run("test_sample_multi.toml", try ConformanceSupport.dataset(
            files: ["sample-multi.data"], options: Self.untimed, idField: "id"))
    }

    /// Samples ignore time: Elasticsearch takes candidates in index order, so the data streams in file order.
    private static let untimed = JSONEventSet.Options(timestampField: "", categoryField: "event_type")

    private func run(_ file: String, _ data: SpecDataset) throws {
        let queries = try ConformanceSupport.loadQueries(file)
        XCTAssertFalse(queries.isEmpty, "\(file) has no queries")
        var passed = 0, excluded = 0, unexpectedPasses: [String] = []
        for spec in queries {
            let outcome = evaluate(spec, data)
            if let reason = ConformanceExclusions.reason(file: file, name: spec.name) {
                excluded += 1
                if outcome == nil { unexpectedPasses.append(spec.name) }
                _ = reason
                continue
            }
            if let failure = outcome {
                XCTFail("\(file) \(spec.name): \(failure)\n  query: \(spec.query)")
            } else {
                passed += 1
            }
        }
        print("conformance \(file): \(passed)/\(queries.count - excluded) passed, \(excluded) excluded"
              + (unexpectedPasses.isEmpty ? "" : "; excluded but passing: \(unexpectedPasses.joined(separator: ", "))"))
    }

    /// nil when the query gives an expected answer, else what went wrong.
    private func evaluate(_ spec: SpecQuery, _ data: SpecDataset) -> String? {
        let compiled: CompiledQuery
        do {
            compiled = try EQLCompiler(schema: data.events.schema).compile(spec.query)
        } catch {
            return "compile error \(error)"
        }
        let results = BatchRunner.run(compiled, events: data.events.events,
                                      limits: MatcherLimits(maxSamplesPerKey: spec.maxSamplesPerKey), size: spec.size)
        let ids = results.flatMap { $0.events.map(data.id) }
        guard spec.expected.contains(ids) else {
            return "expected \(spec.expected.count == 1 ? "\(spec.expected[0])" : "one of \(spec.expected)"), got \(ids)"
        }
        if let expectedKeys = spec.joinKeys {
            let keys = results.flatMap { $0.joinKeys.map(ConformanceSupport.render) }
            if keys != expectedKeys { return "ids ok; join keys expected \(expectedKeys), got \(keys)" }
        }
        return nil
    }
}
