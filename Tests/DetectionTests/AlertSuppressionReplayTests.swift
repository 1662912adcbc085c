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

/// Suppression is a stage after matching: the rules raise every alert (the parity goldens hold that path, unsuppressed),
/// and the gate lets the first of a group out and counts the rest into one summary.
final class AlertSuppressionReplayTests: XCTestCase {
    private typealias Log = AuditLogText

    /// Replays `log` with `rules` (TOML texts) through the pipeline and `gate`, as `auspex replay` does.
    private func replay(_ log: String, rules: [(name: String, text: String)], gate: inout AlertGate) throws
        -> (raw: [Alert], delivered: [Alert])
    {
        let directory = NSTemporaryDirectory() + "auspex-suppression-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for rule in rules { try rule.text.write(toFile: "\(directory)/\(rule.name).toml", atomically: true, encoding: .utf8) }
        try log.write(toFile: directory + "/audit.log", atomically: true, encoding: .utf8)
        let load = RuleSet.load(paths: [directory])
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        let settings = PipelineSettings(host: HostInfo(id: "test-host", name: "vm"))
        var raw: [Alert] = []
        var delivered: [Alert] = []
        for gated in [false, true] {
            var pipeline = DetectionPipeline(ruleSet: load.ruleSet, settings: settings, names: StaticNameLookup())
            let descriptor = open(directory + "/audit.log", O_RDONLY)
            guard descriptor >= 0 else { throw XCTSkip("cannot open the log") }
            defer { close(descriptor) }
            if gated {
                _ = LogReplay.run(descriptor: descriptor, through: &pipeline, gate: &gate) { delivered.append($0) }
            } else {
                _ = LogReplay.run(descriptor: descriptor, through: &pipeline) { raw.append($0) }
            }
        }
        return (raw, delivered)
    }

    /// Moves the events of log lines from `index` on by `seconds` (AuditLogText stamps every event at 1700000100).
    private func shifted(_ log: Log, from index: Int, by seconds: Int) -> String {
        log.lines.enumerated().map { offset, line in
            offset < index ? line : line.replacingOccurrences(of: "audit(1700000100.", with: "audit(\(1_700_000_100 + seconds).")
        }.joined(separator: "\n") + "\n"
    }

    func testAChainOfExecsByOneProcessRaisesOneAlertAndASummaryWithTheCount() throws {
        var log = Log()
        // pid 6000 execs sh, which execs sh again, five times: one process (one entity id), five matches.
        for _ in 0..<5 {
            log.syscall(Log.execve, pid: 6000, ppid: 1, comm: "sh", exe: "/usr/bin/dash", argv: ["sh", "-c", "exec sh"])
        }
        log.syscall(Log.execve, pid: 6001, ppid: 1, comm: "sh", exe: "/usr/bin/dash", argv: ["sh"])
        let rule = Fixtures.ruleText(id: "sh-exec", name: "Shell executed",
                                     query: #"process where event.action == "executed" and process.name == "sh""#)
        var gate = AlertGate()
        let (raw, delivered) = try replay(log.text, rules: [("sh", rule)], gate: &gate)

        XCTAssertEqual(raw.count, 6, "the rules raise every match")
        let entity = raw[0].events[0]["process.entity_id"]
        XCTAssertNotNil(entity)
        XCTAssertEqual(raw[0..<5].map { $0.events[0]["process.entity_id"] }, Array(repeating: entity, count: 5))

        let detections = delivered.filter { !$0.isSuppressionSummary }
        let summaries = delivered.filter(\.isSuppressionSummary)
        XCTAssertEqual(detections.count, 2, "one alert per process")
        XCTAssertEqual(detections.map { $0.events[0]["process.pid"] }, [6000, 6001])
        XCTAssertEqual(summaries.count, 1)
        let summary = try XCTUnwrap(summaries.first)
        XCTAssertEqual(summary.suppression?.docsCount, 4)
        XCTAssertEqual(summary.suppression?.summaryOf, detections[0].id)
        XCTAssertEqual(summary.suppression?.terms.first?.field, "process.entity_id")
        XCTAssertEqual(summary.suppression?.terms.first?.value, entity)
        let document = Document(flattening: try JSONReader.parse(summary.json))
        XCTAssertEqual(document["kibana.alert.suppression.docs_count"], 4)
        XCTAssertEqual(document["rule.id"], "sh-exec")
        XCTAssertEqual(gate.counters.suppressed, 4)
        XCTAssertEqual(gate.counters.summaries, 1)
    }

    func testARuleWithAlertSuppressionGroupsByItsFieldsForItsDuration() throws {
        var log = Log()
        // Three children of pid 100 run nc (one group), one child of pid 200 (another), then two minutes later
        // (past the 1-minute window) a fourth child of 100.
        for pid in [7001, 7002, 7003] {
            log.syscall(Log.execve, pid: pid, ppid: 100, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        }
        log.syscall(Log.execve, pid: 7004, ppid: 200, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        let later = log.lines.count
        log.syscall(Log.execve, pid: 7005, ppid: 100, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        let text = shifted(log, from: later, by: 120)
        let rule = Fixtures.ruleText(id: "nc-exec", name: "Netcat executed",
                                     query: #"process where event.action == "executed" and process.name == "nc""#)
            + """

            [rule.alert_suppression]
            group_by = ["process.parent.pid", "host.id"]
            missing_fields_strategy = "suppress"

            [rule.alert_suppression.duration]
            value = 1
            unit = "m"
            """
        var gate = AlertGate()
        let (raw, delivered) = try replay(text, rules: [("nc", rule)], gate: &gate)
        XCTAssertEqual(raw.count, 5)
        XCTAssertEqual(raw.first?.rule.suppression,
                       AlertSuppression(groupBy: ["process.parent.pid", "host.id"], durationNanos: 60_000_000_000))

        // 7001 opens group 100; 7002, 7003 are counted; 7004 opens group 200; at 7005 (two minutes later) group 100's
        // window has closed: its summary (2) comes out, then 7005 opens a new window.
        XCTAssertEqual(delivered.map { $0.isSuppressionSummary ? "summary" : "\($0.events[0]["process.pid"]?.intValue ?? 0)" },
                       ["7001", "7004", "summary", "7005"])
        let summary = delivered[2]
        XCTAssertEqual(summary.suppression?.docsCount, 2)
        XCTAssertEqual(summary.suppression?.terms.map(\.field), ["process.parent.pid", "host.id"])
        XCTAssertEqual(summary.suppression?.terms.map(\.value), [100, "test-host"])
        XCTAssertEqual(summary.suppression?.summaryOf, delivered[0].id)
        XCTAssertEqual(summary.suppression.map { $0.windowEnd.nanosecondsSinceEpoch - $0.windowStart.nanosecondsSinceEpoch },
                       60_000_000_000)
        XCTAssertEqual(gate.counters.suppressed, 2)
    }

    func testAlertSuppressionIsValidatedWhenTheRuleLoads() throws {
        let base = Fixtures.ruleText(id: "bad", query: #"process where true"#)
        let cases: [(String, String)] = [
            ("[rule.alert_suppression]\ngroup_by = []\n", "must list 1 to 3 fields"),
            ("[rule.alert_suppression]\ngroup_by = [\"a\", \"b\", \"c\", \"d\"]\n", "must list 1 to 3 fields"),
            ("[rule.alert_suppression]\ngroup_by = [\"a\"]\nmissing_fields_strategy = \"drop\"\n", "\"suppress\" or \"doNotSuppress\""),
            ("[rule.alert_suppression]\ngroup_by = [\"a\"]\n[rule.alert_suppression.duration]\nvalue = 5\nunit = \"d\"\n", "must be \"s\", \"m\" or \"h\""),
            ("[rule.alert_suppression]\ngroup_by = [\"a\"]\n[rule.alert_suppression.duration]\nvalue = 0\nunit = \"m\"\n", "at least 1"),
        ]
        for (table, message) in cases {
            let directory = NSTemporaryDirectory() + "auspex-suppression-bad-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try (base + "\n" + table).write(toFile: directory + "/bad.toml", atomically: true, encoding: .utf8)
            let load = RuleSet.load(paths: [directory])
            let errors = load.diagnostics.filter { $0.severity == .error }.map(\.description)
            XCTAssertTrue(errors.contains { $0.contains(message) && $0.contains("bad.toml:") }, "\(table): \(errors)")
        }
    }
}
