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
        let filters = QueryScan.filters(of: try Parser.parse(rule.query))
        XCTAssertEqual(filters.map(\.category), ["process", "process", "network"])
        let socketFilter = try XCTUnwrap(filters.first { $0.condition.referencedFields.contains("auditd.data.a1") })
        XCTAssertEqual(Set(values(of: "auditd.data.a0", in: socketFilter.condition)), ["2", "a"])  // AF_INET, AF_INET6
        // SOCK_DGRAM alone and with SOCK_NONBLOCK (0x800) and SOCK_CLOEXEC (0x80000): the CLOEXEC forms are what
        // Python 3 and glibc create, and what a plain `a1 == "2"` misses.
        let sockDgram = 2, nonblock = 0x800, cloexec = 0x80000
        let expected = [sockDgram, sockDgram | nonblock, sockDgram | cloexec, sockDgram | nonblock | cloexec]
            .map { String($0, radix: 16) }
        XCTAssertEqual(Set(values(of: "auditd.data.a1", in: socketFilter.condition)), Set(expected))
        XCTAssertTrue(rule.query.hasPrefix("sample by host.id, process.pid, process.parent.pid"))
    }

    func testRootConnectionRuleIsASequenceByEntityID() throws {
        let rule = try shipped("command_and_control_root_connection_then_new_session.toml")
        XCTAssertTrue(rule.query.hasPrefix("sequence by process.entity_id with maxspan=1m"))
        XCTAssertEqual(QueryScan.filters(of: try Parser.parse(rule.query)).map(\.category), ["network", "process"])
    }

    private func shipped(_ name: String) throws -> LoadedRule {
        let (outcome, diagnostics) = RuleLoader().loadFile(atPath: packPath + "/" + name)
        XCTAssertEqual(diagnostics, [])
        guard case .loaded(let rule) = outcome else { throw XCTSkip("\(name) did not load") }
        return rule
    }

    /// String values a field is compared with by `==` or `in` anywhere in a condition.
    private func values(of field: String, in condition: Expr) -> [String] {
        func isField(_ expr: Expr) -> Bool {
            if case .field(let name, _) = expr.kind { return name == field }
            return false
        }
        func strings(_ exprs: [Expr]) -> [String] {
            exprs.compactMap { if case .literal(.string(let value)) = $0.kind { return value } else { return nil } }
        }
        switch condition.kind {
        case .and(let left, let right), .or(let left, let right):
            return values(of: field, in: left) + values(of: field, in: right)
        case .not(let inner): return values(of: field, in: inner)
        case .comparison(.equal, let subject, let value) where isField(subject): return strings([value])
        case .membership(_, let subject, let list) where isField(subject): return strings(list)
        default: return []
        }
    }
}
