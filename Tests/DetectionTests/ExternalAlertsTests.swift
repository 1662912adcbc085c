@testable import Alerting
@testable import Detection
@testable import EventModel
import PackageTestSupport
@testable import Rules
import XCTest

/// Elastic's prebuilt "External Alerts" rule (detection-rules `rules/promotions/external_alerts.toml`) promotes
/// `event.kind: alert` documents shipped into `logs-*`. An auspex alert matches its query, and its severity, risk
/// score and name mappings give back the auspex rule's own severity, risk and name.
final class ExternalAlertsTests: XCTestCase {
    func testAuspexAlertsMatchTheExternalAlertsQueryAndMappings() throws {
        let url = try PackagePaths.shared("detection-rules/promotions/external_alerts.toml")
        let table = try TOMLParser.parse(try String(contentsOf: url, encoding: .utf8)).root
        let rule = try XCTUnwrap(table["rule"]?.table)
        XCTAssertEqual(rule["language"]?.string, "kuery")
        let query = try XCTUnwrap(rule["query"]?.string)
        let indices = rule["index"]?.array?.compactMap(\.string) ?? []
        XCTAssertTrue(indices.contains { KQL.wildcard($0, matches: "logs-auspex.alert-default") },
                      "the data stream auspex alerts are shipped to (logs-auspex.alert-<namespace>) is read: \(indices)")

        let load = RuleSet.load(paths: [Fixtures.defaultRulePack])
        XCTAssertFalse(load.ruleSet.rules.isEmpty)
        let severities = try XCTUnwrap(rule["severity_mapping"]?.array).compactMap(\.table)
        let riskMapping = try XCTUnwrap(rule["risk_score_mapping"]?.array?.first?.table)
        let nameOverride = rule["rule_name_override"]?.string
        var seen = Set<AlertRule.Severity>()
        for compiled in load.ruleSet.rules {
            let alertRule = AlertRule(loaded: compiled.source)
            let event = Document(fields: [("@timestamp", "2026-11-22T01:00:00.5Z"), ("event.kind", "event"),
                                          ("event.module", "auditd"), ("process.pid", 42), ("process.name", "sh"),
                                          ("host.name", "web-1")])
            let alert = AlertLimits().bound(Alert(rule: alertRule, events: [event]))
            let document = Document(flattening: try JSONReader.parse(alert.json))

            XCTAssertTrue(try KQL.matches(query, document), "\(alertRule.name): the query does not promote it")
            // Severity: mappings sorted low → critical, the last one whose integer equals event.severity wins.
            var mapped: String?
            let order = ["low", "medium", "high", "critical"]
            for mapping in severities.sorted(by: {
                order.firstIndex(of: $0["severity"]?.string ?? "") ?? 0 < order.firstIndex(of: $1["severity"]?.string ?? "") ?? 0
            }) {
                guard let field = mapping["field"]?.string, mapping["operator"]?.string == "equals",
                      let value = mapping["value"]?.string.flatMap({ Int64($0) }) else { continue }
                if document[field]?.intValue == value { mapped = mapping["severity"]?.string }
            }
            XCTAssertEqual(mapped, alertRule.severity.rawValue, "\(alertRule.name): severity mapping")
            seen.insert(alertRule.severity)
            // Risk: a number 0–100 in the mapped field.
            let riskField = try XCTUnwrap(riskMapping["field"]?.string)
            XCTAssertEqual(document[riskField]?.intValue, Int64(alertRule.riskScore), "\(alertRule.name): risk mapping")
            // Name: rule_name_override reads a string field: the title.
            if let nameOverride { XCTAssertEqual(document[nameOverride], .string(alertRule.name)) }

            XCTAssertEqual(document["event.module"], "auspex")
            XCTAssertEqual(document["event.dataset"], "auspex.alert")
            XCTAssertEqual(document["event.reason"], .string(alert.reason))
            XCTAssertEqual(document["rule.id"], .string(alertRule.id))
            XCTAssertEqual(document["rule.uuid"], .string(alertRule.id))
            XCTAssertEqual(document["rule.name"], .string(alertRule.name))
            XCTAssertEqual(document["rule.description"], .string(compiled.source.description))
            XCTAssertEqual(document["rule.reference"], compiled.source.references.first.map(FieldValue.string))
            XCTAssertEqual(document["rule.ruleset"], "auspex")
            XCTAssertEqual(document["rule.author"], .array(compiled.source.author.map(FieldValue.string)))
            XCTAssertEqual(document["rule.license"], compiled.source.license.map(FieldValue.string))
            XCTAssertEqual(document["rule.version"], compiled.source.version.map { .int(Int64($0)) })
            XCTAssertEqual(document["process.pid"], 42, "entities of the triggering event at the top level")
        }
        XCTAssertEqual(seen, [.medium, .high], "the shipped pack's severities were all checked")
        for severity in AlertRule.Severity.allCases {
            let value = severities.first { $0["severity"]?.string == severity.rawValue }?["value"]?.string
            XCTAssertEqual(value, String(severity.eventSeverity), "event.severity of \(severity)")
        }

        // Documents of the excluded modules, or not alerts, are not promoted: the evaluator really reads the query.
        XCTAssertFalse(try KQL.matches(query, Document(fields: [("event.kind", "alert"), ("event.module", "endpoint")])))
        XCTAssertFalse(try KQL.matches(query, Document(fields: [("event.kind", "event"), ("event.module", "auspex")])))
    }
}

/// Just enough KQL for promotion rules: `field:value`, `field:(a or b)`, `and`, `or`, `not`, parentheses; values are
/// exact keyword matches (`*` wildcards allowed), a multi-valued field matches when any element does.
enum KQL {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func matches(_ query: String, _ document: Document) throws -> Bool {
        var parser = Parser(tokens: tokens(query), document: document)
        let result = try parser.or()
        guard parser.position == parser.tokens.count else { throw Failure(description: "trailing tokens in \(query)") }
        return result
    }

    static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        func match(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            if p[i] == "*" { return (j...t.count).contains { match(i + 1, $0) } }
            return j < t.count && p[i] == t[j] && match(i + 1, j + 1)
        }
        return match(0, 0)
    }

    private static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace || "():".contains(character) {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if !character.isWhitespace { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private struct Parser {
        let tokens: [String]
        let document: Document
        var position = 0

        mutating func next() -> String? {
            guard position < tokens.count else { return nil }
            defer { position += 1 }
            return tokens[position]
        }
        func peek() -> String? { position < tokens.count ? tokens[position] : nil }

        mutating func or() throws -> Bool {
            var value = try and()
            while peek() == "or" { _ = next(); value = try and() || value }
            return value
        }
        mutating func and() throws -> Bool {
            var value = try unary()
            while peek() == "and" { _ = next(); value = try unary() && value }
            return value
        }
        mutating func unary() throws -> Bool {
            if peek() == "not" { _ = next(); return !(try unary()) }
            if peek() == "(" {
                _ = next()
                let value = try or()
                guard next() == ")" else { throw Failure(description: "missing )") }
                return value
            }
            guard let field = next(), next() == ":" else { throw Failure(description: "expected field:value") }
            let values = try valueList()
            let actual: [FieldValue]
            switch document[field] {
            case .array(let items)?: actual = items
            case let value?: actual = [value]
            case nil: actual = []
            }
            return actual.contains { item in
                guard let text = item.stringValue ?? item.intValue.map(String.init) else { return false }
                return values.contains { KQL.wildcard($0, matches: text) }
            }
        }
        /// `value` or `(a or b or c)`.
        mutating func valueList() throws -> [String] {
            guard peek() == "(" else { return [try value()] }
            _ = next()
            var values = [try value()]
            while peek() == "or" { _ = next(); values.append(try value()) }
            guard next() == ")" else { throw Failure(description: "missing ) in value list") }
            return values
        }
        mutating func value() throws -> String {
            guard let token = next() else { throw Failure(description: "expected a value") }
            return token.hasPrefix("\"") && token.hasSuffix("\"") && token.count >= 2 ? String(token.dropFirst().dropLast()) : token
        }
    }
}
