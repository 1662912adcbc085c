import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `auspex run` against the real kernel and a real journald. Serial (XCTest default); each test waits for the
/// audit socket to be free, and leaves no namespace, process, `auspex` audit rule or audit pid behind.
final class LiveDaemonTests: XCTestCase {
    static let ourRuleFile = "command_and_control_udp_reverse_shell.toml"
    static let ourRuleID = "286a2362-9c58-4686-9694-29bbce4c34c9"
    static let elasticRuleFile = "detection-rules/linux-eql/execution_shell_via_udp_cli_utility_linux.toml"
    static let elasticRuleID = "a5eb21b7-13cc-4b94-9fe2-29bb2914e037"

    private var run: LiveRun?

    override func tearDown() {
        run?.finish()
        super.tearDown()
    }

    private func start(packRule: String = ourRuleFile, rules extra: [String] = []) throws
        -> (RunningDaemon, Workdir, TestHost)
    {
        let run = try LiveRun(withHost: true)
        self.run = run
        try run.work.addPackRule(packRule)
        let daemon = try run.start(extra.flatMap { ["--rules", $0] })
        return (daemon, run.work, try XCTUnwrap(run.host))
    }

    private func alerts(in work: Workdir, rule: String) -> [[String: Any]] {
        work.spooledAlerts().filter { $0.ruleID == rule }
    }

    func testUDPReverseShellsAreDetectedLiveInJournalAndSpool() throws {
        let elastic = try PackagePaths.shared(Self.elasticRuleFile).path
        let (daemon, work, host) = try start(rules: [elastic])

        // A bash UDP reverse shell from inside the test host's namespace to its own 192.0.2.2.
        let started = Date()
        XCTAssertEqual(host.bash("exec 3<>/dev/udp/\(TestHost.address)/4444"), 0)
        XCTAssertTrue(Harness.wait(seconds: 2) { alerts(in: work, rule: Self.ourRuleID).count == 1 },
                      "our rule's alert reached the spool within 2 s")
        let latency = Date().timeIntervalSince(started)
        print("end-to-end alert latency (shell exit → spool file): \(Int(latency * 1000)) ms")
        XCTAssertTrue(Harness.wait(seconds: 2) { alerts(in: work, rule: Self.elasticRuleID).count == 1 },
                      "the unchanged Elastic rule fired too")
        XCTAssertTrue(Harness.wait(seconds: 2) {
            Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: Self.ourRuleID).count == 1
        }, "exactly one journal entry for our rule")
        let journal = Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: Self.ourRuleID)
        XCTAssertEqual(journal.first?["SYSLOG_IDENTIFIER"] as? String, "auspex")
        let bashAlert = try XCTUnwrap(alerts(in: work, rule: Self.ourRuleID).first)
        XCTAssertEqual(bashAlert.events.count, 3)
        XCTAssertEqual(bashAlert.events.last?.value(at: "destination.ip") as? String, TestHost.address)

        // The same shell to a loopback address raises nothing.
        _ = try Subprocess.run("/bin/bash", ["-c", "exec 3<>/dev/udp/127.0.0.53/4444"])

        // python3 opens its socket with SOCK_CLOEXEC (a1 = 80002): ours matches, the Elastic rule cannot.
        XCTAssertEqual(host.exec(["/usr/bin/python3", "-c",
            "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(('\(TestHost.address)', 4444))"]), 0)
        XCTAssertTrue(Harness.wait(seconds: 2) { alerts(in: work, rule: Self.ourRuleID).count == 2 },
                      "the python3 shell raised our rule")
        let pythonAlert = try XCTUnwrap(alerts(in: work, rule: Self.ourRuleID).last)
        XCTAssertEqual(pythonAlert.events.dropFirst().first?.value(at: "auditd.data.a1") as? String, "80002")
        usleep(300_000)
        XCTAssertEqual(alerts(in: work, rule: Self.elasticRuleID).count, 1, "the Elastic rule misses SOCK_CLOEXEC")
        let loopback = work.spooledAlerts().filter { alert in
            alert.events.contains { ($0.value(at: "destination.ip") as? String)?.hasPrefix("127.") == true }
        }
        XCTAssertEqual(loopback.count, 0, "no alert for the loopback shell")

        // The live counters (also sent as STATUS=) reach the state file within a status interval.
        XCTAssertTrue(Harness.wait(seconds: 3) {
            guard let data = FileManager.default.contents(atPath: work.root + "/state.json"),
                  let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return false }
            return (state.value(at: "pipeline.alerts") as? Int ?? 0) >= 3
                && (state.value(at: "sinks.spool.delivered") as? Int ?? 0) >= 3
                && state.value(at: "queue.dropped") as? Int == 0
                && (state.value(at: "processes.execs") as? Int ?? 0) >= 1  // the process table's counters
        }, "state file counters")

        // `auspex status` reads the same file and tells a live daemon from a stale file.
        let status = try Subprocess.run(try PackagePaths.auspexBinary(), ["status", "--config", work.config])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.contains("daemon: pid \(daemon.pid) running"), status.stdout)
        XCTAssertTrue(status.stdout.contains("audit pid \(daemon.pid)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("pipeline.alerts: "), status.stdout)
        XCTAssertTrue(status.stdout.contains("processes.forks: "), status.stdout)
    }

    func testReloadKeepsDetectingWhenANewRuleFileIsBroken() throws {
        let (daemon, work, host) = try start()

        // A broken rule file appears; SIGHUP must keep the running rules.
        try work.write(rule: "[rule]\nname = \"half a rule\"\nquery = '''process where'''\n", as: "zz_broken.toml")
        daemon.signal(SIGHUP)
        XCTAssertTrue(Harness.wait(seconds: 10) { daemon.stderr.contains("keeping the 1 running rules") },
                      "reload reported the failure:\n\(daemon.stderr)")
        XCTAssertEqual(host.bash("exec 3<>/dev/udp/\(TestHost.address)/4444"), 0)
        XCTAssertTrue(Harness.wait(seconds: 2) { alerts(in: work, rule: Self.ourRuleID).count == 1 },
                      "still detecting after the failed reload")

        // Fixed: a second valid rule is taken on the next SIGHUP.
        try FileManager.default.removeItem(atPath: work.rules + "/zz_broken.toml")
        let ours = try String(contentsOfFile: work.rules + "/" + Self.ourRuleFile, encoding: .utf8)
        let secondID = "0e0e0e0e-1111-4222-8333-444444444444"
        try work.write(rule: ours.replacingOccurrences(of: Self.ourRuleID, with: secondID), as: "second.toml")
        daemon.signal(SIGHUP)
        XCTAssertTrue(Harness.wait(seconds: 10) { daemon.stderr.contains("reload: 2 rules in force") },
                      "reload took the new rule:\n\(daemon.stderr)")
        usleep(200_000) // the processing thread swaps the rules before its next batch
        XCTAssertEqual(host.bash("exec 3<>/dev/udp/\(TestHost.address)/4444"), 0)
        XCTAssertTrue(Harness.wait(seconds: 2) {
            alerts(in: work, rule: Self.ourRuleID).count == 2 && alerts(in: work, rule: secondID).count == 1
        }, "both rules fire after the reload")

        // The start, the refused reload and the taken one are journal entries with their catalog MESSAGE_IDs.
        for (id, what) in [("e590d8677dfc4f3d9dc68b8a10c45381", "started"), ("ee70b030e58b419f81001aa75e44e5ac", "reload refused"),
                           ("7c405f64f8ff459aa8549b7b845c3556", "reloaded")] {
            XCTAssertTrue(Harness.wait(seconds: 3) {
                Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: id).count == 1
            }, "one \(what) entry in the journal")
        }
        XCTAssertEqual(Harness.journalEntries(pid: daemon.pid, field: "MESSAGE_ID", value: "ee70b030e58b419f81001aa75e44e5ac")
            .first?["PRIORITY"] as? String, "4", "a refused reload is a warning")
    }

    // MARK: seed rule 2

    static let sessionRuleFile = "command_and_control_root_connection_then_new_session.toml"
    static let sessionElasticRuleFile =
        "detection-rules/linux-eql/_deprecated/command_and_control_connection_attempt_by_non_ssh_root_session.toml"
    static let sessionElasticRuleID = "eb6a3790-d52d-11ec-8ce9-f661ea17fbce"

    /// A root process connects to the test host and then starts a new session → one alert from our pack rule and
    /// one from Elastic's unchanged (Defend-vocabulary) rule, joined by `process.entity_id`. The same as an
    /// unprivileged uid, or from an executable the rule excludes, raises none.
    func testRootConnectionThenNewSessionRaisesBothRules() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cc") else { throw XCTSkip("cc is not installed") }
        let elastic = try PackagePaths.shared(Self.sessionElasticRuleFile).path
        let (daemon, work, host) = try start(packRule: Self.sessionRuleFile, rules: [elastic])
        let ourRuleID = try XCTUnwrap(ruleID(in: work.rules + "/" + Self.sessionRuleFile))
        let program = try ConnectThenSetsid.build(in: work.root)

        /// Runs the program (behind `prefix`) and returns the pid of the child that connected and called setsid.
        func attempt(_ prefix: [String]) throws -> String {
            let run = try Subprocess.run(prefix[0], Array(prefix.dropFirst()) + [TestHost.address, "9"])
            XCTAssertEqual(run.status, 0, "\(prefix.joined(separator: " ")) failed (setsid or connect)")
            return try XCTUnwrap(run.stdout.split(separator: "\n").last.map(String.init), "child pid printed")
        }
        func alerts(pid: String) -> [[String: Any]] {
            work.spooledAlerts().filter { alert in
                alert.events.contains { ($0.value(at: "process.pid") as? NSNumber)?.stringValue == pid }
            }
        }
        let inHost = ["/usr/sbin/ip", "netns", "exec", host.namespace]

        // 1. root: one alert from each rule within 2 s, in the spool and in the journal.
        let started = Date()
        let rootChild = try attempt(inHost + [program])
        XCTAssertTrue(Harness.wait(seconds: 2) { alerts(pid: rootChild).count >= 2 },
                      "two alerts within 2 s; stderr:\n\(daemon.stderr)")
        print("seed rule 2: alerts \(Int(Date().timeIntervalSince(started) * 1000)) ms after the program started")
        usleep(300_000)  // a duplicate would arrive about as fast
        let rootAlerts = alerts(pid: rootChild)
        XCTAssertEqual(rootAlerts.compactMap(\.ruleID).sorted(), [ourRuleID, Self.sessionElasticRuleID].sorted())
        for alert in rootAlerts {
            XCTAssertEqual(alert.events.count, 2)
            let ids = alert.events.compactMap { $0.value(at: "process.entity_id") as? String }
            XCTAssertEqual(ids.count, 2, "both events carry process.entity_id")
            XCTAssertEqual(Set(ids).count, 1, "connect and setsid are one process instance")
        }
        // As long as the other journal checks wait: each look is a journalctl run, slow on a loaded machine.
        XCTAssertTrue(Harness.wait(seconds: 5) {
            Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_PROCESS_PID", value: rootChild).count == 2
        }, "both alerts in the journal")

        // 2. The same as nobody: no alert.
        let nobodyChild = try attempt(inHost + ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                                "--clear-groups", program])
        // 3. From an excluded executable (the program bind-mounted over /usr/lib/systemd/systemd in a private mount
        //    namespace, so the kernel reports that path): no alert.
        let excludedChild = try attempt(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
            "mount --bind \(program) /usr/lib/systemd/systemd && exec \(inHost.joined(separator: " ")) /usr/lib/systemd/systemd \"$0\" \"$1\""])
        // A root run after both proves the daemon was still matching while we waited for nothing.
        let lastChild = try attempt(inHost + [program])
        XCTAssertTrue(Harness.wait(seconds: 2) { alerts(pid: lastChild).count >= 2 }, "the daemon still detects")
        XCTAssertEqual(alerts(pid: nobodyChild).count, 0, "unprivileged uid raises nothing")
        XCTAssertEqual(alerts(pid: excludedChild).count, 0, "excluded executable raises nothing")
    }

    private func ruleID(in file: String) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("rule_id") {
            return line.split(separator: "\"").dropFirst().first.map(String.init)
        }
        return nil
    }
}
