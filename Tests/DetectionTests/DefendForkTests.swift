@testable import Alerting
@testable import AuditRecords
@testable import Detection
import DetectionTestSupport
@testable import EventModel
@testable import Events
import PackageTestSupport
import XCTest

/// Elastic Defend's fork event describes the child (pid, entity id; the caller as parent); auditd_manager's
/// document of the same event describes the caller. Each rule sees its view; the documents stay auditd's.
final class DefendForkTests: XCTestCase {
    private typealias Log = AuditLogText
    private static let defend = ["logs-endpoint.events.*"]
    private static let audit = ["logs-auditd_manager.auditd-*"]
    private static let tcpReverseShellRuleID = "48b3d2e3-f4e8-41e6-95e6-9b2091228db3"

    // `bash -i` (500, parent 400) connects to 192.0.2.2:4444, then forks 501, which runs `id`.
    private static let shell = 500, child = 501, terminal = 400

    private func interactiveShell(_ log: inout Log, pid: Int, ppid: Int) {
        log.syscall(Log.execve, args: ["55d5c0a1b2c0", "55d5c0a1c3d0", "55d5c0a0f1a0", "8"], pid: pid, ppid: ppid,
                    comm: "bash", exe: "/usr/bin/bash", argv: ["bash", "-i"],
                    paths: [("/usr/bin/bash", "NORMAL", "0100755")])
    }

    private func connect(_ log: inout Log, pid: Int, ppid: Int) {
        log.syscall(Log.connect, success: false, exit: -115, args: ["3", "7ffd1000", "10"], pid: pid, ppid: ppid,
                    comm: "bash", exe: "/usr/bin/bash", sockaddr: Log.inet("192.0.2.2", port: 4444))
    }

    /// glibc fork(): clone(SIGCHLD|CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID).
    private func fork(_ log: inout Log, pid: Int, ppid: Int, child: Int) {
        log.syscall(Log.clone, exit: Int64(child), args: ["1200011", "0", "0", "7f00aa"], pid: pid, ppid: ppid,
                    comm: "bash", exe: "/usr/bin/bash")
    }

    private func reverseShell() -> Log {
        var log = Log()
        interactiveShell(&log, pid: Self.shell, ppid: Self.terminal)
        connect(&log, pid: Self.shell, ppid: Self.terminal)
        fork(&log, pid: Self.shell, ppid: Self.terminal, child: Self.child)
        log.syscall(Log.execve, args: ["55d5c0a1b2c0", "55d5c0a1c3d0", "55d5c0a0f1a0", "8"], pid: Self.child,
                    ppid: Self.shell, comm: "id", exe: "/usr/bin/id", argv: ["id"],
                    paths: [("/usr/bin/id", "NORMAL", "0100755")])
        return log
    }

    /// The unchanged corpus rule: [connect by a shell] by process.entity_id → [exec or fork of `bash -i`] by
    /// process.parent.entity_id. The fork joins because its parent is the connecting shell.
    func testTCPReverseShellRuleJoinsTheShellsForkOnParentEntityID() throws {
        let rule = try PackagePaths.shared("detection-rules/linux-eql/execution_shell_via_tcp_cli_utility_linux.toml").path
        let alerts = try TextReplay.alerts(reverseShell().text, rulePaths: [rule]).of(Self.tcpReverseShellRuleID)
        XCTAssertEqual(alerts.count, 1)
        guard let alert = alerts.first, alert.events.count == 2 else { return XCTFail("no two-event alert") }
        let (connect, fork) = (alert.events[0], alert.events[1])
        XCTAssertEqual(connect["process.pid"], .int(Int64(Self.shell)))
        XCTAssertEqual(fork["auditd.data.syscall"], "clone")
        // The alert shows the fork as the rule saw it: the child, with the connecting shell as its parent.
        XCTAssertEqual(fork["process.pid"], .int(Int64(Self.child)))
        XCTAssertEqual(fork["process.parent.pid"], .int(Int64(Self.shell)))
        XCTAssertEqual(fork["process.parent.entity_id"], connect["process.entity_id"])
        XCTAssertNotEqual(fork["process.entity_id"], connect["process.entity_id"])
        XCTAssertEqual(fork["process.parent.args"], ["bash", "-i"])
        XCTAssertEqual(fork["process.args"], ["bash", "-i"], "a fork copies the caller's image and arguments")
        XCTAssertEqual(alert.joinKeys, ["test-host", connect["process.entity_id"]!])
    }

    func testTCPReverseShellRuleIgnoresAForkOfAnUnrelatedShell() throws {
        let rule = try PackagePaths.shared("detection-rules/linux-eql/execution_shell_via_tcp_cli_utility_linux.toml").path
        var log = Log()
        interactiveShell(&log, pid: Self.shell, ppid: Self.terminal)
        interactiveShell(&log, pid: 510, ppid: Self.terminal)
        connect(&log, pid: Self.shell, ppid: Self.terminal)
        fork(&log, pid: 510, ppid: Self.terminal, child: 511)  // another `bash -i`, not the connecting one
        XCTAssertEqual(try TextReplay.alerts(log.text, rulePaths: [rule]).count, 0)
    }

    func testDefendForkEventHasTheChildsPidAndEntityIDAndTheCallerAsParent() throws {
        let fork = #"process where event.action == "fork" and "#
        let alerts = try TextReplay.alerts(reverseShell().text, rules: [
            ("d-child", fork + "process.pid == \(Self.child)", Self.defend),
            ("d-caller", fork + "process.pid == \(Self.shell)", Self.defend),
            ("d-parent", fork + #"process.parent.pid == \#(Self.shell) and process.parent.name == "bash" and "#
                + #"process.parent.args == "-i" and process.name == "bash""#, Self.defend),
            ("d-exec", #"process where event.action == "exec" and process.name == "id""#, Self.defend),
            ("a-caller", #"process where auditd.data.syscall == "clone" and process.pid == \#(Self.shell) and "#
                + "process.parent.pid == \(Self.terminal)", Self.audit),
            ("a-child", #"process where auditd.data.syscall == "clone" and process.pid == \#(Self.child)"#,
             Self.audit),
        ])
        XCTAssertEqual(alerts.of("d-child").count, 1)
        XCTAssertEqual(alerts.of("d-caller").count, 0)
        XCTAssertEqual(alerts.of("d-parent").count, 1)
        XCTAssertEqual(alerts.of("a-caller").count, 1, "the auditd_manager view still describes the caller")
        XCTAssertEqual(alerts.of("a-child").count, 0)
        // The entity id the fork gives the child is the one its own exec carries.
        let forked = alerts.of("d-child").first?.events[0]
        let exec = alerts.of("d-exec").first?.events[0]
        XCTAssertNotNil(forked?["process.entity_id"])
        XCTAssertEqual(forked?["process.entity_id"], exec?["process.entity_id"])
        XCTAssertEqual(forked?["process.parent.entity_id"], exec?["process.parent.entity_id"])
    }

    /// Every parent field the enricher writes comes from the caller on a fork; the child leads no session.
    func testDefendForkParentFieldsAreTheCallersAndTheChildLeadsNothing() throws {
        var log = Log()
        interactiveShell(&log, pid: Self.shell, ppid: Self.terminal)
        log.syscall(112, exit: Int64(Self.shell), pid: Self.shell, ppid: Self.terminal, comm: "bash",
                    exe: "/usr/bin/bash")  // setsid(): the shell leads its session and process group
        fork(&log, pid: Self.shell, ppid: Self.terminal, child: Self.child)
        let parent = #"process.parent.executable == "/usr/bin/bash" and process.parent.command_line == "bash -i" "#
            + #"and process.parent.args_count == 2 and process.parent.working_directory == "/root" and "#
            + #"process.parent.interactive == true and process.parent.user.id == "0" and "#
            + #"process.parent.group.id == "0""#
        let leaders = "process.session_leader.pid == \(Self.shell) and "
            + "process.session_leader.same_as_process == false and process.group_leader.same_as_process == false"
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-parent", #"process where event.action == "fork" and "# + parent, Self.defend),
            ("d-leaders", #"process where event.action == "fork" and "# + leaders, Self.defend),
            ("a-leaders", #"process where auditd.data.syscall == "clone" and "#
                + "process.session_leader.same_as_process == true", Self.audit),
        ])
        XCTAssertEqual(alerts.of("d-parent").count, 1)
        XCTAssertEqual(alerts.of("d-leaders").count, 1)
        XCTAssertEqual(alerts.of("a-leaders").count, 1, "auditd_manager's fork document is the caller, a leader")
        let document = alerts.of("d-leaders").first?.events[0]
        XCTAssertEqual(document?["process.session_leader.same_as_process"], false)
        XCTAssertEqual(document?["process.parent.command_line"], "bash -i")
        XCTAssertEqual(document?["process.parent.interactive"], true)
    }

    /// `auspex events` and auditd-view alerts carry the fork document as before: the caller, no extra field.
    func testAuditdDocumentOfTheForkIsUnchanged() throws {
        let text = reverseShell().text
        var stage = DocumentStage(settings: PipelineSettings(host: HostInfo(id: "test-host", name: "vm")),
                                  names: StaticNameLookup())
        var documents: [Document] = []
        for line in text.split(separator: "\n") {
            guard case .success(let record) = AuditParser.parseLogLine(Array(line.utf8)) else { continue }
            for event in stage.add(record, now: record.timestamp.nanosecondsSinceEpoch) {
                documents += stage.document(for: event).map { [$0] } ?? []
            }
        }
        documents += stage.finish().compactMap { stage.document(for: $0) }
        guard let fork = documents.first(where: { $0["auditd.data.syscall"] == "clone" }),
              let exec = documents.first else { return XCTFail("no fork document") }
        XCTAssertEqual(fork["process.pid"], .int(Int64(Self.shell)))
        XCTAssertEqual(fork["process.parent.pid"], .int(Int64(Self.terminal)))
        XCTAssertEqual(fork["process.entity_id"], exec["process.entity_id"])
        XCTAssertEqual(fork["auditd.data.exit"], "501")
        XCTAssertEqual(fork.fields.map(\.name).filter { !ECSCatalog.canProduce($0) }, [])

        let alerts = try TextReplay.alerts(text, rules: [
            ("a-fork", #"process where auditd.data.syscall == "clone""#, Self.audit),
        ])
        XCTAssertEqual(alerts.first?.events, [fork])
    }

    /// A thread (clone with CLONE_THREAD) is no fork in either view, and a failed fork creates nothing.
    func testThreadsAndFailedForksAreNoDefendFork() throws {
        var log = Log()
        interactiveShell(&log, pid: Self.shell, ppid: Self.terminal)
        log.syscall(Log.clone, exit: 502, args: ["3d0f00", "7f00bb", "7f00cc", "7f00dd"], pid: Self.shell,
                    ppid: Self.terminal, comm: "bash", exe: "/usr/bin/bash")
        log.syscall(Log.clone, success: false, exit: -11, args: ["1200011", "0", "0", "7f00aa"], pid: Self.shell,
                    ppid: Self.terminal, comm: "bash", exe: "/usr/bin/bash")
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-fork", #"process where event.action == "fork""#, Self.defend),
            ("d-clone", #"process where auditd.data.syscall == "clone" and process.pid == \#(Self.shell)"#,
             Self.defend),
        ])
        XCTAssertEqual(alerts.of("d-fork").count, 0)
        XCTAssertEqual(alerts.of("d-clone").count, 2, "non-fork clones keep the caller's pid")
    }
}
