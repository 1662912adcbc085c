@testable import Detection
@testable import EQL
@testable import EventModel
@testable import Events
@testable import Rules
import PackageTestSupport
import XCTest

/// Builders shared by the Detection tests.
enum Fixtures {
    /// The package root, from this file's path.
    static var packageRoot: URL { PackagePaths.root }

    /// `../shared`, or a skip when the reference data is absent.
    static func shared(_ relative: String) throws -> String {
        try PackagePaths.shared(relative).path
    }

    static var defaultRulePack: String { packageRoot.appendingPathComponent("etc/auspex/rules.d").path }

    /// Golden files and our own test logs (gzip'd).
    static var goldens: URL { packageRoot.appendingPathComponent("Tests/DetectionTests/Goldens") }

    /// A generated benchmark-style log written by us: 1,000 processes each exec, open a socket and connect, every
    /// 100th a bash UDP reverse shell (kernel record shapes, with EOE as netlink delivers them).
    static func benchmarkLog() throws -> String {
        let result = try Subprocess.run("/bin/gzip", ["-dc", goldens.appendingPathComponent("bench-1000.log.gz").path])
        guard result.status == 0 else { throw FixtureError(message: "gzip -dc bench-1000.log.gz: \(result.stderr)") }
        return result.stdout
    }

    /// Elastic's Linux EQL rules, active and deprecated, loaded once (a skip when the reference data is absent).
    static func corpusReport() throws -> RuleLoadReport {
        guard let corpus else { throw XCTSkip("shared detection-rules corpus not found") }
        return corpus
    }

    private static let corpus: RuleLoadReport? = (try? shared("detection-rules/linux-eql")).map {
        RuleLoader().load(paths: [$0, $0 + "/_deprecated"])
    }

    /// A detection-rules TOML rule around `query`.
    static func ruleText(id: String, name: String = "Test rule", query: String, from: String = "now-9m",
                         index: [String] = ["logs-auditd_manager.auditd-*"], severity: String = "high") -> String {
        """
        [metadata]
        creation_date = "2026/11/22"
        maturity = "production"
        updated_date = "2026/11/22"

        [rule]
        author = ["tests"]
        description = "A rule written by the Daemon tests."
        from = "\(from)"
        index = [\(index.map { "\"\($0)\"" }.joined(separator: ", "))]
        language = "eql"
        license = "Elastic License v2"
        name = "\(name)"
        risk_score = 73
        rule_id = "\(id)"
        severity = "\(severity)"
        tags = ["OS: Linux"]
        type = "eql"
        query = '''
        \(query)
        '''

        [[rule.threat]]
        framework = "MITRE ATT&CK"

        [rule.threat.tactic]
        id = "TA0002"
        name = "Execution"
        reference = "https://attack.mitre.org/tactics/TA0002/"
        """
    }

    /// A parsed rule, failing the test when the text is not a valid rule file.
    static func rule(id: String, name: String = "Test rule", query: String, from: String = "now-9m",
                     index: [String] = ["logs-auditd_manager.auditd-*"], file: String = "test.toml",
                     line: UInt = #line) throws -> LoadedRule {
        let (outcome, diagnostics) = RuleLoader().parse(text: ruleText(id: id, name: name, query: query, from: from,
                                                                       index: index), file: file)
        guard case .loaded(let rule) = outcome else {
            XCTFail("rule did not load: \(diagnostics)", line: line)
            throw XCTSkip("unusable fixture")
        }
        return rule
    }

    /// A document in the normalizer's shape.
    static func document(category: String, type: String, action: String?, pid: Int64, ppid: Int64 = 1,
                         name: String = "bash", extra: [(String, FieldValue)] = []) -> Document {
        var document = Document()
        document.append("event.category", [.string(category)])
        document.append("event.type", [.string(type)])
        if let action { document.append("event.action", .string(action)) }
        document.append("event.outcome", "success")
        document.append("process.pid", .int(pid))
        document.append("process.parent.pid", .int(ppid))
        document.append("process.name", .string(name))
        document.append("host.id", "host-1")
        document.append("host.os.type", "linux")
        for (field, value) in extra { document.append(field, value) }
        return document
    }

    static let seconds: Int64 = 1_000_000_000

    /// Per event, the rule numbers of the matches `engine` (the indexed path) completed.
    static func indexedMatches(_ engine: inout DetectionEngine, _ documents: [(Document, Int64)]) -> [[Int]] {
        var perEvent: [[Int]] = []
        for (serial, (document, timestamp)) in documents.enumerated() {
            var matches: [RuleMatch] = []
            engine.process(document, timestamp: timestamp, serial: UInt32(serial), into: &matches)
            perEvent.append(matches.map(\.rule))
        }
        return perEvent
    }

    /// The reference the rule index is held to: every rule offered every event, as `auspex query` runs a query.
    /// Per event, the rule numbers of the matches it completed.
    static func everyRuleEveryEvent(_ ruleSet: RuleSet, _ documents: [(Document, Int64)]) -> [[Int]] {
        var matchers = ruleSet.rules.map { QueryMatcher(query: $0.query, limits: MatcherLimits(window: $0.lookbackNanos)) }
        var perEvent: [[Int]] = []
        for (ordinal, (document, timestamp)) in documents.enumerated() {
            let event = ruleSet.schema.slotEvent(from: document, timestamp: timestamp,
                                                 tiebreaker: .int(Int64(ordinal)), ordinal: ordinal)
            var rules: [Int] = []
            for index in matchers.indices {
                rules += Array(repeating: index, count: matchers[index].process(event).count)
            }
            perEvent.append(rules)
        }
        return perEvent
    }
}

/// A fixture that could not be made (a failed helper program), with what it said.
struct FixtureError: Error {
    var message: String
}
