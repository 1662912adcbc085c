@testable import Detection
@testable import EQL
@testable import EventModel
import XCTest
@testable import Rules

/// The rule index by category and `event.action`: what each event is offered, and that alerts stay those of
/// offering every rule of the event's category.
final class ActionIndexTests: XCTestCase {
    private let s = Fixtures.seconds
    private let audit = ["logs-auditd_manager.auditd-*"]
    private let defend = ["logs-endpoint.events.*"]

    /// Rules whose action values differ between the auditd and Defend views, in both views, plus rules the action
    /// index cannot narrow.
    private func rules() throws -> RuleSet {
        let specs: [(query: String, index: [String])] = [
            (#"process where event.action == "executed" and process.name == "bash""#, audit),      // 0
            (#"process where event.action in ("exec", "fork")"#, defend),                          // 1
            (#"process where event.action == "exec""#, audit),                                     // 2: never in audit
            (#"process where event.action == "executed""#, defend),                                // 3: never in Defend
            (#"network where event.action : "CONNECTED-TO""#, audit),                              // 4
            (#"network where event.action == "connection_attempted""#, defend),                    // 5
            (#"process where process.name == "bash""#, audit),                                     // 6: any action
            ("""
             sequence by process.pid with maxspan=1m
               [process where event.action == "exec"] [network where event.action == "connection_attempted"]
             """, defend),                                                                          // 7
            ("""
             sequence by process.pid with maxspan=1m
               [process where event.action == "executed"] [network where event.action == "connected-to"]
             """, audit),                                                                           // 8
            (#"process where event.action == "load_module""#, defend),                             // 9: audit `driver`
        ]
        let loaded = try specs.enumerated().map { number, spec in
            try Fixtures.rule(id: "r\(number)", query: spec.query, index: spec.index)
        }
        let (ruleSet, diagnostics) = RuleSet.compile(loaded)
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        XCTAssertEqual(ruleSet.rules.count, specs.count)
        return ruleSet
    }

    private func event(_ category: String, _ action: String?, pid: Int64, syscall: String? = nil) -> Document {
        Fixtures.document(category: category, type: "start", action: action, pid: pid,
                          extra: syscall.map { [("auditd.data.syscall", .string($0))] } ?? [])
    }

    private var stream: [Document] {
        [
            event("process", "executed", pid: 10, syscall: "execve"),
            event("network", "connected-to", pid: 10, syscall: "connect"),
            event("process", "killed-pid", pid: 11, syscall: "kill"),
            event("process", nil, pid: 12),
            event("network", "accepted-connection-from", pid: 13, syscall: "accept"),
            event("driver", "loaded-kernel-module", pid: 14, syscall: "finit_module"),
            event("file", "opened-file", pid: 15, syscall: "openat"),
        ]
    }

    func testEachEventIsOfferedOnlyTheRulesItsActionCanSatisfyInEachView() throws {
        var engine = DetectionEngine(ruleSet: try rules())
        var matches: [RuleMatch] = []
        var offered: [UInt64] = [], categoryOffered: [UInt64] = []
        for (number, document) in stream.enumerated() {
            let before = engine.counters
            engine.process(document, timestamp: (100 + Int64(number)) * s, serial: UInt32(number), into: &matches)
            offered.append(engine.counters.offers - before.offers)
            categoryOffered.append(engine.counters.categoryOffers - before.categoryOffers)
        }
        // exec: 0 1 6 7 8 (Defend sees `exec`); connect: 4 5 7 8; kill and no action: 6 only; accept: none;
        // module load: 9 (a Defend process event); open: no rule of that category.
        XCTAssertEqual(offered, [5, 4, 1, 1, 0, 1, 0])
        XCTAssertEqual(categoryOffered, [8, 4, 8, 8, 4, 4, 0], "the category index alone (Defend process rules under driver)")
        XCTAssertEqual(matches.map(\.rule), [0, 1, 6, 4, 5, 7, 8, 6, 6, 9], "per event in rule order")
        XCTAssertEqual(engine.matchCounters.events, 6 + 5, "sequences were told every event of their categories")
    }

    func testAlertsAreThoseOfOfferingEveryRuleEveryEvent() throws {
        let ruleSet = try rules()
        // Interleaved processes, some connecting after their exec, some not, some events without an action.
        var documents: [(Document, Int64)] = []
        for round in 0..<40 {
            let pid = Int64(100 + round % 3)
            let template = stream[round % stream.count]
            var document = Document()
            for field in template.fields { document.append(field.name, field.name == "process.pid" ? .int(pid) : field.value) }
            documents.append((document, (1000 + Int64(round) * 3) * s))
        }
        var engine = DetectionEngine(ruleSet: ruleSet)
        let reference = Fixtures.everyRuleEveryEvent(ruleSet, documents)
        XCTAssertEqual(Fixtures.indexedMatches(&engine, documents), reference, "same alerts, at the same events, in rule order")
        let fired = Set(reference.joined())
        XCTAssertEqual(fired, [0, 1, 4, 5, 6, 7, 8, 9], "both views' rules fire; the other view's values never do")
        XCTAssertLessThan(engine.counters.offers * 2, engine.counters.categoryOffers)
    }
}
