@testable import Alerting
@testable import Detection
import DetectionTestSupport
@testable import Rules
import XCTest

/// Rules whose `index` names both audit and Defend indices are evaluated in both views, raising once per match; and
/// `auspex check` names the rules that can never match.
final class MixedIndexTests: XCTestCase {
    static let mixed = ["auditbeat-*", "logs-endpoint.events.*"]

    /// `touch -r /etc/passwd /vmfs/x` run by bash (pid 700).
    private func touchLog() -> String {
        var log = AuditLogText()
        log.syscall(AuditLogText.execve, pid: 700, ppid: 600, comm: "touch", exe: "/usr/bin/touch",
                    argv: ["touch", "-r", "/etc/passwd", "/vmfs/x"],
                    paths: [("/usr/bin/touch", "NORMAL", "0100755")])
        return log.text
    }

    func testAMixedIndexRuleRequiringDefendsExecMatches() throws {
        let alerts = try TextReplay.alerts(touchLog(), rules: [
            (id: "defend-only-action", query: """
                process where event.type == "start" and event.action in ("exec", "exec_event", "start") and
                  process.name == "touch" and process.args == "-r"
                """, index: Self.mixed),
        ])
        XCTAssertEqual(alerts.of("defend-only-action").count, 1)
    }

    func testAnEventMatchingInBothViewsRaisesOnce() throws {
        let alerts = try TextReplay.alerts(touchLog(), rules: [
            (id: "both-actions", query: #"process where event.action in ("exec", "executed") and process.name == "touch""#,
             index: Self.mixed),
            (id: "audit-only", query: #"process where event.action == "exec" and process.name == "touch""#,
             index: ["auditbeat-*"]),
        ])
        XCTAssertEqual(alerts.of("both-actions").count, 1, "one alert, not one per view")
        XCTAssertEqual(alerts.of("audit-only").count, 0, "an audit-only rule keeps audit's vocabulary")
    }

    func testAMixedSequenceMatchingInBothViewsRaisesOnce() throws {
        var log = AuditLogText()
        log.syscall(AuditLogText.execve, pid: 700, ppid: 600, comm: "nc", exe: "/usr/bin/nc",
                    argv: ["nc", "192.0.2.2", "4444"], paths: [("/usr/bin/nc", "NORMAL", "0100755")])
        log.syscall(AuditLogText.connect, exit: 0, args: ["3", "7ffd0000", "10", "0"], pid: 700, ppid: 600,
                    comm: "nc", exe: "/usr/bin/nc", sockaddr: AuditLogText.inet("192.0.2.2", port: 4444))
        let alerts = try TextReplay.alerts(log.text, rules: [
            (id: "seq", query: """
                sequence by process.pid with maxspan=1m
                  [process where event.action in ("exec", "executed") and process.name == "nc"]
                  [network where event.action in ("connection_attempted", "connected-to")]
                """, index: Self.mixed),
            (id: "seq-defend-words", query: """
                sequence by process.pid with maxspan=1m
                  [process where event.action == "exec" and process.name == "nc"]
                  [network where event.action == "connection_attempted"]
                """, index: Self.mixed),
        ])
        XCTAssertEqual(alerts.of("seq").count, 1)
        XCTAssertEqual(alerts.of("seq").first?.events.count, 2)
        XCTAssertEqual(alerts.of("seq-defend-words").count, 1)
    }

    // MARK: - dead rules

    func testRulesRequiringValuesNoViewProducesAreDead() throws {
        let rules = [
            try Fixtures.rule(id: "audit-exec", query: #"process where event.action == "exec""#, index: ["auditbeat-*"]),
            try Fixtures.rule(id: "mixed-exec", query: #"process where event.action == "exec""#, index: Self.mixed),
            try Fixtures.rule(id: "defend-exec", query: #"process where event.action == "exec""#,
                              index: ["logs-endpoint.events.process-*"]),
            try Fixtures.rule(id: "registry", query: #"registry where true"#),
            try Fixtures.rule(id: "type", query: #"process where event.type in ("denied", "allowed")"#),
            try Fixtures.rule(id: "two-types", query: #"iam where event.type == "user" and event.type == "creation""#),
            try Fixtures.rule(id: "env", query: #"process where event.action == "executed" and process.env_vars : "LD_PRELOAD=*""#),
            try Fixtures.rule(id: "not-env", query: #"process where event.action == "executed" and not process.env_vars : "x""#),
            try Fixtures.rule(id: "or-env", query: #"process where process.env_vars : "x" or process.name == "sh""#),
            try Fixtures.rule(id: "dead-stage", query: """
                sequence by process.pid [process where event.action == "executed"] [file where event.action == "teleported"]
                """),
            try Fixtures.rule(id: "dead-until", query: """
                sequence by process.pid [process where event.action == "executed"] until [file where event.action == "teleported"]
                """),
            try Fixtures.rule(id: "dead-missing", query: """
                sequence by process.pid with maxspan=1m [process where event.action == "executed"] ![file where event.action == "teleported"]
                """),
            try Fixtures.rule(id: "sample", query: """
                sample by process.pid [process where event.action == "executed"] [network where event.action == "dns-lookup"]
                """),
        ]
        XCTAssertEqual(DeadRule.find(in: rules).count, 6)
        let reasons = Dictionary(uniqueKeysWithValues: zip(rules.map(\.ruleID), rules.map { rule in
            DeadRule.find(in: [rule]).first?.reason
        }))
        XCTAssertEqual(Set(reasons.filter { $0.value != nil }.keys),
                       ["audit-exec", "registry", "type", "env", "dead-stage", "sample"])
        XCTAssertEqual(reasons["audit-exec"]!, "auditd view: event.action must be exec, which this view never writes")
        XCTAssertEqual(reasons["registry"]!, "auditd view: 'registry where': no registry events in this view")
        XCTAssertEqual(reasons["env"]!, "auditd view: needs 'process.env_vars', which no source produces")
        XCTAssertTrue(reasons["dead-stage"]!!.contains("teleported"), reasons["dead-stage"]!!)
    }

    func testDeadRulesOfTheElasticCorpus() throws {
        let report = try Fixtures.corpusReport()
        let active = report.rules.filter { !$0.file.contains("/_deprecated/") }
        XCTAssertEqual(active.count, 295)
        let before = DeadRule.find(in: active, views: { [SourceView(indexPatterns: $0.index)] })
        let after = DeadRule.find(in: active)
        print("dead rules over \(active.count) active Linux EQL rules: \(before.count) with one view per rule, "
              + "\(after.count) with both views for mixed-index rules")
        for rule in after { print("  \((rule.file as NSString).lastPathComponent): \(rule.reason)") }
        let names = Set(before.map(\.name)).subtracting(after.map(\.name))
        for name in ["SUID/SGID Bit Set", "Attempt to Disable Syslog Service",
                     "Suspicious File Downloaded from Google Drive"] {
            XCTAssertTrue(names.contains(where: { $0.contains(name) }), "\(name) was dead and now lives")
        }
        XCTAssertTrue(Set(after.map(\.name)).isSubset(of: Set(before.map(\.name))))
        // What remains needs data audit cannot give (README "Detection coverage"): container and Kubernetes
        // fields, capabilities, environment variables, HTTP and DNS, SSH logins from auth logs, Defend snapshots.
        XCTAssertEqual(after.count, 52)
        XCTAssertEqual(after.filter { $0.reason.contains("container.id") }.count, 37)
    }
}
