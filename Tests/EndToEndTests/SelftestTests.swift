import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `auspex selftest` against a daemon the test starts (real kernel, journald, spool): every behaviour alerts with
/// the pack's two rules; without the session rule the selftest names the missing alert and fails.
final class SelftestTests: XCTestCase {
    private var journald: Harness.Journald?
    private var work: Workdir?
    private var daemon: RunningDaemon?

    override func tearDown() {
        if let daemon {
            XCTAssertEqual(daemon.stop(), 0, "auspex run exit status; stderr:\n\(daemon.stderr)")
            XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "our audit rules were removed")
        }
        journald?.stop()
        work?.remove()
        super.tearDown()
    }

    private func start(rules: [String]) throws -> Workdir {
        try Harness.requireLiveAudit()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("no python3") }
        let binary = try PackagePaths.auspexBinary().path
        try Harness.waitForFreeAudit()
        journald = try Harness.Journald()
        let work = try Workdir()
        self.work = work
        for rule in rules { try work.addPackRule(rule) }
        let daemon = try RunningDaemon(binary: binary, arguments: ["run", "--config", work.config, "--rules",
                                                                   work.rules, "--spool", work.spool],
                                       stderrLog: work.stderrLog)
        self.daemon = daemon
        XCTAssertTrue(daemon.waitUntilReading(), "daemon did not start reading:\n\(daemon.stderr)")
        return work
    }

    private func selftest(_ work: Workdir) throws -> Subprocess.Result {
        try Subprocess.run(try PackagePaths.auspexBinary(), ["selftest", "--config", work.config, "--spool", work.spool,
                                                             "--timeout", "3"])
    }

    func testEveryBehaviourAlertsInJournalAndSpool() throws {
        let work = try start(rules: ["command_and_control_udp_reverse_shell.toml",
                                     "command_and_control_root_connection_then_new_session.toml"])
        let result = try selftest(work)
        print(result.stdout)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("behaviour") == true, result.stdout)
        for rule in ["Reverse Shell over UDP", "Root Process Connects Out Then Starts a New Session"] {
            let row = lines.first { $0.contains(rule) }
            XCTAssertNotNil(row, result.stdout)
            XCTAssertEqual(row?.components(separatedBy: "  yes").count, 3, "seen in journald and spool: \(row ?? "")")
            XCTAssertTrue(row?.hasSuffix(" ms") == true, row ?? "")
        }
        XCTAssertTrue(result.stdout.contains("selftest: 2 of 2 behaviours alerted"), result.stdout)
        XCTAssertEqual(try Subprocess.run("/usr/sbin/ip", ["netns", "list"]).stdout.contains("auspex-selftest"), false,
                       "the namespace is removed")
    }

    func testAMissingAlertFailsTheSelftest() throws {
        let work = try start(rules: ["command_and_control_udp_reverse_shell.toml"])
        let result = try selftest(work)
        print(result.stdout)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let row = result.stdout.split(separator: "\n").first { $0.contains("Root Process Connects Out") }
        XCTAssertTrue(row?.contains("MISSING") == true, result.stdout)
        XCTAssertTrue(result.stdout.contains("selftest: 1 of 2 behaviours alerted"), result.stdout)
    }
}
