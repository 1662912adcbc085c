@testable import Alerting
@testable import AuditRecords
@testable import Detection
@testable import EventModel
@testable import Events
import Foundation
import PackageTestSupport
import XCTest

/// Seed rule 2 through the detection pipeline (no kernel): connect then setsid by one root process, joined by the
/// entity id the process table gives both events.
final class SeedRuleReplayTests: XCTestCase {
    private func pipeline() throws -> DetectionPipeline {
        let shared = try PackagePaths.shared().path
        let ours = PackagePaths.root.appendingPathComponent(
            "etc/auspex/rules.d/command_and_control_root_connection_then_new_session.toml").path
        let load = RuleSet.load(paths: [
            shared + "/detection-rules/linux-eql/_deprecated/command_and_control_connection_attempt_by_non_ssh_root_session.toml",
            ours,
        ])
        XCTAssertEqual(load.ruleSet.rules.count, 2, "\(load.diagnostics)")
        return DetectionPipeline(ruleSet: load.ruleSet, settings: PipelineSettings(host: HostInfo(id: "h", name: "h")),
                                 names: StaticNameLookup())
    }

    private func alerts(_ lines: AuditLines) throws -> [Alert] {
        var pipeline = try pipeline()
        var alerts: [Alert] = []
        for line in lines.text.split(separator: "\n") {
            guard case .success(let record) = AuditParser.parseLogLine(Array(line.utf8)) else { continue }
            pipeline.add(record, now: record.timestamp.nanosecondsSinceEpoch, into: &alerts)
        }
        pipeline.finish(into: &alerts)
        return alerts
    }

    /// connect(192.0.2.2) by a root process, then its setsid.
    private func scenario(uid: Int = 0, exe: String = "/usr/bin/python3", sameProcess: Bool = true) -> AuditLines {
        var lines = AuditLines()
        lines.exec(pid: 4300, ppid: 4200, comm: "python3", exe: exe, args: [exe, "-c", "…"], uid: uid)
        lines.syscall(42, pid: 4300, ppid: 4200, exit: -111, success: false, a0: "3", comm: "python3", exe: exe,
                      uid: uid)
        lines.sockaddrForLastEvent(ip: "192.0.2.2", port: 9)
        if !sameProcess {
            lines.fork(pid: 4300, ppid: 4200, child: 4301, comm: "python3", exe: exe, uid: uid)
        }
        lines.setsid(pid: sameProcess ? 4300 : 4301, ppid: sameProcess ? 4200 : 4300, comm: "python3", exe: exe,
                     uid: uid)
        return lines
    }

    func testRootConnectThenSetsidRaisesBothRules() throws {
        let alerts = try alerts(scenario())
        XCTAssertEqual(alerts.map(\.rule.name).count, 2, alerts.map(\.rule.name).description)
        XCTAssertEqual(Set(alerts.map(\.rule.id)).count, 2)
        for alert in alerts {
            let ids = alert.events.compactMap { $0["process.entity_id"]?.stringValue }
            XCTAssertEqual(ids.count, 2)
            XCTAssertEqual(Set(ids).count, 1)
        }
    }

    func testUnprivilegedOrExcludedOrForkedRaiseNothing() throws {
        XCTAssertEqual(try alerts(scenario(uid: 65534)).count, 0, "unprivileged")
        XCTAssertEqual(try alerts(scenario(exe: "/usr/bin/sshpass")).count, 0, "excluded executable")
        XCTAssertEqual(try alerts(scenario(sameProcess: false)).count, 0, "setsid in a forked child: another entity")
    }
}
