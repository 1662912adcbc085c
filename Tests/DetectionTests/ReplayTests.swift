@testable import Alerting
@testable import Detection
@testable import EventModel
@testable import Events
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
@testable import Rules
#endif

final class ReplayTests: XCTestCase {
    private static let elasticUDPRuleID = "a5eb21b7-13cc-4b94-9fe2-29bb2914e037"
    private static let ourUDPRuleID = "286a2362-9c58-4686-9694-29bbce4c34c9"

    private func replay(_ log: String, rules: [String]) throws -> (alerts: [Alert], pipeline: DetectionPipeline) {
        let load = RuleSet.load(paths: rules)
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        var pipeline = DetectionPipeline(ruleSet: load.ruleSet,
                                         settings: PipelineSettings(host: HostInfo(id: "test-host", name: "vm")),
                                         names: StaticNameLookup())
        let descriptor = open(log, O_RDONLY)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var alerts: [Alert] = []
        let outcome = LogReplay.run(descriptor: descriptor, through: &pipeline) { alerts.append($0) }
        XCTAssertNil(outcome.readError)
        return (alerts, pipeline)
    }

    func testSyntheticUDPReverseShellRaisesOurRuleAndTheElasticRule() throws {
        let log = try PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log").path
        let elastic = try PackagePaths.shared("detection-rules/linux-eql/execution_shell_via_udp_cli_utility_linux.toml").path
        let (alerts, pipeline) = try replay(log, rules: [Fixtures.defaultRulePack, elastic])

        XCTAssertEqual(pipeline.counters.malformed, 0)
        for ruleID in [Self.ourUDPRuleID, Self.elasticUDPRuleID] {
            let raised = alerts.filter { $0.rule.id == ruleID }
            XCTAssertEqual(raised.count, 1, "rule \(ruleID)")
            guard let alert = raised.first else { continue }
            // execve → socket → connect of python3 pid 4300, in filter order.
            XCTAssertEqual(alert.events.map { $0["auditd.data.syscall"] }, ["execve", "socket", "connect"])
            XCTAssertEqual(alert.events.last?["destination.ip"], "10.0.0.1")
            XCTAssertEqual(alert.joinKeys, ["test-host", 4300, 4242])
            XCTAssertEqual(alert.host["id"], "test-host")
        }
    }

    func testTheElasticRuleAloneDoesNotFireOnUnrelatedSamples() throws {
        let log = try PackagePaths.shared("audit-samples/laurel/src/testdata/record-connect.txt").path
        let elastic = try PackagePaths.shared("detection-rules/linux-eql/execution_shell_via_udp_cli_utility_linux.toml").path
        let (alerts, pipeline) = try replay(log, rules: [elastic])
        XCTAssertGreaterThan(pipeline.counters.documents, 0)
        XCTAssertEqual(alerts.count, 0)
    }

    func testRuleIndexPatternsChooseTheDocumentConvention() throws {
        let log = try PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log").path
        let query = #"process where event.type == "change" and event.action == "session_id_change" and user.id == "1000""#
        let directory = NSTemporaryDirectory() + "auspex-daemon-tests-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Fixtures.ruleText(id: "defend-view", name: "Defend view", query: query, index: ["logs-endpoint.events.*"])
            .write(toFile: directory + "/defend.toml", atomically: true, encoding: .utf8)
        try Fixtures.ruleText(id: "audit-view", name: "Audit view", query: query,
                              index: ["logs-auditd_manager.auditd-*"])
            .write(toFile: directory + "/audit.toml", atomically: true, encoding: .utf8)
        try Fixtures.ruleText(id: "both-views", name: "Both views", query: query,
                              index: ["logs-endpoint.events.*", "logs-auditd_manager.auditd-*"])
            .write(toFile: directory + "/both.toml", atomically: true, encoding: .utf8)

        let (alerts, _) = try replay(log, rules: [directory])
        // setsid() by pid 4301 is Defend's session_id_change; auditd_manager documents have no action for it. A rule
        // naming both conventions searches both, as in Elastic, and raises once.
        XCTAssertEqual(alerts.map(\.rule.id).sorted(), ["both-views", "defend-view"])
        XCTAssertEqual(alerts.first?.events.first?["process.pid"], 4301)
        XCTAssertEqual(alerts.last?.events.first?["process.pid"], 4301)
    }
}
