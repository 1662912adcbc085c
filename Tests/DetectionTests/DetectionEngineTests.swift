@testable import Detection
@testable import EQL
@testable import EventModel
import XCTest
@testable import Rules

final class DetectionEngineTests: XCTestCase {
    private let s = Fixtures.seconds

    private func engine(_ query: String, from: String = "now-1m", limits: MatcherLimits = MatcherLimits()) throws
        -> DetectionEngine
    {
        let (ruleSet, diagnostics) = RuleSet.compile([try Fixtures.rule(id: "rule", query: query, from: from)])
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        return DetectionEngine(ruleSet: ruleSet, limits: limits)
    }

    private let twoStep = """
        sequence by process.pid
          [process where event.action == "executed"]
          [network where event.action == "connected-to"]
        """

    private func exec(_ pid: Int64) -> Document {
        Fixtures.document(category: "process", type: "start", action: "executed", pid: pid)
    }

    private func connect(_ pid: Int64) -> Document {
        Fixtures.document(category: "network", type: "start", action: "connected-to", pid: pid)
    }

    func testSequenceWithoutMaxspanCompletesInsideTheLookbackWindow() throws {
        var engine = try engine(twoStep)
        var matches: [RuleMatch] = []
        engine.process(exec(10), timestamp: 100 * s, serial: 1, into: &matches)
        engine.process(connect(11), timestamp: 110 * s, serial: 2, into: &matches) // other key
        XCTAssertTrue(matches.isEmpty)
        engine.process(connect(10), timestamp: 130 * s, serial: 3, into: &matches)
        XCTAssertEqual(matches.count, 1)
        XCTAssertEqual(matches.first?.joinKeys, [10])
        XCTAssertEqual(matches.first?.events.map { $0["event.action"] }, ["executed", "connected-to"])
    }

    func testSequenceWithoutMaxspanExpiresAfterTheLookbackWindow() throws {
        var engine = try engine(twoStep, from: "now-1m")
        var matches: [RuleMatch] = []
        engine.process(exec(10), timestamp: 100 * s, serial: 1, into: &matches)
        // Unrelated events move time on past the window (and let the periodic sweep run).
        for step in 1...5 {
            engine.process(exec(1000 + Int64(step)), timestamp: (100 + 30 * Int64(step)) * s, serial: UInt32(1 + step),
                           into: &matches)
        }
        engine.process(connect(10), timestamp: 251 * s, serial: 10, into: &matches)
        XCTAssertTrue(matches.isEmpty, "the exec is older than the 1 minute lookback")
        XCTAssertGreaterThan(engine.matchCounters.expired, 0)
    }

    func testTimeFromEventsTheRuleIsNeverOfferedStillExpiresItsState() throws {
        var engine = try engine(twoStep, from: "now-1m")
        var matches: [RuleMatch] = []
        engine.process(exec(10), timestamp: 100 * s, serial: 1, into: &matches)
        XCTAssertEqual(engine.pendingKeys, 1)
        // Only file events follow: the sequence sees none of them, the engine's periodic sweep moves its time on.
        for step in 1...16 {
            let open = Fixtures.document(category: "file", type: "access", action: "opened-file", pid: 20)
            engine.process(open, timestamp: (100 + 10 * Int64(step)) * s, serial: UInt32(1 + step), into: &matches)
        }
        XCTAssertEqual(engine.matchCounters.expired, 1, "the exec expired with no event of the rule's categories")
        XCTAssertEqual(engine.pendingKeys, 0)
        XCTAssertEqual(engine.matchCounters.events, 1, "the file events were neither offered nor told to the rule")
    }

    func testPerRuleKeyTableIsCappedAndEvictionsCounted() throws {
        var engine = try engine(twoStep, limits: MatcherLimits(capacity: 8))
        var matches: [RuleMatch] = []
        for pid in 0..<100 {
            engine.process(exec(Int64(pid)), timestamp: s + Int64(pid), serial: UInt32(pid), into: &matches)
        }
        XCTAssertLessThanOrEqual(engine.pendingKeys, 8)
        XCTAssertGreaterThanOrEqual(engine.matchCounters.evicted, 92)
        engine.process(connect(99), timestamp: 2 * s, serial: 1000, into: &matches)
        XCTAssertEqual(matches.count, 1, "the newest key survived the evictions")
    }

    func testSampleIgnoresOrderAndJoinsOnEveryKey() throws {
        var engine = try engine("""
            sample by host.id, process.pid
              [process where event.action == "executed"]
              [network where event.action == "connected-to"]
            """)
        var matches: [RuleMatch] = []
        engine.process(connect(7), timestamp: s, serial: 1, into: &matches)
        engine.process(exec(8), timestamp: 2 * s, serial: 2, into: &matches)
        XCTAssertTrue(matches.isEmpty)
        engine.process(exec(7), timestamp: 3 * s, serial: 3, into: &matches)
        XCTAssertEqual(matches.count, 1)
        XCTAssertEqual(matches.first?.joinKeys, ["host-1", 7])
        XCTAssertEqual(matches.first?.events.map { $0["event.action"] }, ["executed", "connected-to"],
                       "events in filter order, not arrival order")
    }

    func testOnlyRulesOfTheEventsCategoryAreOffered() throws {
        let rules = [
            try Fixtures.rule(id: "p", query: #"process where process.name == "bash""#),
            try Fixtures.rule(id: "n", query: #"network where process.name == "bash""#),
        ]
        var engine = DetectionEngine(ruleSet: RuleSet.compile(rules).ruleSet)
        var matches: [RuleMatch] = []
        engine.process(exec(1), timestamp: s, serial: 1, into: &matches)
        XCTAssertEqual(matches.map(\.rule), [0])
        XCTAssertEqual(engine.counters.offers, 1, "the network rule never saw the process event")
    }

    func testReplacingRulesDropsAndCountsPartialState() throws {
        var engine = try engine(twoStep)
        var matches: [RuleMatch] = []
        engine.process(exec(10), timestamp: s, serial: 1, into: &matches)
        engine.replace(with: try self.engine(twoStep).ruleSet)
        engine.process(connect(10), timestamp: 2 * s, serial: 2, into: &matches)
        XCTAssertTrue(matches.isEmpty)
        XCTAssertEqual(engine.counters.droppedOnReload, 1)
        XCTAssertEqual(engine.counters.events, 2, "counters survive the reload")
    }
}
