@testable import Alerting
@testable import AuditNetlink
@testable import Detection
import DetectionTestSupport
@testable import Events
import Foundation
import PackageTestSupport
import XCTest
@testable import Daemon
#if canImport(Glibc)
import Glibc
@testable import Rules
#endif

/// The suppression, rate-limit and exception counters of the daemon reach the state file and the exit summary,
/// per rule and item.
final class GateStatusTests: XCTestCase {
    func testSuppressedRateLimitedAndExceptedAreCountedPerRule() throws {
        var log = AuditLogText()
        for pid in 700..<706 {
            log.syscall(AuditLogText.execve, pid: pid, ppid: 1, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        }
        log.syscall(AuditLogText.execve, pid: 706, ppid: 1, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        let directory = NSTemporaryDirectory() + "auspex-gate-status-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try RuleText.minimal(id: "nc-rule", name: "nc", index: "logs-auditd_manager.auditd-*",
                             query: #"process where process.name == "nc""#).write(toFile: directory + "/rules/nc.toml", atomically: true, encoding: .utf8)
        try """
            {"list_id":"t","type":"detection","name":"t"}
            {"item_id":"pid-706","list_id":"t","type":"simple","entries":[{"field":"process.pid","operator":"included","type":"match","value":"706"}]}

            """.write(toFile: directory + "/t.ndjson", atomically: true, encoding: .utf8)
        try log.text.write(toFile: directory + "/audit.log", atomically: true, encoding: .utf8)
        let load = RuleSet.load(paths: [directory + "/rules"], exceptionPaths: [directory + "/t.ndjson"], attachToAllRules: ["t"])
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        var pipeline = DetectionPipeline(ruleSet: load.ruleSet, settings: PipelineSettings(host: HostInfo(id: "h", name: "vm")),
                                         names: StaticNameLookup())
        var policy = AlertPolicy()
        policy.suppressDuplicates = false
        policy.ratePerMinute = 1
        policy.rateBurst = 2
        var gate = AlertGate(policy: policy)
        let descriptor = open(directory + "/audit.log", O_RDONLY)
        defer { close(descriptor) }
        var delivered = 0
        _ = LogReplay.run(descriptor: descriptor, through: &pipeline, gate: &gate) { _ in delivered += 1 }
        XCTAssertEqual(delivered, 2)

        let status = RunStatus(processor: ProcessorSnapshot(pipeline, gate: gate),
                               queue: .init(accepted: 0, dropped: 0, depth: 0, highWater: 0), receive: .init(),
                               kernelLost: 0, sinks: [], uptimeSeconds: 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        let alerts = try XCTUnwrap(json["alerts"] as? [String: Any])
        XCTAssertEqual(alerts["raised"] as? Int, 6)
        XCTAssertEqual(alerts["passed"] as? Int, 2)
        XCTAssertEqual(alerts["rate_limited"] as? Int, 4)
        let byRule = try XCTUnwrap(alerts["by_rule"] as? [[String: Any]])
        XCTAssertEqual(byRule.first?["rule"] as? String, "nc-rule")
        XCTAssertEqual(byRule.first?["rate_limited"] as? Int, 4)
        let exceptions = try XCTUnwrap(json["exceptions"] as? [String: Any])
        XCTAssertEqual(exceptions["excepted"] as? Int, 1)
        let hits = try XCTUnwrap(exceptions["hits"] as? [[String: Any]])
        XCTAssertEqual(hits.first?["item"] as? String, "t/pid-706")
        XCTAssertEqual(hits.first?["count"] as? Int, 1)
        XCTAssertTrue(status.summary.contains("rate_limited=4"), status.summary)
        XCTAssertTrue(status.summary.contains("1 events kept from rules by exceptions"), status.summary)
    }
}
