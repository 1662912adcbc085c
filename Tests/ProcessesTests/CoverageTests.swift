@testable import Detection
import Foundation
@testable import Processes
@testable import Rules
import PackageTestSupport
import XCTest

/// `auspex check --coverage` over the Linux EQL corpus, judged against the corpus survey's field tiers.
final class CoverageTests: XCTestCase {
    /// Audit-derivable fields (T1/T2 in the survey) that no producer writes yet, each with the reason.
    static let knownGaps: [String: String] = [
        "process.env_vars": "needs /proc/<pid>/environ at exec time (racy, sensitive); not read",
        "process.thread.capabilities.effective": "needs /proc/<pid>/status at event time; not read",
        "process.thread.capabilities.permitted": "needs /proc/<pid>/status at event time; not read",
        "agent.id": "daemon constant, not stamped on documents yet",
        "host.ip": "daemon constant, not stamped on documents yet",
        "event.code": "record type number, not written by the normalizer",
        "data_stream.namespace": "constant, not written by the normalizer",
    ]

    /// Field → tier ("T1", "T2", "T3") from the field table of shared/spec/rule-corpus.md.
    private func tiers() throws -> [String: String] {
        let text = try String(contentsOfFile: try PackagePaths.shared("spec/rule-corpus.md").path, encoding: .utf8)
        var tiers: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 7, ["T1", "T2", "T3"].contains(cells[5]) else { continue }
            tiers[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[5]
        }
        return tiers
    }

    func testCorpusRulesNeedingOnlyAuditFieldsAreFullyCovered() throws {
        let tiers = try tiers()
        XCTAssertGreaterThan(tiers.count, 80, "field table parsed")
        let directory = try PackagePaths.shared("detection-rules/linux-eql").path
        let report = RuleLoader().load(paths: [directory])
        let coverage = RuleCoverage.of(report.rules)
        XCTAssertGreaterThan(coverage.count, 250)
        var unexpected: [String] = []
        for rule in coverage where rule.level != .all {
            let derivableMissing = rule.missing.filter {
                (tiers[$0] == "T1" || tiers[$0] == "T2") && CoverageTests.knownGaps[$0] == nil
            }
            if !derivableMissing.isEmpty { unexpected.append("\(rule.file): \(derivableMissing)") }
        }
        XCTAssertEqual(unexpected, [], "audit-derivable fields reported missing")
        // Rules needing only derivable fields (known gaps aside) are all "all".
        for rule in coverage {
            let needsOnlyAudit = rule.fields.allSatisfy {
                tiers[$0] == "T1" || tiers[$0] == "T2" || ECSCatalog.canProduce($0)
            } && !rule.fields.contains { CoverageTests.knownGaps[$0] != nil }
            if needsOnlyAudit { XCTAssertEqual(rule.level, .all, rule.file) }
        }
        print(RuleCoverage.summary(coverage))
    }

    func testSeedRulesAreFullyCovered() throws {
        let shared = try PackagePaths.shared().path
        let ours = PackagePaths.root.appendingPathComponent("etc/auspex/rules.d").path
        let report = RuleLoader().load(paths: [
            shared + "/detection-rules/linux-eql/_deprecated/command_and_control_connection_attempt_by_non_ssh_root_session.toml",
            shared + "/detection-rules/linux-eql/execution_shell_via_udp_cli_utility_linux.toml",
            ours,
        ])
        let coverage = RuleCoverage.of(report.rules)
        XCTAssertGreaterThanOrEqual(coverage.count, 3)
        for rule in coverage {
            XCTAssertEqual(rule.level, .all, "\(rule.file) misses \(rule.missing)")
        }
        let elastic = try XCTUnwrap(coverage.first { $0.file.hasSuffix("non_ssh_root_session.toml") })
        XCTAssertEqual(elastic.view, .defend)
        XCTAssertTrue(elastic.fields.contains("process.entity_id"))
    }

    func testLevelsAndSummary() throws {
        let rule = { (query: String) in
            LoadedRuleFixture.rule(query: query)
        }
        let coverage = RuleCoverage.of([
            rule(#"process where process.parent.name == "bash""#),
            rule(#"process where process.parent.name == "bash" and dns.question.name == "x""#),
            rule(#"any where dns.question.name == "x""#),
        ])
        XCTAssertEqual(coverage.map(\.level), [.all, .some, .none], "\(coverage.map(\.fields))")
        XCTAssertEqual(coverage[1].missing, ["dns.question.name"])
        XCTAssertTrue(coverage[1].line.hasPrefix("some "))
        XCTAssertTrue(coverage[1].line.hasSuffix("(missing: dns.question.name)"))
        XCTAssertEqual(RuleCoverage.summary(coverage), "coverage: 1 all, 1 some, 1 none")
    }
}

/// A rule file written to a temporary directory and loaded back (the loader's public path).
enum LoadedRuleFixture {
    static func rule(query: String) -> LoadedRule {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auspex-coverage-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("rule-\(UUID().uuidString).toml").path
        let toml = """
            [metadata]
            creation_date = "2024/01/01"
            maturity = "production"
            updated_date = "2024/01/01"

            [rule]
            author = ["test"]
            description = "test"
            from = "now-9m"
            index = ["logs-endpoint.events.*"]
            language = "eql"
            license = "Elastic License v2"
            name = "test"
            risk_score = 21
            rule_id = "\(UUID().uuidString.lowercased())"
            severity = "low"
            tags = ["OS: Linux"]
            type = "eql"
            query = '''
            \(query)
            '''
            """
        FileManager.default.createFile(atPath: file, contents: Data(toml.utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return RuleLoader().load(paths: [file]).rules[0]
    }
}

/// The audit rules derived for rules that read process-table fields follow the process life cycle.
final class TrackingAuditRuleTests: XCTestCase {
    func testEntityIDRulesAuditTheProcessLifeCycle() {
        let query = """
            sequence by process.entity_id with maxspan=1m
              [network where event.action == "connection_attempted"]
              [process where event.action == "session_id_change"]
            """
        var requirements = AuditRuleDerivation.requirements(forQuery: query)
        requirements.formUnion(AuditRuleDerivation.processTrackingRequirements(forQuery: query))
        for syscall in ["connect", "setsid", "execve", "fork", "vfork", "clone", "clone3", "exit_group"] {
            XCTAssertTrue(requirements.syscalls.contains(syscall), syscall)
        }
    }

    func testParentPidAloneNeedsNoTracking() {
        let requirements = AuditRuleDerivation.processTrackingRequirements(forQuery: """
            network where event.action == "connected-to" and process.parent.pid == 1
            """)
        XCTAssertEqual(requirements.syscalls, [])
    }

    func testOptionalParentNameNeedsTracking() {
        let requirements = AuditRuleDerivation.processTrackingRequirements(forQuery: """
            process where event.action == "exec" and ?process.parent.name == "sshd"
            """)
        XCTAssertTrue(requirements.syscalls.contains("clone"))
        XCTAssertTrue(requirements.syscalls.contains("exit_group"))
    }
}

/// The enricher's names against the normalizer's catalog: shared names are the only overlap, so the enricher
/// appends its own names without looking for them first.
final class ProducedFieldTests: XCTestCase {
    func testOnlySharedNamesOverlapTheNormalizerCatalog() {
        let catalog = Set(ECSCatalog.fields)
        let produced = Set(ProcessEnricher.producedFields)
        XCTAssertEqual(produced.count, ProcessEnricher.producedFields.count, "no duplicates")
        for name in ["process.executable", "process.name", "process.args", "process.working_directory",
                     "process.parent.pid"] {
            XCTAssertTrue(catalog.contains(name), name)
            XCTAssertFalse(produced.contains(name), name)
        }
        XCTAssertTrue(produced.isSubset(of: catalog), "the catalog includes the enricher's fields")
    }
}
