@testable import Alerting
@testable import Detection
import DetectionTestSupport
@testable import EventModel
import XCTest

/// Issue #5 item 4: one audit event, two conventions. Each rule is compiled with the view its `index` selects
/// (Defend indices alone: Defend; any audit index: auditd_manager) and replayed over kernel-format log text.
final class DefendVocabularyTests: XCTestCase {
    private static let defend = ["logs-endpoint.events.*"]
    private static let audit = ["logs-auditd_manager.auditd-*"]
    private typealias Log = AuditLogText

    private func paths(_ alerts: [Alert], _ field: String = "file.path") -> [String] {
        alerts.compactMap { $0.events.first?[field]?.stringValue }
    }

    func testOpenFamilyIsCreationModificationOrOpenInDefendAndOpenedFileInAudit() throws {
        var log = Log()
        // openat(AT_FDCWD, "/etc/cron.d/job", O_WRONLY|O_CREAT|O_TRUNC): the kernel marks the new name CREATE.
        log.syscall(Log.openat, exit: 3, args: ["ffffff9c", "7ffc1000", "241", "1b6"], pid: 300, ppid: 200,
                    comm: "bash", exe: "/usr/bin/bash",
                    paths: [("/etc/cron.d/", "PARENT", "040755"), ("/etc/cron.d/job", "CREATE", "0100644")])
        // The same flags on a file that exists: a rewrite, no creation.
        log.syscall(Log.openat, exit: 3, args: ["ffffff9c", "7ffc1000", "241", "1b6"], pid: 300, ppid: 200,
                    comm: "bash", exe: "/usr/bin/bash",
                    paths: [("/etc/cron.d/", "PARENT", "040755"), ("/etc/crontab", "NORMAL", "0100644")])
        // open("/etc/shadow", O_RDONLY).
        log.syscall(Log.open, exit: 3, args: ["7ffc1000", "0", "0"], pid: 300, ppid: 200, comm: "cat",
                    exe: "/usr/bin/cat", paths: [("/etc/shadow", "NORMAL", "0100640")])
        // creat() that made a file, and an O_CREAT open that failed (EACCES): Defend reports neither failure.
        log.syscall(Log.creat, exit: 4, args: ["7ffc1000", "1a4"], pid: 300, ppid: 200, comm: "bash",
                    exe: "/usr/bin/bash", paths: [("/tmp/", "PARENT", "041777"), ("/tmp/new.sh", "CREATE", "0100644")])
        log.syscall(Log.openat, success: false, exit: -13, args: ["ffffff9c", "7ffc1000", "241", "1b6"], pid: 300,
                    ppid: 200, comm: "bash", exe: "/usr/bin/bash", paths: [("/etc/", "PARENT", "040755")])

        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-creation", #"file where event.action == "creation" and event.type == "creation""#, Self.defend),
            ("d-modification", #"file where event.action == "modification" and event.type == "change""#, Self.defend),
            ("d-open", #"file where event.action == "open""#, Self.defend),
            ("a-opened", #"file where event.action == "opened-file""#, Self.audit),
            ("a-creation", #"file where event.type == "creation""#, Self.audit),
        ])
        XCTAssertEqual(paths(alerts.of("d-creation")), ["/etc/cron.d/job", "/tmp/new.sh"])
        XCTAssertEqual(paths(alerts.of("d-modification")), ["/etc/crontab"])
        XCTAssertEqual(paths(alerts.of("d-open")), ["/etc/shadow"])
        // auditd_manager: every open family call is opened-file, failures included; only creat() is a creation.
        XCTAssertEqual(alerts.of("a-opened").count, 5)
        XCTAssertEqual(paths(alerts.of("a-creation")), ["/tmp/new.sh"])
    }

    func testRenameShowsTheNewPathToDefendAndTheOldOneToAudit() throws {
        var log = Log()
        log.syscall(Log.renameat2, args: ["ffffff9c", "7ffc1000", "ffffff9c", "7ffc2000"], pid: 310, ppid: 200,
                    comm: "mv", exe: "/usr/bin/mv", paths: [
                        ("/tmp/", "PARENT", "041777"), ("/etc/systemd/system/", "PARENT", "040755"),
                        ("/tmp/x.service", "DELETE", "0100644"), ("/etc/systemd/system/x.service", "CREATE", "0100644"),
                    ])
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-new", #"file where event.action == "rename" and file.path == "/etc/systemd/system/x.service" "#
                + #"and file.Ext.original.path == "/tmp/x.service""#, Self.defend),
            ("d-old", #"file where event.action == "rename" and file.path == "/tmp/x.service""#, Self.defend),
            ("a-old", #"file where event.action == "renamed" and file.path == "/tmp/x.service""#, Self.audit),
            ("a-new", #"file where event.action == "renamed" and file.path == "/etc/systemd/system/x.service""#,
             Self.audit),
        ])
        XCTAssertEqual(Set(alerts.map(\.rule.id)), ["d-new", "a-old"])
        // The alert carries the normalized document (auditd_manager shape) whichever view matched.
        XCTAssertEqual(paths(alerts.of("d-new")), ["/tmp/x.service"])
    }

    func testDeletionIsReportedByDefendOnlyWhenItSucceeded() throws {
        var log = Log()
        log.syscall(Log.unlinkat, args: ["ffffff9c", "7ffc1000", "0"], pid: 320, ppid: 200, comm: "rm",
                    exe: "/usr/bin/rm",
                    paths: [("/var/log/", "PARENT", "040755"), ("/var/log/wtmp", "DELETE", "0100664")])
        log.syscall(Log.unlink, success: false, exit: -13, args: ["7ffc1000"], pid: 321, ppid: 200, uid: 1000,
                    comm: "rm", exe: "/usr/bin/rm", paths: [("/var/log/", "PARENT", "040755"),
                                                            ("/var/log/btmp", "NORMAL", "0100660")])
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-deletion", #"file where event.action == "deletion" and event.type == "deletion""#, Self.defend),
            ("d-type", #"file where event.type == "deletion""#, Self.defend),
            ("a-deleted", #"file where event.action == "deleted""#, Self.audit),
            ("a-type", #"file where event.type == "deletion""#, Self.audit),
        ])
        XCTAssertEqual(paths(alerts.of("d-deletion")), ["/var/log/wtmp"])
        XCTAssertEqual(paths(alerts.of("d-type")), ["/var/log/wtmp"], "a refused unlink deleted nothing")
        XCTAssertEqual(alerts.of("a-type").count, 2)
        XCTAssertEqual(alerts.of("a-deleted").count, 2, "auditd_manager keeps the failed attempt")
    }

    func testForksButNotThreadsStartProcessesInDefendAndExitGroupEndsThem() throws {
        var log = Log()
        log.syscall(Log.execve, args: ["55d5c0a1b2c0", "55d5c0a1c3d0", "55d5c0a0f1a0", "8"], pid: 330, ppid: 200,
                    comm: "bash", exe: "/usr/bin/bash", argv: ["bash", "-i"],
                    paths: [("/usr/bin/bash", "NORMAL", "0100755")])
        // fork() in glibc: clone(SIGCHLD|CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID) → child 331.
        log.syscall(Log.clone, exit: 331, args: ["1200011", "0", "0", "7f00aa"], pid: 330, ppid: 200, comm: "bash",
                    exe: "/usr/bin/bash")
        // pthread_create's clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|…): a thread, no process.
        log.syscall(Log.clone, exit: 332, args: ["3d0f00", "7f00bb", "7f00cc", "7f00dd"], pid: 330, ppid: 200,
                    comm: "bash", exe: "/usr/bin/bash")
        log.syscall(Log.exitGroup, args: ["0"], pid: 330, ppid: 200, comm: "bash", exe: "/usr/bin/bash")
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-start", #"process where event.type == "start" and event.action in ("exec", "fork")"#, Self.defend),
            ("d-end", #"process where event.type == "end" and event.action == "end""#, Self.defend),
            ("a-fork", #"process where event.type == "start" and event.action == "fork""#, Self.audit),
            ("a-end", #"process where event.type == "end" and event.action == "end""#, Self.audit),
        ])
        XCTAssertEqual(alerts.of("d-start").map { $0.events[0]["auditd.data.syscall"] }, ["execve", "clone"])
        XCTAssertEqual(alerts.of("d-start").last?.events[0]["auditd.data.exit"], "331")
        XCTAssertEqual(alerts.of("d-end").count, 1)
        XCTAssertEqual(alerts.of("a-end").count, 1, "go-libaudit also names exit_group \"end\"")
        XCTAssertEqual(alerts.of("a-fork").count, 0, "auditd_manager has no fork action")
    }

    func testSetuidFamilyIsUidOrGidChangeAndUserIDFollowsEachConvention() throws {
        var log = Log()
        // A set-uid-root helper (uid 1000, euid 0) calling setuid(0), then setgid(0).
        log.syscall(Log.setuid, args: ["0"], pid: 340, ppid: 200, uid: 1000, euid: 0, comm: "exploit",
                    exe: "/tmp/exploit")
        log.syscall(Log.setgid, args: ["0"], pid: 340, ppid: 200, uid: 1000, euid: 0, comm: "exploit",
                    exe: "/tmp/exploit")
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-uid", #"process where event.action == "uid_change" and event.type == "change" and user.id == "0""#,
             Self.defend),
            ("d-gid", #"process where event.action == "gid_change" and event.type == "change""#, Self.defend),
            ("a-root", #"process where event.action == "changed-identity-of" and user.id == "0""#, Self.audit),
            ("a-user", #"process where event.action == "changed-identity-of" and user.id == "1000""#, Self.audit),
        ])
        XCTAssertEqual(alerts.of("d-uid").map { $0.events[0]["auditd.data.syscall"] }, ["setuid"])
        XCTAssertEqual(alerts.of("d-gid").map { $0.events[0]["auditd.data.syscall"] }, ["setgid"])
        XCTAssertEqual(alerts.of("a-root").count, 0, "auditd_manager's user.id is the real uid")
        XCTAssertEqual(alerts.of("a-user").count, 2)
    }

    func testModuleLoadIsADefendProcessEventAndAnAuditDriverEvent() throws {
        var log = Log()
        log.syscall(Log.finitModule, args: ["3", "5581aa", "0"], pid: 350, ppid: 200, comm: "insmod",
                    exe: "/usr/bin/kmod")
        log.syscall(Log.initModule, success: false, exit: -1, args: ["7f00", "1000", "5581aa"], pid: 351, ppid: 200,
                    comm: "insmod", exe: "/usr/bin/kmod")
        let alerts = try TextReplay.alerts(log.text, rules: [
            ("d-load", #"process where event.type == "start" and event.action == "load_module""#, Self.defend),
            ("d-driver", #"driver where event.action == "load_module""#, Self.defend),
            ("a-load", #"driver where event.action == "loaded-kernel-module""#, Self.audit),
        ])
        XCTAssertEqual(alerts.of("d-load").map { $0.events[0]["process.pid"] }, [350])
        XCTAssertEqual(alerts.of("d-driver").count, 0, "Defend reports module loads as process events")
        XCTAssertEqual(alerts.of("a-load").count, 2, "auditd_manager keeps the failed load")
    }
}
