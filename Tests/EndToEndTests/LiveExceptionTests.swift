import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Exception lists in Kibana's format against the real kernel and journald: one executable path excepted from the
/// UDP reverse-shell rule while the same shell elsewhere still alerts; an expired item no longer applies; a
/// malformed list refuses the start and is kept out on reload. Leaves no namespace, process, audit rule or pid.
final class LiveExceptionTests: XCTestCase {
    private var run: LiveRun?

    override func tearDown() {
        run?.finish()
        super.tearDown()
    }

    private static let broken = #"{"item_id":"x","list_id":"auspex-rule-x","type":"simple","entries":[{"field":"process.name","operator":"maybe","type":"match","value":"x"}]}"# + "\n"

    func testAnExceptedExecutableIsSilencedLiveWhileOtherPathsAlert() throws {
        let run = try LiveRun(withHost: true)
        self.run = run
        let binary = URL(fileURLWithPath: run.binary)
        let rule = LiveDaemonTests.ourRuleID
        let work = run.work
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let exceptions = work.root + "/exceptions.d"
        try (try String(contentsOfFile: work.config, encoding: .utf8)
            + "\n[rules]\npaths = [\"\(work.rules)\"]\n[exceptions]\npaths = [\"\(exceptions)\"]\n")
            .write(toFile: work.config, atomically: true, encoding: .utf8)

        // A copy of bash at a temporary path, excepted by process.executable; an expired item for the real bash.
        let copy = work.root + "/tools/bash"
        try FileManager.default.createDirectory(atPath: work.root + "/tools", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/usr/bin/bash", toPath: copy)
        XCTAssertEqual(chmod(copy, 0o755), 0)
        for arguments in [["--field", "process.executable", "--value", copy],
                          ["--field", "process.executable", "--value", "/usr/bin/bash", "--expire-time", "2020-01-01T00:00:00Z"]] {
            let added = try Subprocess.run(binary, ["exception", "add", "--config", work.config, "--rule", rule] + arguments)
            XCTAssertEqual(added.status, 0, added.stderr)
        }

        // A malformed list refuses the start (exit 78) before the kernel is touched.
        try Self.broken.write(toFile: exceptions + "/zz_bad.ndjson", atomically: true, encoding: .utf8)
        try Harness.waitForFreeAudit()
        let refused = try Subprocess.run(binary, ["run", "--config", work.config, "--spool", work.spool, "--no-journald"])
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains(exceptions + "/zz_bad.ndjson:1:"), refused.stderr)
        XCTAssertEqual(Harness.auditPID(), 0)
        try FileManager.default.removeItem(atPath: exceptions + "/zz_bad.ndjson")

        let host = try XCTUnwrap(run.host)
        try Harness.waitForFreeAudit()
        let daemon = try run.start()

        func shells() -> [[String: Any]] { work.spooledAlerts().filter { $0.ruleID == rule } }
        func executables() -> [String] { shells().compactMap { $0.events.first?.value(at: "process.executable") as? String } }
        let udp = "exec 3<>/dev/udp/\(TestHost.address)/4444"

        // The excepted copy first, then the real bash: only the real one alerts (the expired item is ignored).
        XCTAssertEqual(host.exec([copy, "-c", udp]), 0)
        XCTAssertEqual(host.bash(udp), 0)
        XCTAssertTrue(Harness.wait(seconds: 5) { shells().count == 1 }, "the real bash alerted:\n\(daemon.stderr)\n"
            + ((try? String(contentsOfFile: work.root + "/state.json", encoding: .utf8)) ?? ""))
        usleep(300_000)
        XCTAssertEqual(executables(), ["/usr/bin/bash"])
        // The journal may hold entries of an earlier daemon with the same pid: only this run's alert ids count.
        let ids = Set(shells().compactMap { $0.value(at: "event.id") as? String })
        func journal() -> [[String: Any]] {
            Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: rule)
                .filter { ids.contains($0["AUSPEX_ALERT_ID"] as? String ?? "") }
        }
        XCTAssertTrue(Harness.wait(seconds: 3) { journal().count == 1 }, "one journal entry")
        XCTAssertEqual(journal().compactMap { $0["AUSPEX_PROCESS_EXECUTABLE"] as? String }, ["/usr/bin/bash"])
        XCTAssertTrue(Harness.wait(seconds: 3) {
            guard let data = FileManager.default.contents(atPath: work.root + "/state.json"),
                  let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return false }
            return (state.value(at: "exceptions.excepted") as? Int ?? 0) >= 1
        }, "the state file counts the excepted events")

        // A malformed list on SIGHUP: kept out, the running set (with its exceptions) still detects.
        try Self.broken.write(toFile: exceptions + "/zz_bad.ndjson", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        XCTAssertTrue(Harness.wait(seconds: 10) {
            daemon.stderr.contains("exception files have errors; keeping the 1 running rules")
        }, "reload reported the failure:\n\(daemon.stderr)")
        XCTAssertTrue(daemon.stderr.contains("zz_bad.ndjson:1:"), daemon.stderr)
        XCTAssertEqual(host.exec([copy, "-c", udp]), 0)
        XCTAssertEqual(host.bash(udp), 0)
        XCTAssertTrue(Harness.wait(seconds: 5) { shells().count == 2 }, "still detecting after the failed reload:\n"
            + daemon.stderr + "\n" + ((try? String(contentsOfFile: work.root + "/state.json", encoding: .utf8)) ?? ""))
        usleep(300_000)
        XCTAssertEqual(executables(), ["/usr/bin/bash", "/usr/bin/bash"], "the copy is still excepted")
    }
}
