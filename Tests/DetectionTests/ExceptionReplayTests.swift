@testable import Alerting
@testable import Detection
import DetectionTestSupport
@testable import EventModel
@testable import Events
@testable import Rules
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Exception lists keep events from the rules they are attached to, before any stage can use them.
final class ExceptionReplayTests: XCTestCase {
    private typealias Log = AuditLogText

    private func replay(_ log: String, rules: [(String, String)], exceptions: String, attachToAll: [String] = [],
                        files: [(String, String)] = [])
        throws -> (alerts: [Alert], load: RuleSetLoad, engine: DetectionEngine)
    {
        let directory = NSTemporaryDirectory() + "auspex-exceptions-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/exceptions.d", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in rules { try text.write(toFile: "\(directory)/rules/\(name).toml", atomically: true, encoding: .utf8) }
        try exceptions.write(toFile: directory + "/exceptions.d/tuning.ndjson", atomically: true, encoding: .utf8)
        for (name, text) in files { try text.write(toFile: "\(directory)/exceptions.d/\(name)", atomically: true, encoding: .utf8) }
        try log.write(toFile: directory + "/audit.log", atomically: true, encoding: .utf8)
        let load = RuleSet.load(paths: [directory + "/rules"], exceptionPaths: [directory + "/exceptions.d"],
                                attachToAllRules: attachToAll)
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        var pipeline = DetectionPipeline(ruleSet: load.ruleSet, settings: PipelineSettings(host: HostInfo(id: "h", name: "vm")),
                                         names: StaticNameLookup())
        let descriptor = open(directory + "/audit.log", O_RDONLY)
        guard descriptor >= 0 else { throw XCTSkip("cannot open the log") }
        defer { close(descriptor) }
        var alerts: [Alert] = []
        _ = LogReplay.run(descriptor: descriptor, through: &pipeline) { alerts.append($0) }
        return (alerts, load, pipeline.engine)
    }

    private static func list(_ items: [String], id: String = "tuning") -> String {
        (["{\"list_id\":\"\(id)\",\"type\":\"detection\",\"namespace_type\":\"single\",\"name\":\"Tuning\"}"]
            + items.enumerated().map { "{\"item_id\":\"item\($0.offset)\",\"list_id\":\"\(id)\",\"type\":\"simple\",\"entries\":[\($0.element)]}" })
            .joined(separator: "\n") + "\n"
    }

    private static func entry(_ field: String, _ type: String, _ value: String? = nil, excluded: Bool = false) -> String {
        "{\"field\":\"\(field)\",\"operator\":\"\(excluded ? "excluded" : "included")\",\"type\":\"\(type)\""
            + (value.map { ",\"value\":\($0)" } ?? "") + "}"
    }

    private static func ncRule(lists: [String]) -> String {
        Fixtures.ruleText(id: "nc-exec", name: "Netcat executed",
                          query: #"process where event.action == "executed" and process.name == "nc""#)
            + lists.map { "\n[[rule.exceptions_list]]\nid = \"\($0)\"\nlist_id = \"\($0)\"\nnamespace_type = \"single\"\ntype = \"detection\"\n" }
                .joined()
    }

    /// Four nc runs: 8001 `nc -l` by root under 100 in /srv/a/build, 8002 `nc -z` by uid 1000 under 100,
    /// 8003 `nc -l` by root under 200, 8004 `nc -l` by uid 1000 under 200.
    private static var ncLog: String {
        var log = Log()
        log.syscall(Log.execve, pid: 8001, ppid: 100, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"], cwd: "/srv/a/build")
        log.syscall(Log.execve, pid: 8002, ppid: 100, uid: 1000, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-z"], cwd: "/tmp")
        log.syscall(Log.execve, pid: 8003, ppid: 200, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"], cwd: "/srv/b/x")
        log.syscall(Log.execve, pid: 8004, ppid: 200, uid: 1000, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"], cwd: "/")
        return log.text
    }

    private func pids(_ items: [String], attach: Bool = true, attachToAll: [String] = [],
                      files: [(String, String)] = []) throws -> [Int64] {
        let (alerts, _, _) = try replay(Self.ncLog, rules: [("nc", Self.ncRule(lists: attach ? ["tuning"] : []))],
                                        exceptions: Self.list(items), attachToAll: attachToAll, files: files)
        return alerts.compactMap { $0.events[0]["process.pid"]?.intValue }
    }

    func testEntryTypesOperatorsAndItemLogic() throws {
        XCTAssertEqual(try pids([]), [8001, 8002, 8003, 8004])
        // match: equal text (numbers as text); entries of an item AND, items OR.
        XCTAssertEqual(try pids([Self.entry("process.parent.pid", "match", "\"100\"")]), [8003, 8004])
        XCTAssertEqual(try pids([Self.entry("process.parent.pid", "match", "\"100\"") + "," + Self.entry("process.args", "match", "\"-l\"")]),
                       [8002, 8003, 8004])
        XCTAssertEqual(try pids([Self.entry("process.pid", "match", "\"8001\""), Self.entry("process.pid", "match", "\"8004\"")]),
                       [8002, 8003])
        // match_any; an array field matches when any element does.
        XCTAssertEqual(try pids([Self.entry("process.args", "match_any", "[\"-z\",\"-q\"]")]), [8001, 8003, 8004])
        // Case-sensitive match; wildcard with * and ?.
        XCTAssertEqual(try pids([Self.entry("process.executable", "match", "\"/usr/bin/NC\"")]), [8001, 8002, 8003, 8004])
        XCTAssertEqual(try pids([Self.entry("process.working_directory", "wildcard", "\"/srv/*/build\"")]), [8002, 8003, 8004])
        XCTAssertEqual(try pids([Self.entry("process.working_directory", "wildcard", "\"/srv/?/*\"")]), [8002, 8004])
        // excluded = must_not: "user is not root" excepts the uid 1000 runs.
        XCTAssertEqual(try pids([Self.entry("user.id", "match", "\"0\"", excluded: true)]), [8001, 8003])
        // exists / excluded exists (a missing field is "not exists").
        XCTAssertEqual(try pids([Self.entry("process.working_directory", "exists")]), [])
        XCTAssertEqual(try pids([Self.entry("container.id", "exists", excluded: true) + "," + Self.entry("process.pid", "match", "\"8002\"")]),
                       [8001, 8003, 8004])
        // Excluded on a field no event has: always true.
        XCTAssertEqual(try pids([Self.entry("container.id", "match", "\"x\"", excluded: true)]), [])
        // Not attached: no effect, unless attached to all rules by configuration.
        XCTAssertEqual(try pids([Self.entry("process.pid", "match", "\"8001\"")], attach: false), [8001, 8002, 8003, 8004])
        XCTAssertEqual(try pids([Self.entry("process.pid", "match", "\"8001\"")], attach: false, attachToAll: ["tuning"]),
                       [8002, 8003, 8004])
    }

    func testExpiredItemsAndOtherOSesDoNotApplyAndHitsAreCounted() throws {
        let entry = Self.entry("process.pid", "match", "\"8001\"")
        let items = [
            "{\"item_id\":\"expired\",\"list_id\":\"tuning\",\"type\":\"simple\",\"expire_time\":\"2020-01-01T00:00:00Z\",\"entries\":[\(entry)]}",
            "{\"item_id\":\"windows\",\"list_id\":\"tuning\",\"type\":\"simple\",\"os_types\":[\"windows\"],\"entries\":[\(entry)]}",
            "{\"item_id\":\"live\",\"list_id\":\"tuning\",\"type\":\"simple\",\"expire_time\":\"2099-01-01T00:00:00Z\",\"entries\":[\(Self.entry("process.pid", "match", "\"8002\""))]}",
        ]
        let text = "{\"list_id\":\"tuning\",\"type\":\"detection\",\"name\":\"T\"}\n" + items.joined(separator: "\n") + "\n"
        let (alerts, load, engine) = try replay(Self.ncLog, rules: [("nc", Self.ncRule(lists: ["tuning"]))], exceptions: text)
        XCTAssertEqual(alerts.compactMap { $0.events[0]["process.pid"]?.intValue }, [8001, 8003, 8004])
        XCTAssertEqual(load.exceptionLists.itemCount, 3)
        XCTAssertEqual(engine.counters.excepted, 1)
        XCTAssertEqual(engine.exceptionHits, [ExceptionHit(rule: "nc-exec", item: "tuning/live"): 1])
    }

    /// An excepted event can fill no stage of a sequence: the sequence forms only from other events.
    func testAnExceptedEventCannotFillASequenceStage() throws {
        let log = Self.twoNetcatConnects()
        let rule = Self.netcatSequenceRule
        let exceptions = Self.list([Self.entry("destination.ip", "match", "\"192.0.2.9\"")])
        let (alerts, _, engine) = try replay(log.text, rules: [("seq", rule)], exceptions: exceptions)
        XCTAssertEqual(alerts.map { $0.joinKeys }, [[9002]])
        XCTAssertEqual(engine.counters.excepted, 1)
    }

    private static func listEntry(_ field: String, _ id: String, _ type: String, excluded: Bool = false) -> String {
        "{\"field\":\"\(field)\",\"operator\":\"\(excluded ? "excluded" : "included")\",\"type\":\"list\","
            + "\"list\":{\"id\":\"\(id)\",\"type\":\"\(type)\"}}"
    }

    /// `type: list` entries: the field's value is in the value list read from the file named like the list id.
    func testValueListEntries() throws {
        let files = [("pids.txt", "8001\n8003\n"), ("root-ids", "0\n")]
        XCTAssertEqual(try pids([Self.listEntry("process.pid", "pids.txt", "keyword")], files: files), [8002, 8004])
        // `excluded`: not in the list (uid 1000 is not root), as must_not.
        XCTAssertEqual(try pids([Self.listEntry("user.id", "root-ids", "keyword", excluded: true)], files: files), [8001, 8003])
        // Joined with other entries of the item (AND).
        XCTAssertEqual(try pids([Self.listEntry("process.pid", "pids.txt", "keyword") + "," + Self.entry("process.parent.pid", "match", "\"200\"")],
                                files: files), [8001, 8002, 8004])
        // A list type EQL rules do not apply: the item is left out with a warning.
        XCTAssertEqual(try pids([Self.listEntry("process.pid", "pids.txt", "long")], files: files), [8001, 8002, 8003, 8004])

        // ip_range lists on a sequence's network stage: CIDR and a-b ranges.
        let log = Self.twoNetcatConnects()
        let rule = Self.netcatSequenceRule
        let cases: [(String, [[FieldValue]])] = [("192.0.2.0/24\n", [[9002]]), ("198.51.100.1-198.51.100.9\n", [[9001]]),
                                                 ("203.0.113.0/24\n", [[9001], [9002]])]
        for (ranges, expected) in cases {
            let exceptions = Self.list([Self.listEntry("destination.ip", "nets.txt", "ip_range")])
            let (alerts, _, _) = try replay(log.text, rules: [("seq", rule)], exceptions: exceptions, files: [("nets.txt", ranges)])
            XCTAssertEqual(alerts.map { $0.joinKeys }, expected, ranges)
        }
    }

    /// A list whose container carries `meta.auspex_rule_ids` (as `auspex exception add` writes it) applies to those
    /// rules without `[[rule.exceptions_list]]`; `"*"` applies to every rule.
    func testListsAttachByTheirOwnRuleScope() throws {
        func pids(scope: String) throws -> [Int64] {
            let text = "{\"list_id\":\"scoped\",\"type\":\"rule_default\",\"name\":\"S\",\"meta\":{\"auspex_rule_ids\":\(scope)}}\n"
                + "{\"item_id\":\"i\",\"list_id\":\"scoped\",\"type\":\"simple\",\"entries\":[\(Self.entry("process.pid", "match", "\"8001\""))]}\n"
            let (alerts, _, _) = try replay(Self.ncLog, rules: [("nc", Self.ncRule(lists: []))], exceptions: text)
            return alerts.compactMap { $0.events[0]["process.pid"]?.intValue }
        }
        XCTAssertEqual(try pids(scope: "[\"nc-exec\"]"), [8002, 8003, 8004])
        XCTAssertEqual(try pids(scope: "[\"*\"]"), [8002, 8003, 8004])
        XCTAssertEqual(try pids(scope: "[\"another-rule\"]"), [8001, 8002, 8003, 8004])
    }

    /// Two netcat processes, each execs and connects (192.0.2.9 and 198.51.100.7, port 80).
    private static func twoNetcatConnects() -> Log {
        var log = Log()
        log.syscall(Log.execve, pid: 9001, ppid: 1, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "192.0.2.9", "80"])
        log.syscall(Log.connect, exit: 0, pid: 9001, ppid: 1, comm: "nc", exe: "/usr/bin/nc", sockaddr: Log.inet("192.0.2.9", port: 80))
        log.syscall(Log.execve, pid: 9002, ppid: 1, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "198.51.100.7", "80"])
        log.syscall(Log.connect, exit: 0, pid: 9002, ppid: 1, comm: "nc", exe: "/usr/bin/nc", sockaddr: Log.inet("198.51.100.7", port: 80))
        return log
    }

    /// A netcat exec-then-connect sequence by pid, with the `tuning` exception list attached.
    private static let netcatSequenceRule = Fixtures.ruleText(id: "nc-connect", name: "Netcat connects", query: """
        sequence by process.pid with maxspan=1m
          [process where event.action == "executed" and process.name == "nc"]
          [network where event.action == "connected-to"]
        """) + "\n[[rule.exceptions_list]]\nid = \"tuning\"\nlist_id = \"tuning\"\nnamespace_type = \"single\"\ntype = \"detection\"\n"

}
