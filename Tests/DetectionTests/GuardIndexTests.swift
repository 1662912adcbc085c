@testable import Detection
@testable import EQL
@testable import EventModel
import XCTest

/// The rule index's value guards (`process.name`, `process.args`, … a rule needs among a few values) and its filing of
/// `any where` rules under the categories they require: fewer rules evaluated, the same alerts as offering every rule
/// every event.
final class GuardIndexTests: XCTestCase {
    private let s = Fixtures.seconds

    private func rules() throws -> RuleSet {
        let queries = [
            #"process where event.type == "start" and process.name in ("nc", "ncat")"#,                         // 0
            #"process where process.name : ("CURL", "wget") and process.args == "-O""#,                        // 1
            #"process where process.args == "-e" and process.args in ("sh", "/bin/sh")"#,                      // 2
            #"any where event.category == "process" and process.name == "sh""#,                                // 3
            #"any where (event.category == "network" and process.name == "nc") or (event.category == "process" and process.name == "socat")"#, // 4
            ("""
             sequence by process.pid with maxspan=5s
               [process where process.name == "nc"] [network where process.name == "nc"]
             """),                                                                                            // 5
            ("""
             sequence by process.pid with maxspan=2s
               [process where process.name == "bash"] ![process where process.name == "sudo"]
             """),                                                                                            // 6
            #"process where process.name : "*at""#,                                                           // 7: unguarded
            #"process where process.name : ("PY*", "perl")"#,                                                  // 8: by prefix
        ]
        let loaded = try queries.enumerated().map { number, query in
            try Fixtures.rule(id: "g\(number)", query: query, index: ["logs-auditd_manager.auditd-*"])
        }
        let (ruleSet, diagnostics) = RuleSet.compile(loaded)
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        return ruleSet
    }

    private func stream() -> [(Document, Int64)] {
        let programs: [(category: String, name: String, args: [String])] = [
            ("process", "nc", ["nc", "-e", "/bin/sh"]),
            ("network", "nc", []),
            ("process", "Curl", ["curl", "-O", "x"]),
            ("process", "sh", ["sh", "-e", "sh"]),
            ("process", "bash", ["bash"]),
            ("process", "sudo", ["sudo", "-e"]),
            ("process", "socat", ["socat"]),
            ("network", "sh", []),
            ("process", "python3", ["python3"]),
            ("process", "ls", ["ls", "-O"]),
        ]
        var documents: [(Document, Int64)] = []
        for round in 0..<60 {
            let program = programs[(round * 7) % programs.count]
            var extra: [(String, FieldValue)] = []
            if !program.args.isEmpty { extra.append(("process.args", .array(program.args.map(FieldValue.string)))) }
            var document = Fixtures.document(category: program.category, type: "start", action: nil,
                                             pid: Int64(100 + round % 3), name: program.name, extra: extra)
            if round % 5 == 4 {  // an event of two categories: each rule once, from either category's entries
                var both = Document()
                for field in document.fields {
                    both.append(field.name, field.name == "event.category" ? ["network", "process"] : field.value)
                }
                document = both
            }
            documents.append((document, (1000 + Int64(round)) * s))
        }
        return documents
    }

    func testGuardedRulesGiveTheAlertsOfOfferingEveryRuleEveryEvent() throws {
        let ruleSet = try rules()
        let documents = stream()
        var engine = DetectionEngine(ruleSet: ruleSet)
        let reference = Fixtures.everyRuleEveryEvent(ruleSet, documents)
        XCTAssertEqual(Fixtures.indexedMatches(&engine, documents), reference, "same alerts, at the same events, in rule order")
        XCTAssertEqual(Set(reference.joined()), Set(0..<9), "every rule fires somewhere in the stream")
        // Each event meets its unguarded rule (7), the rules its values admit and nothing else.
        XCTAssertLessThan(engine.counters.offers * 2, engine.counters.categoryOffers)
    }

    func testEachEventMeetsOnlyTheRulesItsValuesAdmit() throws {
        var engine = DetectionEngine(ruleSet: try rules())
        var matches: [RuleMatch] = []
        func offered(_ category: String, _ name: String, _ args: [String]) -> UInt64 {
            let before = engine.counters.offers
            let document = Fixtures.document(category: category, type: "start", action: nil, pid: 7, name: name,
                                             extra: [("process.args", .array(args.map(FieldValue.string)))])
            engine.process(document, timestamp: 5000 * s, serial: 1, into: &matches)
            return engine.counters.offers - before
        }
        XCTAssertEqual(offered("process", "nc", ["nc"]), 4, "0, the sequence's first stage (5), 4 (its guard is {nc, socat} whatever the category) and the unguarded 7")
        XCTAssertEqual(offered("process", "curl", ["curl", "-O"]), 2, "1 (case-insensitive name) and 7")
        XCTAssertEqual(offered("process", "ls", ["ls", "-e"]), 2, "2 by its smallest argument test, and 7")
        XCTAssertEqual(offered("process", "sudo", []), 2, "6's missing-event stage, and 7")
        XCTAssertEqual(offered("network", "nc", []), 2, "4 filed under network, 5's second stage")
        XCTAssertEqual(offered("network", "ls", []), 0, "no network rule admits it")
        XCTAssertEqual(offered("file", "sh", []), 0, "any-where rules 3 and 4 are filed under their categories only")
        XCTAssertEqual(offered("process", "Python3", []), 2, "8 by its case-insensitive prefix, and 7")
        XCTAssertEqual(offered("process", "jython", []), 1, "7 only")
    }
}
