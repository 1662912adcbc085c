import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Faults injected into a live `auspex run` (real kernel, real journald): SIGKILL mid-burst, journald stopped, a full
/// spool, netlink overflow, failed reloads. Each test asserts that nothing is lost silently (every failure counted
/// and logged), that detection goes on, and that the daemon recovers when the fault goes away.
final class FaultTests: XCTestCase {
    static let auditingTurnedOffID = "e0629f227e8747f19a4474f193e6f0ff"
    static let replaceAttemptedID = "5c3d82b591084560830c4fdb723d5463"
    private var runs: [LiveRun] = []

    override func tearDown() {
        runs.reversed().forEach { $0.finish() }
        super.tearDown()
    }

    private func live(withHost: Bool = false) throws -> LiveRun {
        let run = try LiveRun(withHost: withHost)
        runs.append(run)
        return run
    }

    private static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    // MARK: SIGKILL

    /// SIGKILL while thousands of alerts are being written: every file in `new/` is complete JSON; the next start
    /// (at once, as systemd's) removes auspex's partial files from `tmp/` (and nothing else), restores the recorded
    /// kernel settings and detects again; a dead daemon's audit pid still registered does not block it.
    func testKillNineDuringABurstLeavesOnlyCompleteAlertsAndTheRestartCleansTmp() throws {
        let run = try live()
        let marker = try MarkerProgram(in: run.work)
        let first = try run.start(MarkerProgram.everyAlert, stderrLog: run.work.stderrLog + ".killed")
        let shells = marker.burst(shells: 4, times: 1000)
        XCTAssertTrue(Harness.wait(seconds: 30) { run.alerts(rule: MarkerProgram.ruleID).count >= 300 },
                      "the burst raised alerts:\n\(first.stderr)")
        kill(first.pid, SIGKILL)
        first.process.waitUntilExit()
        shells.forEach { $0.waitUntilExit() }

        let spool = run.work.spool
        let written = Self.names(in: spool + "/new")
        XCTAssertGreaterThanOrEqual(written.count, 300)
        for name in written {
            let data = try XCTUnwrap(FileManager.default.contents(atPath: spool + "/new/" + name))
            let alert = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            XCTAssertEqual(alert?.ruleID, MarkerProgram.ruleID, "new/\(name) is a complete alert")
        }
        let recorded = FileManager.default.fileExists(atPath: run.work.root + "/kernel-state")
        let leftovers = Self.names(in: spool + "/tmp")
        print("SIGKILL after \(written.count) alert files; \(leftovers.count) partial files in tmp/")
        // A partial file as a crash mid-write leaves it, and a file that is not auspex's.
        try "{\"rule\":".write(toFile: spool + "/tmp/1700000000.000001P1Q1.0badc0de.json", atomically: false, encoding: .utf8)
        try "keep".write(toFile: spool + "/tmp/notes.txt", atomically: false, encoding: .utf8)

        // Restarted at once, as systemd would: whether or not the kernel still has the dead daemon's pid.
        let second = try run.start(MarkerProgram.everyAlert)
        XCTAssertEqual(Self.names(in: spool + "/tmp"), ["notes.txt"], "auspex's partial files removed, others kept")
        XCTAssertEqual(Self.names(in: spool + "/new").count, written.count, "complete alerts kept")
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) { Self.names(in: spool + "/new").count == written.count + 1 },
                      "the restarted daemon detects:\n\(second.stderr)")
        if recorded {
            XCTAssertTrue(second.stderr.contains("previous run did not stop cleanly; restoring the settings it recorded"),
                          second.stderr)
        }

        // A killed daemon's pid stays registered while the kernel has nothing to send it (auditing off: switched
        // off while the daemon is stopped, so it cannot turn it back on). The next start takes over at once.
        kill(second.pid, SIGSTOP)
        XCTAssertEqual(try Subprocess.run("/usr/sbin/auditctl", ["-e", "0"]).status, 0)
        usleep(300_000)  // kauditd hands what it queued to the stopped daemon's socket
        kill(second.pid, SIGKILL)
        second.process.waitUntilExit()
        XCTAssertEqual(Harness.auditPID(), Int(second.pid), "the dead daemon's pid is still registered")
        let third = try run.start(MarkerProgram.everyAlert, stderrLog: run.work.stderrLog + ".third")
        XCTAssertTrue(third.stderr.contains("the audit pid \(second.pid) belongs to no running process"), third.stderr)
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) { Self.names(in: spool + "/new").count == written.count + 2 },
                      "the third daemon detects:\n\(third.stderr)")
        run.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.work.root + "/kernel-state"), "settings restored")
    }

    // MARK: journald

    /// journald stopped mid-run: alerts still reach the spool, the journal failures are counted and logged once;
    /// journald started again gets the next alert.
    func testJournaldStoppedAndRestartedMidRun() throws {
        let run = try live()
        guard run.journald.isOurs else {
            throw XCTSkip("a journald this test did not start is running; it is not ours to stop")
        }
        let marker = try MarkerProgram(in: run.work)
        let daemon = try run.start(MarkerProgram.everyAlert + ["--set", "daemon.loss_alert_interval=60"])
        func journal() -> Int {
            Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: MarkerProgram.ruleID).count
        }
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) { journal() == 1 }, "first alert in the journal")

        run.journald.stop()
        for _ in 0..<3 { marker.run() }
        XCTAssertTrue(Harness.wait(seconds: 3) { run.alerts(rule: MarkerProgram.ruleID).count == 4 },
                      "alerts reach the spool while journald is down")
        XCTAssertTrue(Harness.wait(seconds: 3) { run.counter("sinks.journal.failed") == 3 },
                      "journal failures counted: \(run.state() ?? [:])")
        XCTAssertTrue(Harness.wait(seconds: 2) { daemon.stderr.contains("sink journal: ") }, daemon.stderr)

        // journald's default Audit=no turns kernel auditing off when it starts: auspex turns it back on and says so.
        try run.journald.restart()
        XCTAssertTrue(Harness.wait(seconds: 5) { run.counter("audit.turned_off") == 1 },
                      "auspex noticed auditing turned off:\n\(daemon.stderr)")
        XCTAssertTrue(daemon.stderr.contains("kernel auditing was turned off by another process"), daemon.stderr)
        XCTAssertTrue(Harness.wait(seconds: 3) {
            !Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: Self.auditingTurnedOffID).isEmpty
        }, "the journal warning with its MESSAGE_ID")
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 5) { journal() == 2 }, "delivery resumed:\n\(daemon.stderr)")
        XCTAssertEqual(run.alerts(rule: MarkerProgram.ruleID).count, 5)
        XCTAssertTrue(Harness.wait(seconds: 2) { daemon.stderr.contains("sink journal: writing again (3 failed in all)") },
                      daemon.stderr)
        XCTAssertEqual(daemon.stderr.components(separatedBy: "alert(s) failed to write").count - 1, 1,
                       "one failure line, not one per alert:\n\(daemon.stderr)")
        run.stop()
        XCTAssertTrue(daemon.stderr.contains("  journal: delivered=2 dropped=0 failed=3"), daemon.stderr)
    }

    // MARK: full spool

    /// The spool on a full 1 MiB tmpfs: failures counted and logged once, the journal still gets every alert; once
    /// space returns, alerts land in the spool again.
    func testAFullSpoolIsCountedWhileDetectionGoesOnAndRecovers() throws {
        let run = try live()
        let spool = run.work.spool
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let mounted = try Subprocess.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=1m,mode=0750", "tmpfs", spool])
        guard mounted.status == 0 else { throw XCTSkip("cannot mount a tmpfs: \(mounted.stderr)") }
        run.addCleanup { _ = try? Subprocess.run("/usr/bin/umount", ["-l", spool]) }
        let marker = try MarkerProgram(in: run.work)
        let daemon = try run.start(MarkerProgram.everyAlert + ["--set", "daemon.loss_alert_interval=60"])
        func journal() -> Int {
            Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: MarkerProgram.ruleID).count
        }
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) { run.alerts(rule: MarkerProgram.ruleID).count == 1 })

        // Fill the file system (dd stops at ENOSPC).
        _ = try Subprocess.run("/usr/bin/dd", ["if=/dev/zero", "of=\(spool)/filler", "bs=4k"])
        for _ in 0..<5 { marker.run() }
        XCTAssertTrue(Harness.wait(seconds: 3) { run.counter("sinks.spool.failed") == 5 },
                      "spool failures counted: \(run.state() ?? [:])\n\(daemon.stderr)")
        XCTAssertTrue(Harness.wait(seconds: 3) { journal() == 6 }, "the journal still gets every alert")
        XCTAssertEqual(run.alerts(rule: MarkerProgram.ruleID).count, 1)
        XCTAssertEqual(Self.names(in: spool + "/tmp"), [], "no partial file left in tmp/")
        XCTAssertEqual(daemon.stderr.components(separatedBy: "sink spool: ").count - 1, 1,
                       "one line for five failures:\n\(daemon.stderr)")
        XCTAssertTrue(daemon.stderr.contains("No space left on device"), daemon.stderr)

        try FileManager.default.removeItem(atPath: spool + "/filler")
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) { run.alerts(rule: MarkerProgram.ruleID).count == 2 },
                      "alerts land in the spool again")
        XCTAssertTrue(Harness.wait(seconds: 2) { daemon.stderr.contains("sink spool: writing again (5 failed in all)") },
                      daemon.stderr)
        run.stop()
        XCTAssertTrue(daemon.stderr.contains("  spool: delivered=2 dropped=0 failed=5"), daemon.stderr)
    }

    // MARK: ENOBUFS

    /// A multicast reader with the smallest receive buffer beside an owning daemon, under a burst of execs: the
    /// kernel reports ENOBUFS; it is counted, the reader goes on, and the blind-spot alert and warning say so.
    func testENOBUFSUnderABurstIsCountedAndRaisesTheBlindSpotAlert() throws {
        let owner = try live()
        let marker = try MarkerProgram(in: owner.work)
        try owner.start()
        let listener = try Workdir()
        owner.addCleanup { listener.remove() }
        try FileManager.default.copyItem(atPath: owner.work.rules + "/marker.toml", toPath: listener.rules + "/marker.toml")
        let daemon = try RunningDaemon(binary: owner.binary, arguments: [
            "run", "--config", listener.config, "--rules", listener.rules, "--spool", listener.spool, "--multicast",
            "--set", "audit.receive_buffer_bytes=65536", "--set", "daemon.loss_alert_interval=60",
        ] + MarkerProgram.everyAlert, stderrLog: listener.stderrLog)
        var stopped = false
        owner.addCleanup {
            guard !stopped else { return }
            kill(daemon.pid, SIGCONT)  // a failure between SIGSTOP and SIGCONT must not leave it stopped
            daemon.stop()
        }
        XCTAssertTrue(daemon.waitUntilReading(), daemon.stderr)

        func lossAlerts() -> [[String: Any]] {
            listener.spooledAlerts().filter { $0.value(at: "rule.name") as? String == "auspex lost audit events" }
        }
        // The listener stalls (SIGSTOP, as a starved process would) while a burst of large execs arrives.
        kill(daemon.pid, SIGSTOP)
        marker.burst(shells: 2, times: 50, argumentBytes: 32_000).forEach { $0.waitUntilExit() }
        kill(daemon.pid, SIGCONT)
        XCTAssertTrue(Harness.wait(seconds: 5) { !lossAlerts().isEmpty }, "blind-spot alert")
        let alert = try XCTUnwrap(lossAlerts().first, "no blind-spot alert; stderr:\n\(daemon.stderr)")
        let enobufs = try XCTUnwrap(alert.value(at: "auspex.loss.enobufs") as? Int)
        XCTAssertGreaterThan(enobufs, 0)
        XCTAssertTrue(Harness.wait(seconds: 5) {
            !Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: BlindSpotTests.warningMessageID).isEmpty
        }, "the journal warning")

        // The reader goes on: the next exec still alerts.
        let before = listener.spooledAlerts().filter { $0.ruleID == MarkerProgram.ruleID }.count
        usleep(500_000)
        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) {
            listener.spooledAlerts().filter { $0.ruleID == MarkerProgram.ruleID }.count > before
        }, "the listener still detects")
        stopped = true
        XCTAssertEqual(daemon.stop(), 0, daemon.stderr)
        let summary = daemon.stderr.split(separator: "\n").first { $0.contains("kernel: ") && $0.contains("enobufs ") } ?? ""
        XCTAssertTrue(summary.contains("enobufs ") && !summary.contains("enobufs 0,"), "the exit summary counts ENOBUFS: \(summary)")
        print("ENOBUFS test: \(summary.trimmingCharacters(in: .whitespaces))")
    }

    // MARK: auditd

    /// auditd started while auspex owns the audit socket: the kernel refuses auditd (it exits), auspex keeps the
    /// socket, reports who tried (stderr, a journal warning with its MESSAGE_ID, `audit.replace_attempts`) and
    /// goes on detecting; its stop restores the audit state.
    func testAuditdStartingWhileAuspexOwnsTheSocketIsRefusedAndReported() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/auditd"),
              let conf = try? String(contentsOfFile: "/etc/audit/auditd.conf", encoding: .utf8) else {
            throw XCTSkip("auditd is not installed (make test-deps installs it)")
        }
        let run = try live()
        let marker = try MarkerProgram(in: run.work)
        let daemon = try run.start()
        // auditd with its log in the work directory, so the test leaves nothing in /var/log/audit.
        let directory = run.work.root + "/auditd"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ours = conf.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix("log_file") ? "log_file = \(directory)/audit.log" : String($0)
        }.joined(separator: "\n")
        try ours.write(toFile: directory + "/auditd.conf", atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(directory + "/auditd.conf", 0o640), 0)

        let auditd = Process()
        auditd.executableURL = URL(fileURLWithPath: "/usr/sbin/auditd")
        auditd.arguments = ["-n", "-c", directory]
        auditd.standardOutput = FileHandle.nullDevice
        auditd.standardError = FileHandle.nullDevice
        try auditd.run()
        run.addCleanup {
            if auditd.isRunning { kill(auditd.processIdentifier, SIGTERM) }
            auditd.waitUntilExit()
        }
        XCTAssertTrue(Harness.wait(seconds: 10) { !auditd.isRunning }, "auditd gave up")
        XCTAssertNotEqual(auditd.terminationStatus, 0, "auditd could not register")
        XCTAssertEqual(Harness.auditPID(), Int(daemon.pid), "auspex still owns the audit socket")
        XCTAssertTrue(Harness.wait(seconds: 3) { run.counter("audit.replace_attempts") >= 1 },
                      "counted: \(run.state() ?? [:])\n\(daemon.stderr)")
        XCTAssertTrue(daemon.stderr.contains("another process (pid \(auditd.processIdentifier)"), daemon.stderr)
        XCTAssertTrue(Harness.wait(seconds: 3) {
            !Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: Self.replaceAttemptedID).isEmpty
        }, "the journal warning with its MESSAGE_ID")

        marker.run()
        XCTAssertTrue(Harness.wait(seconds: 3) { run.alerts(rule: MarkerProgram.ruleID).count == 1 },
                      "still detecting:\n\(daemon.stderr)")
        run.stop()
        let summary = daemon.stderr.split(separator: "\n").first { $0.contains("audit state: ") } ?? ""
        XCTAssertTrue(summary.hasSuffix("attempts to take the audit socket") && !summary.contains(" 0 attempts"),
                      "the exit summary counts the attempts: \(summary)")
    }

    // MARK: reload

    /// SIGHUP with a broken rule file, then a broken exception file, then a broken configuration: each time the
    /// running set keeps detecting, the failure is logged and counted (`reload.failures`).
    func testFailedReloadsKeepTheRunningSetAndAreCounted() throws {
        let run = try live(withHost: true)
        let host = try XCTUnwrap(run.host)
        try run.work.addPackRule(LiveDaemonTests.ourRuleFile)
        let exceptions = run.work.root + "/exceptions.d"
        try FileManager.default.createDirectory(atPath: exceptions, withIntermediateDirectories: true)
        let config = try String(contentsOfFile: run.work.config, encoding: .utf8)
            + "\n[exceptions]\npaths = [\"\(exceptions)\"]\n"
        try config.write(toFile: run.work.config, atomically: true, encoding: .utf8)
        let daemon = try run.start()
        let shell = "exec 3<>/dev/udp/\(TestHost.address)/4444"

        let faults: [(name: String, path: String, text: String, logged: String)] = [
            ("rule", run.work.rules + "/zz_broken.toml", "[rule]\nname = \"half\"\nquery = '''process where'''\n",
             "rule(s) failed; keeping the 1 running rules"),
            ("exception", exceptions + "/zz_bad.ndjson", "{\"list_id\": 3\n", "exception files have errors"),
            ("config", run.work.config, config + "\n[daemon]\nno_such_key = 1\n", "the configuration has errors"),
        ]
        for (index, fault) in faults.enumerated() {
            let original = try? String(contentsOfFile: fault.path, encoding: .utf8)
            try fault.text.write(toFile: fault.path, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            XCTAssertTrue(Harness.wait(seconds: 10) {
                daemon.stderr.components(separatedBy: fault.logged).count > 1
            }, "\(fault.name): reload failure logged:\n\(daemon.stderr)")
            XCTAssertTrue(Harness.wait(seconds: 3) { run.counter("reload.failures") == index + 1 },
                          "\(fault.name): counted: \(run.state() ?? [:])")
            XCTAssertEqual(host.bash(shell), 0)
            XCTAssertTrue(Harness.wait(seconds: 3) { run.alerts(rule: LiveDaemonTests.ourRuleID).count == index + 1 },
                          "\(fault.name): still detecting after the failed reload:\n\(daemon.stderr)")
            if let original { try original.write(toFile: fault.path, atomically: true, encoding: .utf8) }
            else { try FileManager.default.removeItem(atPath: fault.path) }
        }
        daemon.signal(SIGHUP)
        XCTAssertTrue(Harness.wait(seconds: 10) { daemon.stderr.contains("reload: 1 rules in force") }, daemon.stderr)
        run.stop()
        XCTAssertTrue(daemon.stderr.contains("  reloads: 3 failed (running set kept)"), daemon.stderr)
    }
}
