import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `auspex run` with a rule on reading one file: the daemon installs a kernel file watch (key `auspex`) instead of
/// auditing the open family host-wide, the rule fires when the file is read, and SIGTERM removes the watch.
/// Needs root and the kernel audit subsystem (run under `flock /tmp/auspex-audit.lock`); skips otherwise.
final class FileWatchLiveTests: XCTestCase {
    static let ruleID = "5ec2e7a0-7a7c-4c11-9a11-0f11e0a7c4e1"

    private var daemon: RunningDaemon?
    private var work: Workdir?
    private var directory: String?

    override func tearDown() {
        if let daemon {
            let status = daemon.stop()
            XCTAssertEqual(status, 0, "auspex run exit status; stderr:\n\(daemon.stderr)")
        }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        work?.remove()
        super.tearDown()
    }

    func testAWatchServesARuleOnReadingAFileAndIsRemovedOnSIGTERM() throws {
        try Harness.requireLiveAudit()
        let binary = try PackagePaths.auspexBinary().path
        try Harness.waitForFreeAudit()
        guard Harness.auditRules(key: "auspex").isEmpty else {
            throw XCTSkip("audit rules keyed auspex are installed already: \(Harness.auditRules(key: "auspex"))")
        }
        var template = Array("/tmp/auspex-watch-XXXXXX".utf8CString)
        let made = try XCTUnwrap(mkdtemp(&template), "mkdtemp")
        let directory = String(cString: made)
        self.directory = directory
        let secret = directory + "/secret"
        try "not for your eyes\n".write(toFile: secret, atomically: true, encoding: .utf8)

        let work = try Workdir()
        self.work = work
        try work.write(rule: """
            [metadata]
            creation_date = "2026/12/05"
            maturity = "production"
            updated_date = "2026/12/05"

            [rule]
            author = ["tests"]
            description = "Reads of a watched test file."
            from = "now-9m"
            index = ["logs-endpoint.events.file-*"]
            language = "eql"
            license = "Elastic License v2"
            name = "Test file read"
            risk_score = 47
            rule_id = "\(Self.ruleID)"
            severity = "medium"
            tags = ["OS: Linux"]
            type = "eql"
            query = '''
            file where event.action == "open" and file.path in ("\(secret)", "\(directory)/other")
            '''

            [[rule.threat]]
            framework = "MITRE ATT&CK"

            [rule.threat.tactic]
            id = "TA0006"
            name = "Credential Access"
            reference = "https://attack.mitre.org/tactics/TA0006/"
            """, as: "read_secret.toml")

        // `auspex check` shows the watches in auditctl syntax and no open-family syscall rule.
        let check = try Subprocess.run(URL(fileURLWithPath: binary),
                                       ["check", "--config", work.config, work.rules])
        XCTAssertTrue(check.stdout.contains("-w \(secret) -p r -k auspex"), check.stdout + check.stderr)
        XCTAssertFalse(check.stdout.split(separator: "\n").contains { $0.contains("-a always,exit") && $0.contains("openat") },
                       check.stdout)

        let daemon = try RunningDaemon(binary: binary, arguments: ["run", "--config", work.config, "--rules", work.rules,
                                                                   "--spool", work.spool],
                                       stderrLog: work.stderrLog)
        self.daemon = daemon
        XCTAssertTrue(daemon.waitUntilReading(), "daemon did not start reading:\n\(daemon.stderr)")

        // The kernel holds the watches (auditctl lists `-w PATH -p r -k auspex`) and no open-family rule of ours.
        let ours = Harness.auditRules(key: "auspex")
        XCTAssertTrue(ours.contains("-w \(secret) -p r -k auspex"), "\(ours)")
        XCTAssertTrue(ours.contains("-w \(directory)/other -p r -k auspex"), "\(ours)")
        XCTAssertFalse(ours.contains { line in
            line.contains(" -S ") && ["open", "openat", "openat2", "creat"].contains { line.contains("-S \($0)") || line.contains(",\($0)") }
        }, "no open-family syscall rule: \(ours)")

        let cat = try Subprocess.run(URL(fileURLWithPath: "/bin/cat"), [secret])
        XCTAssertEqual(cat.status, 0)
        XCTAssertTrue(Harness.wait(seconds: 3) { !alerts(work).isEmpty }, "the rule fired; stderr:\n\(daemon.stderr)")
        let alert = try XCTUnwrap(alerts(work).first)
        let event = try XCTUnwrap(alert.events.first)
        XCTAssertEqual(event.value(at: "file.path") as? String, secret)
        XCTAssertEqual(event.value(at: "process.name") as? String, "cat")
        // The document is the one the syscall rule gave: audit vocabulary, the open's syscall.
        XCTAssertEqual(event.value(at: "event.action") as? String, "opened-file")
        XCTAssertEqual(event.value(at: "auditd.data.syscall") as? String, "openat")

        // Reading another file of the directory raises nothing (not watched, not audited).
        _ = try? Subprocess.run(URL(fileURLWithPath: "/bin/cat"), ["/etc/hostname"])
        usleep(300_000)
        XCTAssertEqual(alerts(work).count, 1, "one alert only")

        XCTAssertEqual(daemon.stop(), 0, "exit status; stderr:\n\(daemon.stderr)")
        self.daemon = nil
        XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "no auspex watch or rule remains")
        XCTAssertEqual(Harness.auditPID(), 0, "the audit pid was released")
    }

    /// A SIGKILLed daemon leaves its watches in the kernel; the next start removes them (leftover cleanup by key),
    /// installs its own, and SIGTERM leaves none.
    func testLeftoverWatchesOfAKilledRunAreRemovedAtTheNextStart() throws {
        try Harness.requireLiveAudit()
        let binary = try PackagePaths.auspexBinary().path
        try Harness.waitForFreeAudit()
        guard Harness.auditRules(key: "auspex").isEmpty else {
            throw XCTSkip("audit rules keyed auspex are installed already: \(Harness.auditRules(key: "auspex"))")
        }
        var template = Array("/tmp/auspex-watch-XXXXXX".utf8CString)
        let directory = String(cString: try XCTUnwrap(mkdtemp(&template), "mkdtemp"))
        self.directory = directory
        let work = try Workdir()
        self.work = work
        try work.write(rule: RuleText.minimal(id: Self.ruleID, name: "reads", index: "logs-endpoint.events.file-*",
            query: #"file where event.action == "open" and file.path == "\#(directory)/secret""#), as: "reads.toml")
        let arguments = ["run", "--config", work.config, "--rules", work.rules, "--spool", work.spool]
        let watch = "-w \(directory)/secret -p r -k auspex"
        try "x\n".write(toFile: directory + "/secret", atomically: true, encoding: .utf8)

        let first = try RunningDaemon(binary: binary, arguments: arguments, stderrLog: work.stderrLog + ".1")
        XCTAssertTrue(first.waitUntilReading(), "first run did not start:\n\(first.stderr)")
        XCTAssertTrue(Harness.auditRules(key: "auspex").contains(watch), "\(Harness.auditRules(key: "auspex"))")
        kill(first.pid, SIGKILL)
        first.process.waitUntilExit()
        XCTAssertTrue(Harness.auditRules(key: "auspex").contains(watch), "the killed run's watch stays in the kernel")
        // The kernel lets go of a dead audit daemon when it next fails to send it a record: read the watched file.
        XCTAssertTrue(Harness.wait(seconds: 10) {
            _ = try? Subprocess.run(URL(fileURLWithPath: "/bin/cat"), [directory + "/secret"])
            return Harness.auditPID() == 0
        }, "the kernel released the audit pid")

        let second = try RunningDaemon(binary: binary, arguments: arguments, stderrLog: work.stderrLog)
        daemon = second
        XCTAssertTrue(second.waitUntilReading(), "second run did not start:\n\(second.stderr)")
        XCTAssertEqual(Harness.auditRules(key: "auspex").filter { $0.hasPrefix("-w ") }, [watch],
                       "the leftover was replaced, not doubled")
        XCTAssertEqual(second.stop(), 0, "exit status; stderr:\n\(second.stderr)")
        daemon = nil
        XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "no auspex watch or rule remains")
        XCTAssertEqual(Harness.auditPID(), 0, "the audit pid was released")
    }

    private func alerts(_ work: Workdir) -> [[String: Any]] {
        work.spooledAlerts().filter { $0.ruleID == Self.ruleID }
    }
}
