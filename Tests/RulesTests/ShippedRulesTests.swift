import Foundation
import PackageTestSupport
import XCTest
@testable import Detection
@testable import EQL
@testable import Rules
@testable import Alerting

/// The default rule pack in etc/auspex/rules.d: our own rules, in detection-rules format, that audit data can serve.
final class ShippedRulesTests: XCTestCase {
    var packPath: String { PackagePaths.root.appendingPathComponent("etc/auspex/rules.d").path }

    func testEveryShippedRuleLoadsCleanly() throws {
        let report = RuleLoader().load(paths: [packPath])
        XCTAssertEqual(report.diagnostics.map(\.description), [])
        XCTAssertEqual(report.skipped, [])
        XCTAssertGreaterThanOrEqual(report.rules.count, 12)
        let riskBySeverity: [RuleSeverity: Int] = [.low: 21, .medium: 47, .high: 73, .critical: 99]
        for rule in report.rules {
            let name = (rule.file as NSString).lastPathComponent
            XCTAssertNotNil(UUID(uuidString: rule.ruleID), "\(name): rule_id is not a UUID")
            XCTAssertEqual(rule.lookbackSeconds, 540, name)
            XCTAssertEqual(rule.index, ["auditbeat-*", "logs-auditd_manager.auditd-*"], name)
            XCTAssertEqual(rule.riskScore, riskBySeverity[rule.severity], name)
            XCTAssertFalse(rule.threat.isEmpty, name)
            XCTAssertTrue(rule.threat.allSatisfy { $0.framework == "MITRE ATT&CK" && !$0.techniques.isEmpty }, name)
            XCTAssertTrue(rule.tags.contains("OS: Linux"), name)
            XCTAssertNotNil(rule.note, name)
            XCTAssertEqual(rule.author, ["auspex"], name)
            // Every tactic tag names a mapped tactic and the other way round.
            let tagged = Set(rule.tags.filter { $0.hasPrefix("Tactic: ") }.map { String($0.dropFirst(8)) })
            XCTAssertEqual(tagged, Set(rule.threat.map(\.tactic.name)), name)
            // Every rule needs at least one syscall the kernel can audit.
            XCTAssertFalse(AuditRuleDerivation.requirements(forQuery: rule.query).syscalls.isEmpty, name)
        }
    }

    func testRuleIDsAreOursNotElastics() throws {
        let elastic = try Corpus.report()
        let elasticIDs = Set(elastic.rules.map(\.ruleID))
        let elasticNames = Set(elastic.rules.map(\.name))
        for rule in RuleLoader().load(paths: [packPath]).rules {
            XCTAssertFalse(elasticIDs.contains(rule.ruleID), rule.file)
            XCTAssertFalse(elasticNames.contains(rule.name), rule.file)
        }
    }

    func testUDPReverseShellCatchesEverySocketFlagVariant() throws {
        let rule = try shipped("command_and_control_udp_reverse_shell.toml")
        let filters = try QueryFacts(query: rule.query).filters
        XCTAssertEqual(filters.map(\.category), ["process", "process", "network"])
        let socketFilter = try XCTUnwrap(filters.first { !$0.testedValues(of: "auditd.data.a1").isEmpty })
        XCTAssertEqual(Set(socketFilter.testedValues(of: "auditd.data.a0")), ["2", "a"])  // AF_INET, AF_INET6
        // SOCK_DGRAM alone and with SOCK_NONBLOCK (0x800) and SOCK_CLOEXEC (0x80000): the CLOEXEC forms are what
        // Python 3 and glibc create, and what a plain `a1 == "2"` misses.
        let sockDgram = 2, nonblock = 0x800, cloexec = 0x80000
        let expected = [sockDgram, sockDgram | nonblock, sockDgram | cloexec, sockDgram | nonblock | cloexec]
            .map { String($0, radix: 16) }
        XCTAssertEqual(Set(socketFilter.testedValues(of: "auditd.data.a1")), Set(expected))
        XCTAssertTrue(rule.query.hasPrefix("sample by host.id, process.pid, process.parent.pid"))
    }

    func testRootConnectionRuleIsASequenceByEntityID() throws {
        let rule = try shipped("command_and_control_root_connection_then_new_session.toml")
        XCTAssertTrue(rule.query.hasPrefix("sequence by process.entity_id with maxspan=1m"))
        XCTAssertEqual(try QueryFacts(query: rule.query).filters.map(\.category), ["network", "process"])
    }

    private func shipped(_ name: String) throws -> LoadedRule {
        let (outcome, diagnostics) = RuleLoader().loadFile(atPath: packPath + "/" + name)
        XCTAssertEqual(diagnostics, [])
        guard case .loaded(let rule) = outcome else { throw XCTSkip("\(name) did not load") }
        return rule
    }
}
