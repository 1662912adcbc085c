import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Seed rule 2 live: a root process connects to a test host and then starts a new session → one alert from our
/// pack rule and one from Elastic's unchanged (Defend-vocabulary) rule, joined by `process.entity_id`. The same
/// as an unprivileged uid, or from an excluded executable, raises none.
final class SeedRuleEndToEndTests: XCTestCase {
    static let ourRuleFile = "command_and_control_root_connection_then_new_session.toml"
    static let elasticRuleFile = "detection-rules/linux-eql/_deprecated/command_and_control_connection_attempt_by_non_ssh_root_session.toml"
    static let elasticRuleID = "eb6a3790-d52d-11ec-8ce9-f661ea17fbce"
    static let testAddress = "192.0.2.2"

    private var cleanups: [() -> Void] = []

    override func tearDown() {
        for cleanup in cleanups.reversed() { cleanup() }
        cleanups = []
        super.tearDown()
    }

    func testRootConnectionThenNewSession() throws {
        try Live.requireRootAndTools()
        let binary = try Live.auspexBinary()
        let shared = Live.packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
        let elasticRule = shared + "/" + Self.elasticRuleFile
        guard FileManager.default.fileExists(atPath: elasticRule) else { throw XCTSkip("../shared is absent") }
        let ourRule = Live.packageRoot.appendingPathComponent("etc/auspex/rules.d/" + Self.ourRuleFile).path
        let ourRuleID = try XCTUnwrap(ruleID(in: ourRule))

        let work = NSTemporaryDirectory() + "auspex-seed2-\(getpid())"
        try FileManager.default.createDirectory(atPath: work + "/rules.d", withIntermediateDirectories: true)
        cleanups.append { try? FileManager.default.removeItem(atPath: work) }
        let program = try ConnectThenSetsid.build(in: work)
        try FileManager.default.copyItem(atPath: ourRule, toPath: work + "/rules.d/" + Self.ourRuleFile)
        try "[daemon]\nstate_file = \"\(work)/state.json\"\n".write(toFile: work + "/auspex.toml", atomically: true,
                                                                      encoding: .utf8)

        // The test host: 192.0.2.2/32 on the loopback of a fresh network namespace.
        let namespace = "auspex-seed2-\(getpid())"
        Live.run("/usr/sbin/ip", ["netns", "del", namespace])
        cleanups.append { Live.run("/usr/sbin/ip", ["netns", "del", namespace]) }
        for step in [["netns", "add", namespace], ["-n", namespace, "link", "set", "lo", "up"],
                     ["-n", namespace, "addr", "add", "\(Self.testAddress)/32", "dev", "lo"]]
        where Live.run("/usr/sbin/ip", step).status != 0 {
            throw XCTSkip("cannot create the test network namespace (ip \(step.joined(separator: " ")))")
        }

        try Live.waitForFreeAudit()
        if let journald = try Live.startJournald() {
            cleanups.append {
                kill(journald.processIdentifier, SIGTERM)
                journald.waitUntilExit()
            }
        }
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: binary)
        daemon.arguments = ["run", "--config", work + "/auspex.toml", "--rules", work + "/rules.d",
                            "--rules", elasticRule, "--spool", work + "/spool"]
        let stderrPath = work + "/stderr.log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle(forWritingAtPath: stderrPath)
        try daemon.run()
        let stderr = { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
        cleanups.append { [self] in
            if daemon.isRunning {
                kill(daemon.processIdentifier, SIGTERM)
                if !Live.wait(seconds: 15, { !daemon.isRunning }) { kill(daemon.processIdentifier, SIGKILL) }
                daemon.waitUntilExit()
            }
            XCTAssertEqual(daemon.terminationStatus, 0, "auspex run exit status; stderr:\n\(stderr())")
            XCTAssertEqual(Live.auditRules(key: "auspex"), [], "no auspex audit rule left")
            XCTAssertEqual(Live.auditPID(), 0, "audit pid released")
        }
        XCTAssertTrue(Live.wait(seconds: 20) { stderr().contains("reading the kernel audit stream") || !daemon.isRunning }
                      && daemon.isRunning, "auspex run did not start:\n\(stderr())")

        /// Runs the program (with a command prefix) and returns the pid of the child that connected and setsid'ed.
        func attempt(_ prefix: [String]) throws -> String {
            let (status, output) = Live.run(prefix[0], Array(prefix.dropFirst()) + [Self.testAddress, "9"])
            XCTAssertEqual(status, 0, "\(prefix.joined(separator: " ")) failed (setsid or connect)")
            return try XCTUnwrap(output.split(separator: "\n").last.map(String.init), "child pid printed")
        }
        func alerts(pid: String) -> [[String: Any]] {
            spooledAlerts(in: work + "/spool").filter { alert in
                (alert["events"] as? [[String: Any]] ?? []).contains { event in
                    ((event["process"] as? [String: Any])?["pid"] as? NSNumber)?.stringValue == pid
                }
            }
        }

        // 1. root: one alert from each rule within 2 s, in the spool and in the journal.
        let started = Date()
        let rootChild = try attempt(["/usr/sbin/ip", "netns", "exec", namespace, program])
        let bothFired = Live.wait(seconds: 2) { alerts(pid: rootChild).count >= 2 }
        let latency = Date().timeIntervalSince(started)
        XCTAssertTrue(bothFired, "two alerts within 2 s; stderr:\n\(stderr())")
        usleep(300_000)  // a duplicate would arrive about as fast
        let rootAlerts = alerts(pid: rootChild)
        XCTAssertEqual(rootAlerts.compactMap { ($0["rule"] as? [String: Any])?["id"] as? String }.sorted(),
                       [ourRuleID, Self.elasticRuleID].sorted())
        for alert in rootAlerts {
            let events = alert["events"] as? [[String: Any]] ?? []
            XCTAssertEqual(events.count, 2)
            let ids = events.compactMap { ($0["process"] as? [String: Any])?["entity_id"] as? String }
            XCTAssertEqual(ids.count, 2, "both events carry process.entity_id")
            XCTAssertEqual(Set(ids).count, 1, "connect and setsid are one process instance")
        }
        XCTAssertTrue(Live.wait(seconds: 2) {
            Live.journalEntries(pid: daemon.processIdentifier, field: "AUSPEX_PROCESS_PID", value: rootChild).count == 2
        }, "both alerts in the journal")
        print("seed rule 2: alerts \(Int(latency * 1000)) ms after the program started")

        // 2. The same as nobody: no alert.
        let nobodyChild = try attempt(["/usr/sbin/ip", "netns", "exec", namespace, "/usr/bin/setpriv", "--reuid=65534",
                                       "--regid=65534", "--clear-groups", program])
        // 3. From an excluded executable (the program bind-mounted over /usr/lib/systemd/systemd in a private mount
        //    namespace, so the kernel reports that path): no alert.
        let excludedChild = try attempt(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
            "mount --bind \(program) /usr/lib/systemd/systemd && exec /usr/sbin/ip netns exec \(namespace) /usr/lib/systemd/systemd \"$0\" \"$1\""])
        // A root run after both proves the daemon was still matching while we waited for nothing.
        let lastChild = try attempt(["/usr/sbin/ip", "netns", "exec", namespace, program])
        XCTAssertTrue(Live.wait(seconds: 2) { alerts(pid: lastChild).count >= 2 }, "the daemon still detects")
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

    private func spooledAlerts(in spool: String) -> [[String: Any]] {
        let directory = spool + "/new"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }
}
