import Foundation
import PackageTestSupport
import XCTest
@testable import Rules
@testable import Alerting

/// The loader over Elastic's Linux EQL rules, unchanged: every EQL rule must load.
final class CorpusLoadTests: XCTestCase {
    func testEveryCorpusRuleLoads() throws {
        let active = try Corpus.directory()
        let deprecated = active + "/_deprecated"
        let report = try Corpus.report()
        let errors = report.diagnostics.filter { $0.severity == .error }
        XCTAssertEqual(errors.map(\.description), [])
        XCTAssertEqual(report.failedFiles, [])
        let tomlFiles = try [active, deprecated].flatMap { directory in
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".toml") }
        }
        XCTAssertEqual(report.filesRead, tomlFiles.count)
        XCTAssertEqual(report.rules.count + report.skipped.count, tomlFiles.count)
        // Each skipped file gets exactly one warning, naming its type.
        for skipped in report.skipped {
            let warnings = report.diagnostics.filter { $0.file == skipped.file && $0.severity == .warning }
            XCTAssertEqual(warnings.count, 1)
            XCTAssertTrue(warnings.first?.message.contains("'\(skipped.type)'") ?? false)
        }
        // The located query start holds the query's first line, in every file (the locator is not fooled by the
        // strings, arrays and comments of 320 real files).
        for rule in report.rules {
            let lines = try String(contentsOfFile: rule.file, encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            let firstQueryLine = rule.query.prefix { $0 != "\n" }
            let fileLine = lines[rule.queryLocation.line - 1].dropFirst(rule.queryLocation.column - 1)
            XCTAssertTrue(fileLine.hasPrefix(firstQueryLine), "\(rule.file): query located at \(rule.queryLocation)")
            XCTAssertTrue(lines[rule.ruleIDLocation.line - 1].hasPrefix("rule_id"), "\(rule.file)")
        }
        print("corpus: \(report.summary); \(report.rules.filter(\.isDeprecated).count) deprecated")
    }

    func testSeedRulesAreReadFieldByField() throws {
        let path = try PackagePaths.shared("detection-rules/linux-eql/execution_shell_via_udp_cli_utility_linux.toml").path
        let (outcome, diagnostics) = RuleLoader().loadFile(atPath: path)
        XCTAssertEqual(diagnostics, [])
        guard case .loaded(let rule) = outcome else { return XCTFail("not loaded: \(outcome)") }
        XCTAssertEqual(rule.ruleID, "a5eb21b7-13cc-4b94-9fe2-29bb2914e037")
        XCTAssertEqual(rule.name, "Potential Reverse Shell via UDP")
        XCTAssertEqual(rule.severity, .medium)
        XCTAssertEqual(rule.riskScore, 47)
        XCTAssertEqual(rule.lookbackSeconds, 540)
        XCTAssertEqual(rule.intervalSeconds, RuleDefaults.intervalSeconds)
        XCTAssertEqual(rule.index, ["auditbeat-*", "logs-auditd_manager.auditd-*"])
        XCTAssertTrue(rule.tags.contains("OS: Linux"))
        XCTAssertEqual(rule.metadata.integration, ["auditd_manager"])
        XCTAssertEqual(rule.threat.map(\.tactic.id), ["TA0002", "TA0011"])
        XCTAssertEqual(rule.threat[0].techniques.first?.subtechniques.map(\.id), ["T1059.004", "T1059.006", "T1059.011"])
        XCTAssertEqual(rule.threat[1].techniques.map(\.entry.id), ["T1071", "T1095"])
        XCTAssertTrue(rule.query.hasPrefix("sample by host.id, process.pid, process.parent.pid"))

        // The query's position maps back to the file: find "sample" and "cidrmatch" in the raw text.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(rule.queryIsLiteral)
        XCTAssertTrue(lines[rule.queryLocation.line - 1].hasPrefix("sample by"))
        XCTAssertEqual(rule.queryLocation.column, 1)
        let queryLines = rule.query.split(separator: "\n", omittingEmptySubsequences: false)
        let cidrLine = try XCTUnwrap(queryLines.firstIndex { $0.contains("cidrmatch") })
        let cidrColumn = queryLines[cidrLine].distance(from: queryLines[cidrLine].startIndex,
                                                       to: queryLines[cidrLine].range(of: "cidrmatch")!.lowerBound) + 1
        let mapped = rule.fileLocation(ofQueryLine: cidrLine + 1, column: cidrColumn)
        let fileLine = lines[mapped.line - 1]
        XCTAssertEqual(String(fileLine.dropFirst(mapped.column - 1).prefix(9)), "cidrmatch")

        let deprecated = try PackagePaths.shared(
            "detection-rules/linux-eql/_deprecated/command_and_control_connection_attempt_by_non_ssh_root_session.toml").path
        guard case .loaded(let root) = RuleLoader().loadFile(atPath: deprecated).0 else { return XCTFail("not loaded") }
        XCTAssertTrue(root.isDeprecated)
        XCTAssertEqual(root.metadata.deprecationDate, "2023/07/31")
        XCTAssertEqual(root.falsePositives.count, 1)
        XCTAssertEqual(root.threat.flatMap { $0.techniques.flatMap { $0.subtechniques.map(\.id) } }, ["T1548.003"])
    }
}
