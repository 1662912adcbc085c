@testable import EQL
@testable import Detection
@testable import EventModel
@testable import Rules
import PackageTestSupport
import XCTest

final class RuleSetTests: XCTestCase {
    func testRulesAreIndexedByTheCategoriesOfTheirStages() throws {
        let rules = [
            try Fixtures.rule(id: "r-process", query: #"process where event.action == "executed""#),
            try Fixtures.rule(id: "r-network", query: #"network where destination.port == 4444"#),
            try Fixtures.rule(id: "r-any", query: #"any where process.name == "nc""#),
            try Fixtures.rule(id: "r-seq", query: """
                sequence by process.pid with maxspan=1m
                  [process where event.action == "executed"] [network where event.action == "connected-to"]
                """),
        ]
        let (ruleSet, diagnostics) = RuleSet.compile(rules)
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(ruleSet.rules.map(\.categories), [["process"], ["network"], nil, ["process", "network"]])
        XCTAssertEqual(ruleSet.index.candidates(forCategory: ["process"]), [0, 2, 3])
        XCTAssertEqual(ruleSet.index.candidates(forCategory: "network"), [1, 2, 3])
        XCTAssertEqual(ruleSet.index.candidates(forCategory: ["file"]), [2], "only `any` rules see other categories")
        XCTAssertEqual(ruleSet.index.candidates(forCategory: .null), [2])
        XCTAssertEqual(ruleSet.index.candidates(forCategory: ["process", "network"]), [0, 1, 2, 3], "each rule once")
    }

    func testQueryErrorsAreLocatedInTheRuleFileAndLeaveTheRuleOut() throws {
        let good = try Fixtures.rule(id: "good", query: #"process where process.name == "sh""#)
        let bad = try Fixtures.rule(id: "bad", query: "process where\n  process.name === \"sh\"", file: "bad.toml")
        let (ruleSet, diagnostics) = RuleSet.compile([good, bad])
        XCTAssertEqual(ruleSet.rules.map(\.source.ruleID), ["good"])
        let error = try XCTUnwrap(diagnostics.first)
        XCTAssertEqual(error.severity, .error)
        XCTAssertEqual(error.file, "bad.toml")
        // Query line 2 is one file line below the query's first line; the third '=' is at column 18.
        XCTAssertEqual(error.location, SourceLocation(line: bad.queryLocation.line + 1, column: 18))
    }

    func testFieldsTheAuditSourceNeverProducesAreWarnedAtTheirFirstUse() throws {
        let rule = try Fixtures.rule(id: "parent", query: """
            process where event.action == "executed" and
              process.env_vars == "LD_PRELOAD=x" and dns.question.name != null
            """)
        let (ruleSet, diagnostics) = RuleSet.compile([rule])
        XCTAssertEqual(ruleSet.rules.count, 1, "a warning does not reject the rule")
        XCTAssertEqual(ruleSet.rules[0].query.unknownFields, ["process.env_vars", "dns.question.name"])
        let warning = try XCTUnwrap(diagnostics.first)
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertTrue(warning.message.contains("'process.env_vars', 'dns.question.name'"), warning.message)
        XCTAssertEqual(warning.location, SourceLocation(line: rule.queryLocation.line + 1, column: 3))
    }

    func testAuditRulePlanListsTheSyscallsTheRulesTest() throws {
        let rules = [
            try Fixtures.rule(id: "exec", query: #"process where event.action == "executed""#),
            try Fixtures.rule(id: "socket", query: #"process where auditd.data.syscall == "socket""#),
        ]
        let plan = AuditRulePlan(ruleSet: RuleSet.compile(rules).ruleSet)
        XCTAssertEqual(plan.syscalls, ["execve", "execveat", "socket"])
        XCTAssertEqual(plan.auditctlLines(key: "auspex").first,
                       "-a always,exit -F arch=b64 -S execve,execveat,socket -F key=auspex")
    }

    func testTheDefaultRulePackAndTheElasticCorpusCompile() throws {
        let corpus = try PackagePaths.shared("detection-rules/linux-eql").path
        let load = RuleSet.load(paths: [Fixtures.defaultRulePack, corpus])
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        XCTAssertGreaterThanOrEqual(load.ruleSet.rules.count, 295)
        XCTAssertEqual(load.failedRuleCount, 0)
    }
}
