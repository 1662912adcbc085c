@testable import Alerting
@testable import Detection
import DetectionTestSupport
@testable import EventModel
import PackageTestSupport
import XCTest

/// Elastic detection rules that depend on the Defend (and auditd_manager) file, module and deletion vocabulary,
/// replayed over kernel-format audit logs: each fires on the attack and stays quiet on a close variant.
final class DefendCorpusRuleTests: XCTestCase {
    private typealias Log = AuditLogText

    private func rule(_ file: String) throws -> String {
        try PackagePaths.shared("detection-rules/linux-eql/" + file).path
    }

    private func paths(_ alerts: [Alert]) -> [String] {
        alerts.compactMap { $0.events.first?["file.path"]?.stringValue }
    }

    /// Defend-only `event.action in ("rename", "creation")`: an O_CREAT openat that made the file is a creation.
    func testCronJobCreation() throws {
        let cron = try rule("persistence_cron_job_creation.toml")
        var log = Log()
        log.syscall(Log.openat, exit: 3, args: ["ffffff9c", "7ffd2000", "241", "1b6"], pid: 400, ppid: 399,
                    comm: "bash", exe: "/usr/bin/bash", paths: [("/etc/cron.d/", "PARENT", "040755"),
                                                                ("/etc/cron.d/backdoor", "CREATE", "0100644")])
        // Negatives: the package manager (excluded), and a shell only reading the crontab.
        log.syscall(Log.openat, exit: 3, args: ["ffffff9c", "7ffd2000", "241", "1b6"], pid: 401, ppid: 399,
                    comm: "dpkg", exe: "/usr/bin/dpkg", paths: [("/etc/cron.d/", "PARENT", "040755"),
                                                                ("/etc/cron.d/sysstat", "CREATE", "0100644")])
        log.syscall(Log.openat, exit: 3, args: ["ffffff9c", "7ffd2000", "0", "0"], pid: 400, ppid: 399, comm: "bash",
                    exe: "/usr/bin/bash", paths: [("/etc/crontab", "NORMAL", "0100644")])
        let alerts = try TextReplay.alerts(log.text, rulePaths: [cron])
        XCTAssertEqual(paths(alerts), ["/etc/cron.d/backdoor"])
    }

    /// Defend-only `event.action in ("rename", "creation") and file.path : (…systemd…)`: Defend's file.path of a
    /// rename is the destination, so moving a unit in fires and moving one out does not (with auditd_manager's
    /// convention, the old path, it would be the other way round).
    func testSystemdServiceCreationByRename() throws {
        let service = try rule("persistence_systemd_service_creation.toml")
        var log = Log()
        log.syscall(Log.rename, args: ["7ffd3000", "7ffd4000"], pid: 410, ppid: 399, comm: "mv", exe: "/usr/bin/mv",
                    paths: [("/tmp/", "PARENT", "041777"), ("/etc/systemd/system/", "PARENT", "040755"),
                            ("/tmp/evil.service", "DELETE", "0100644"),
                            ("/etc/systemd/system/evil.service", "CREATE", "0100644")])
        log.syscall(Log.rename, args: ["7ffd3000", "7ffd4000"], pid: 411, ppid: 399, comm: "mv", exe: "/usr/bin/mv",
                    paths: [("/etc/systemd/system/", "PARENT", "040755"), ("/tmp/", "PARENT", "041777"),
                            ("/etc/systemd/system/old.service", "DELETE", "0100644"),
                            ("/tmp/old.service", "CREATE", "0100644")])
        let alerts = try TextReplay.alerts(log.text, rulePaths: [service])
        XCTAssertEqual(alerts.map { $0.events[0]["process.pid"] }, [410])
        XCTAssertEqual(alerts.first?.events[0]["file.name"], "evil.service")
    }

    /// Defend-only `process where event.type == "start" and event.action == "load_module"` with the loader's
    /// arguments (from its exec, through the process table); a modprobe of an excluded protocol module is quiet.
    func testInsmodKernelModuleLoad() throws {
        let insmod = try rule("persistence_insmod_kernel_module_load.toml")
        var log = Log()
        log.syscall(Log.execve, args: ["5600", "5601", "5602", "0"], pid: 420, ppid: 399, comm: "insmod",
                    exe: "/usr/bin/kmod", argv: ["insmod", "/tmp/diamorphine.ko"],
                    paths: [("/usr/sbin/insmod", "NORMAL", "0100755")])
        log.syscall(Log.finitModule, args: ["3", "5581aa", "0"], pid: 420, ppid: 399, comm: "insmod",
                    exe: "/usr/bin/kmod")
        log.syscall(Log.execve, args: ["5600", "5601", "5602", "0"], pid: 421, ppid: 2, comm: "modprobe",
                    exe: "/usr/bin/kmod", argv: ["/sbin/modprobe", "-q", "--", "net-pf-10"],
                    paths: [("/sbin/modprobe", "NORMAL", "0100755")])
        log.syscall(Log.finitModule, args: ["3", "5581aa", "0"], pid: 421, ppid: 2, comm: "modprobe",
                    exe: "/usr/bin/kmod")
        let alerts = try TextReplay.alerts(log.text, rulePaths: [insmod])
        XCTAssertEqual(alerts.map { $0.events[0]["process.pid"] }, [420])
        XCTAssertEqual(alerts.first?.events[0]["auditd.data.syscall"], "finit_module")
    }

    /// auditd_manager `driver where event.action == "loaded-kernel-module" and … user.id != "0"`: the real uid.
    func testKernelDriverLoadByNonRoot() throws {
        let nonRoot = try rule("persistence_kernel_driver_load_by_non_root.toml")
        let any = try rule("persistence_kernel_driver_load.toml")
        var log = Log()
        log.syscall(Log.finitModule, args: ["3", "5581aa", "0"], pid: 430, ppid: 399, uid: 1000, euid: 0,
                    comm: "insmod", exe: "/usr/bin/kmod")
        log.syscall(Log.initModule, args: ["7f00", "1000", "5581aa"], pid: 431, ppid: 399, comm: "insmod",
                    exe: "/usr/bin/kmod")
        let alerts = try TextReplay.alerts(log.text, rulePaths: [nonRoot, any])
        XCTAssertEqual(alerts.of("ba81c182-4287-489d-af4d-8ae834b06040").map { $0.events[0]["process.pid"] }, [430])
        XCTAssertEqual(alerts.of("ba81c182-4287-489d-af4d-8ae834b06040").first?.events[0]["user.id"], "1000")
        XCTAssertEqual(alerts.filter { $0.rule.id != "ba81c182-4287-489d-af4d-8ae834b06040" }.count, 2)
    }

    /// Defend-only deletion rule: only a deletion that happened counts (a refused unlink is no Defend event).
    func testSSLCertificateDeletion() throws {
        let certificates = try rule("defense_evasion_ssl_certificate_deletion.toml")
        var log = Log()
        log.syscall(Log.unlinkat, args: ["ffffff9c", "7ffd5000", "0"], pid: 440, ppid: 399, comm: "rm",
                    exe: "/usr/bin/rm", paths: [("/etc/ssl/certs/", "PARENT", "040755"),
                                                ("/etc/ssl/certs/corp-root.pem", "DELETE", "0100644")])
        log.syscall(Log.unlinkat, success: false, exit: -13, args: ["ffffff9c", "7ffd5000", "0"], pid: 441,
                    ppid: 399, uid: 1000, comm: "rm", exe: "/usr/bin/rm",
                    paths: [("/etc/ssl/certs/", "PARENT", "040755"), ("/etc/ssl/certs/other.pem", "NORMAL", "0100644")])
        log.syscall(Log.unlinkat, args: ["ffffff9c", "7ffd5000", "0"], pid: 442, ppid: 399,
                    comm: "update-ca-certi", exe: "/usr/sbin/update-ca-certificates",
                    paths: [("/etc/ssl/certs/", "PARENT", "040755"), ("/etc/ssl/certs/stale.pem", "DELETE", "0100644")])
        let alerts = try TextReplay.alerts(log.text, rulePaths: [certificates])
        XCTAssertEqual(paths(alerts), ["/etc/ssl/certs/corp-root.pem"])
    }

    /// A rule listing `auditbeat-*` reads audit documents (`event.type == "deletion"` from go-libaudit's table).
    func testLogFilesDeletedInTheAuditView() throws {
        let logs = try rule("defense_evasion_log_files_deleted.toml")
        var log = Log()
        log.syscall(Log.unlink, args: ["7ffd6000"], pid: 450, ppid: 399, comm: "rm", exe: "/usr/bin/rm",
                    paths: [("/var/log/", "PARENT", "040755"), ("/var/log/wtmp", "DELETE", "0100664")])
        log.syscall(Log.unlink, args: ["7ffd6000"], pid: 451, ppid: 399, comm: "gzip", exe: "/usr/bin/gzip",
                    paths: [("/var/log/", "PARENT", "040755"), ("/var/log/syslog", "DELETE", "0100640")])
        log.syscall(Log.unlink, args: ["7ffd6000"], pid: 452, ppid: 399, comm: "rm", exe: "/usr/bin/rm",
                    paths: [("/var/log/", "PARENT", "040755"), ("/var/log/syslog.1", "DELETE", "0100640")])
        let alerts = try TextReplay.alerts(log.text, rulePaths: [logs])
        XCTAssertEqual(paths(alerts), ["/var/log/wtmp"])
    }
}
