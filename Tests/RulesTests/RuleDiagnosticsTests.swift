import Foundation
import XCTest
@testable import Rules
@testable import Alerting

/// Broken rule files give `file:line:col` diagnostics that point at the problem.
final class RuleDiagnosticsTests: XCTestCase {
    /// A minimal valid EQL rule; `replacing` swaps one line for another to break it in one place.
    static func ruleText(id: String = "9f0c2a52-4d5e-4c1a-9a57-2f1d7c7e0b01", replacing old: String? = nil,
                         with new: String = "") -> String {
        var text = """
        [metadata]
        creation_date = "2026/11/22"
        maturity = "production"

        [rule]
        author = ["auspex tests"]
        description = "A test rule."
        from = "now-9m"
        index = ["logs-auditd_manager.auditd-*"]
        language = "eql"
        name = "Test rule"
        risk_score = 21
        rule_id = "\(id)"
        severity = "low"
        tags = ["OS: Linux"]
        type = "eql"
        query = '''
        process where event.action == "executed"
        '''

        [[rule.threat]]
        framework = "MITRE ATT&CK"

        [rule.threat.tactic]
        id = "TA0002"
        name = "Execution"
        reference = "https://attack.mitre.org/tactics/TA0002/"

        """
        if let old {
            precondition(text.contains(old), "test fixture has no line \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    func load(_ text: String, name: String = "rule.toml") throws -> (RuleFileOutcome, [Diagnostic], String) {
        let directory = try TemporaryDirectory()
        let file = try directory.write(name, text)
        let (outcome, diagnostics) = RuleLoader().loadFile(atPath: file)
        return (outcome, diagnostics, file)
    }

    func testValidFixtureLoads() throws {
        let (outcome, diagnostics, _) = try load(Self.ruleText())
        XCTAssertEqual(diagnostics, [])
        guard case .loaded(let rule) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(rule.queryLocation, SourceLocation(line: 18, column: 1))
        XCTAssertEqual(rule.lookbackSeconds, 540)
        XCTAssertEqual(rule.threat.first?.techniques, [])
    }

    func testSyntaxErrorReportsTOMLPosition() throws {
        let text = Self.ruleText(replacing: "severity = \"low\"", with: "severity = \"low")
        let (outcome, diagnostics, file) = try load(text)
        XCTAssertEqual(outcome, .failed)
        XCTAssertEqual(diagnostics.count, 1)
        let diagnostic = try XCTUnwrap(diagnostics.first)
        XCTAssertEqual(diagnostic.location.line, 14)
        XCTAssertGreaterThan(diagnostic.location.column, 1)
        XCTAssertTrue(diagnostic.description.hasPrefix("\(file):14:"), diagnostic.description)
        XCTAssertTrue(diagnostic.message.hasPrefix("TOML syntax error"), diagnostic.message)
    }

    func testMissingQueryPointsAtRuleTable() throws {
        let text = Self.ruleText(replacing: "query = '''\nprocess where event.action == \"executed\"\n'''\n")
        let (outcome, diagnostics, file) = try load(text)
        XCTAssertEqual(outcome, .failed)
        XCTAssertEqual(diagnostics.map(\.description), ["\(file):5:1: error: missing required key 'query' in [rule]"])
    }

    func testWrongTypesPointAtTheKey() throws {
        var text = Self.ruleText(replacing: "risk_score = 21", with: "risk_score = \"21\"")
        text = text.replacingOccurrences(of: "tags = [\"OS: Linux\"]", with: "tags = \"OS: Linux\"")
        let (outcome, diagnostics, file) = try load(text)
        XCTAssertEqual(outcome, .failed)
        XCTAssertEqual(diagnostics.map(\.description), [
            "\(file):12:1: error: 'rule.risk_score' must be an integer, found a string",
            "\(file):15:1: error: 'rule.tags' must be an array of strings, found a string",
        ])
    }

    func testBadValuesInNestedTables() throws {
        var text = Self.ruleText(replacing: "id = \"TA0002\"", with: "id = 2")
        text = text.replacingOccurrences(of: "severity = \"low\"", with: "severity = \"severe\"")
        text = text.replacingOccurrences(of: "from = \"now-9m\"", with: "from = \"yesterday\"")
        let (_, diagnostics, file) = try load(text)
        XCTAssertEqual(Set(diagnostics.map(\.description)), [
            "\(file):25:1: error: 'rule.threat[0].tactic.id' must be a string, found an integer",
            "\(file):14:1: error: 'rule.severity' must be one of low, medium, high, critical; found \"severe\"",
            "\(file):8:1: error: 'rule.from' must look like \"now-9m\" (units s, m, h, d, w; at most 7 days), found \"yesterday\"",
        ])
    }

    func testKeyLikeTextInsideStringsIsNotMistakenForKeys() throws {
        // A note that contains `query = ...` and `[rule]`-like lines must not move the located query.
        let text = Self.ruleText(replacing: "description = \"A test rule.\"", with: """
            description = \"\"\"
            query = "not this one"
            [rule]
            \"\"\"
            """)
        let (outcome, _, _) = try load(text)
        guard case .loaded(let rule) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(rule.queryLocation, SourceLocation(line: 21, column: 1))
        XCTAssertEqual(rule.description, "query = \"not this one\"\n[rule]\n")
    }

    func testNonEQLRuleIsSkippedWithOneWarning() throws {
        for type in ["query", "new_terms", "threshold", "esql", "machine_learning"] {
            let text = Self.ruleText(replacing: "type = \"eql\"", with: "type = \"\(type)\"")
            let (outcome, diagnostics, file) = try load(text)
            XCTAssertEqual(outcome, .skipped(type: type))
            XCTAssertEqual(diagnostics.map(\.description),
                           ["\(file):16:1: warning: skipping rule of type '\(type)': only EQL rules run in auspex"])
        }
    }

    func testDirectoryLoadSortsFilesAndRejectsDuplicateIDs() throws {
        let directory = try TemporaryDirectory()
        let second = try directory.write("b_second.toml", Self.ruleText())
        let first = try directory.write("a_first.toml", Self.ruleText())
        try directory.write("c_other.toml", Self.ruleText(id: "6d1e0c39-3b7a-4f0e-8d7e-5c3f9a1b2c44"))
        try directory.write("notes.txt", "not a rule")
        try directory.write("d_kql.toml", Self.ruleText(id: "x", replacing: "type = \"eql\"", with: "type = \"query\""))
        let report = RuleLoader().load(paths: [directory.path])
        XCTAssertEqual(report.filesRead, 4)
        XCTAssertEqual(report.rules.map(\.file), [first, directory.path + "/c_other.toml"])
        XCTAssertEqual(report.failedFiles, [second])
        XCTAssertEqual(report.skipped, [SkippedRuleFile(file: directory.path + "/d_kql.toml", type: "query")])
        XCTAssertEqual(report.summary, "4 rule files: 2 EQL rules loaded, 1 skipped (query 1), 1 failed")
        let errors = report.diagnostics.filter { $0.severity == .error }.map(\.description)
        XCTAssertEqual(errors, ["\(second):13:1: error: duplicate rule_id '9f0c2a52-4d5e-4c1a-9a57-2f1d7c7e0b01': "
                                + "already defined in \(first):13:1; this file is ignored"])
    }

    func testUnreadableInputsAreErrorsNotCrashes() throws {
        let directory = try TemporaryDirectory()
        let binary = directory.path + "/binary.toml"
        FileManager.default.createFile(atPath: binary, contents: Data([0x72, 0x75, 0xFF, 0xFE, 0x00, 0x0A]))
        try directory.write("empty.toml", "")
        try directory.write("not_rule.toml", "[something]\nkey = 1\n")
        try directory.write("rule_is_string.toml", "rule = \"x\"\n")
        let report = RuleLoader().load(paths: [directory.path, directory.path + "/missing"])
        XCTAssertEqual(report.rules, [])
        XCTAssertEqual(report.failedFiles.count, 4)
        let messages = report.diagnostics.map(\.description)
        XCTAssertEqual(messages, [
            "\(binary):1:1: error: file is not valid UTF-8",
            "\(directory.path)/empty.toml:1:1: error: missing required table [rule]",
            "\(directory.path)/not_rule.toml:1:1: error: missing required table [rule]",
            "\(directory.path)/rule_is_string.toml:1:1: error: 'rule' must be a table, found a string",
            "\(directory.path)/missing:1:1: error: no such file or directory",
        ])
    }

    func testWindowsLineEndingsKeepPositions() throws {
        let text = Self.ruleText(replacing: "risk_score = 21", with: "risk_score = 210").replacingOccurrences(of: "\n", with: "\r\n")
        let (outcome, diagnostics, file) = try load(text)
        XCTAssertEqual(outcome, .failed)
        XCTAssertEqual(diagnostics.map(\.description), ["\(file):12:1: error: 'rule.risk_score' must be between 0 and 100, found 210"])
    }

    func testOversizedFileIsRefusedBeforeParsing() throws {
        let padding = String(repeating: "# padding\n", count: RuleFileParser.maximumFileBytes / 10 + 1)
        let (outcome, diagnostics, file) = try load(padding + Self.ruleText())
        XCTAssertEqual(outcome, .failed)
        XCTAssertEqual(diagnostics.map(\.description), ["\(file):1:1: error: file is larger than 1048576 bytes; not a rule file"])
    }
}
