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

    /// Rules bounded by one of two fields (`event.action` or `auditd.data.syscall`), none by one field alone.
    private func eitherRules() throws -> RuleSet {
        let queries = [
            #"any where host.os.type == "linux" and (event.action in ("load_module") or auditd.data.syscall in ("init_module", "finit_module"))"#, // 0
            #"any where event.action : "LOADED" or process.name == "insmod""#,                                    // 1: case-insensitive
            #"any where not (event.action == "load_module" or auditd.data.syscall == "init_module")"#,           // 2: never guarded
            #"process where event.type == "start" and (process.name == "modprobe" or auditd.data.syscall == "finit_module")"#, // 3
            ("""
             sequence by process.pid with maxspan=5s
               [any where auditd.data.syscall == "init_module" or event.action == "load_module"]
               [any where process.name == "rmmod" or event.action == "unload_module"]
             """),                                                                                             // 4
        ]
        let loaded = try queries.enumerated().map { number, query in
            try Fixtures.rule(id: "e\(number)", query: query, index: ["logs-auditd_manager.auditd-*"])
        }
        let (ruleSet, diagnostics) = RuleSet.compile(loaded)
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        return ruleSet
    }

    func testGuardsAcrossFieldsGiveTheAlertsOfOfferingEveryRuleEveryEvent() throws {
        let ruleSet = try eitherRules()
        let kinds: [(category: String, action: String?, name: String, extra: [(String, FieldValue)])] = [
            ("driver", "load_module", "insmod", [("auditd.data.syscall", "finit_module")]),
            ("driver", "Loaded", "kmod", []),
            ("process", nil, "modprobe", [("auditd.data.syscall", .array(["execve", "init_module"]))]),
            ("process", "unload_module", "bash", []),
            ("file", nil, "rmmod", [("auditd.data.syscall", "init_module")]),
            ("network", "connect", "curl", [("auditd.data.syscall", "connect")]),
            ("other", "load_module", "sh", []),
            ("process", "executed", "insmod", [("auditd.data.syscall", .int(175))]),
        ]
        var documents: [(Document, Int64)] = []
        for round in 0..<48 {
            let kind = kinds[(round * 5) % kinds.count]
            documents.append((Fixtures.document(category: kind.category, type: "start", action: kind.action,
                                                pid: Int64(200 + round % 2), name: kind.name, extra: kind.extra),
                              (2000 + Int64(round)) * s))
        }
        var engine = DetectionEngine(ruleSet: ruleSet)
        let reference = Fixtures.everyRuleEveryEvent(ruleSet, documents)
        XCTAssertEqual(Fixtures.indexedMatches(&engine, documents), reference, "same alerts, at the same events")
        XCTAssertEqual(Set(reference.joined()), Set(0..<5), "every rule fires somewhere in the stream")
    }

    func testAnEventFailingEveryFieldOfAGuardAcrossFieldsSkipsTheRule() throws {
        var engine = DetectionEngine(ruleSet: try eitherRules())
        var matches: [RuleMatch] = []
        func offered(_ category: String, _ action: String?, _ name: String, _ extra: [(String, FieldValue)] = []) -> UInt64 {
            let before = engine.counters.offers
            let document = Fixtures.document(category: category, type: "start", action: action, pid: 9, name: name,
                                             extra: extra)
            engine.process(document, timestamp: 9000 * s, serial: 1, into: &matches)
            return engine.counters.offers - before
        }
        XCTAssertEqual(offered("network", "connect", "curl", [("auditd.data.syscall", "connect")]), 1, "the negation (2) only")
        XCTAssertEqual(offered("other", nil, "bash"), 1, "an event of no indexed category: 2 only")
        XCTAssertEqual(offered("other", "load_module", "bash"), 3, "0 and 4 by the action, and 2")
        XCTAssertEqual(offered("file", "x", "bash", [("auditd.data.syscall", "init_module")]), 3, "0 and 4 by the syscall, and 2")
        XCTAssertEqual(offered("driver", "LOADED", "bash"), 2, "1 by its case-insensitive action, and 2")
        XCTAssertEqual(offered("process", "x", "modprobe"), 2, "3 by its name, and 2")
        XCTAssertEqual(offered("process", "x", "rmmod"), 2, "4's second stage by its name, and 2")
        XCTAssertEqual(offered("process", "x", "sh", [("auditd.data.syscall", .int(5))]), 4, "a number may equal a constant's text: every rule reading the syscall (0, 3, 4), and 2")
    }
}
