import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real kernel and journald: one exec with 30 arguments of 64 KiB each (just under ARG_MAX) raises an alert
/// that stays under the alert byte cap, as valid JSON in the spool and valid UTF-8 JSON in journald.
final class LiveAlertLimitsTests: XCTestCase {
    static let ruleID = "5b0f5d32-4a3e-4c38-a7e2-live-alert-limits"

    func testAHugeExecRaisesAnAlertUnderTheByteCap() throws {
        let live = try LiveRun()
        defer { live.finish() }
        let work = live.work
        try work.write(rule: RuleText.minimal(id: Self.ruleID, name: "Huge argument vector",
            index: "logs-auditd_manager.auditd-*",
            query: #"process where event.action == "executed" and process.name == "true" and process.args_count >= 30"#),
            as: "huge.toml")
        let daemon = try live.start()

        // 30 × 64 KiB of multi-byte text (é is two bytes), an empty environment: about 1.9 MiB of ARG_MAX's 2 MiB.
        let argument = String(repeating: "é", count: 32_000) + "tail"
        let run = try Subprocess.run("/usr/bin/env", ["-i", "/bin/true"] + Array(repeating: argument, count: 30))
        XCTAssertEqual(run.status, 0, "the exec itself failed: \(run.stderr)")

        XCTAssertTrue(Harness.wait(seconds: 5) { !self.alertFiles(work).isEmpty },
                      "no alert for the huge exec; stderr:\n\(daemon.stderr)")
        let files = alertFiles(work)
        XCTAssertEqual(files.count, 1)
        let data = try XCTUnwrap(files.first.flatMap { FileManager.default.contents(atPath: $0) })
        XCTAssertLessThanOrEqual(data.count, 64 * 1024, "the spool file is within the 64 KiB alert cap")
        XCTAssertNotNil(String(data: data, encoding: .utf8), "valid UTF-8")
        let alert = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "valid JSON")
        let truncated = (alert["auspex"] as? [String: Any]).flatMap { ($0["alert"] as? [String: Any])?["truncated"] }
        XCTAssertNotNil(truncated, "the alert says what was cut")

        XCTAssertTrue(Harness.wait(seconds: 5) {
            !Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: Self.ruleID).isEmpty
        }, "the alert reached the journal")
        // --all: journalctl's JSON output shows fields over 4 KiB as null without it.
        let journal = try Subprocess.run("/usr/bin/journalctl", ["--no-pager", "--all", "-o", "json", "_PID=\(daemon.pid)",
                                                                 "AUSPEX_RULE_ID=\(Self.ruleID)"])
        let entry = try XCTUnwrap(journal.stdout.split(separator: "\n").first.flatMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        })
        // journalctl writes a field that is not valid UTF-8 as an array of byte values, not as a string.
        let json = try XCTUnwrap(entry["AUSPEX_ALERT_JSON"] as? String, "AUSPEX_ALERT_JSON is text (valid UTF-8)")
        XCTAssertLessThanOrEqual(json.utf8.count, 64 * 1024)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(json.utf8)), "AUSPEX_ALERT_JSON is valid JSON")
    }

    private func alertFiles(_ work: Workdir) -> [String] {
        let directory = work.spool + "/new"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            .map { directory + "/" + $0 }
    }
}
