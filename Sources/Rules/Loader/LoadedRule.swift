import Alerting

/// An EQL detection rule read from an elastic/detection-rules TOML file, validated but not yet compiled.
///
/// The query stays text here: the EQL compiler is wired in by the daemon. `queryLocation` lets it report EQL errors
/// against the rule file (`file:line:col`) through ``fileLocation(ofQueryLine:column:)``.
public struct LoadedRule: Sendable, Hashable {
    /// The file the rule came from, as given to the loader.
    public var file: String
    public var ruleID: String
    /// Where `rule_id` is written, for duplicate-id diagnostics.
    var ruleIDLocation: SourceLocation
    public var name: String
    var description: String
    var severity: RuleSeverity
    /// 0–100, as Kibana uses it.
    var riskScore: Int
    /// Always `eql`: other rule types are skipped by the loader.
    var type: String
    var language: String
    public var query: String
    /// Where the first character of `query` sits in `file`.
    public var queryLocation: SourceLocation
    /// True when the query came from a multi-line literal string (`'''`): every query line maps 1:1 to a file line.
    /// Basic strings may contain escapes, so columns there are exact only up to the first escape on a line.
    var queryIsLiteral: Bool
    public var index: [String]
    /// Seconds of history the rule looks at, from `from` (`now-9m` → 540). See ``RuleDefaults``.
    public var lookbackSeconds: Int
    /// Seconds between two scheduled runs in Kibana, from `interval`; informative for a streaming engine.
    var intervalSeconds: Int
    var tags: [String]
    var references: [String]
    var falsePositives: [String]
    var note: String?
    var setup: String?
    var author: [String]
    var license: String?
    var version: Int?
    var maxSignals: Int?
    var timestampOverride: String?
    /// `default` for building-block rules, whose alerts are hidden by default in Kibana.
    var buildingBlockType: String?
    /// The `[[rule.threat]]` entries, as alerts carry them.
    var threat: [AlertRule.Threat]
    var metadata: RuleMetadata
    /// `[rule.alert_suppression]`: `group_by` 1–3 fields, `duration` (the rule's `interval` when absent: a
    /// streaming engine's stand-in for Kibana's per-execution suppression), `missing_fields_strategy`.
    var alertSuppression: AlertSuppression? = nil
    /// `[[rule.exceptions_list]]`: the `list_id`s of the exception lists attached to the rule.
    var exceptionLists: [String] = []

    /// Maps a 1-based line and column inside `query` (as the EQL parser reports them) to the rule file.
    public func fileLocation(ofQueryLine line: Int, column: Int) -> SourceLocation {
        if line <= 1 {
            return SourceLocation(line: queryLocation.line, column: queryLocation.column + max(column, 1) - 1)
        }
        return SourceLocation(line: queryLocation.line + line - 1, column: column)
    }

    /// True for rules Elastic moved to `_deprecated` (`maturity = "deprecated"`).
    var isDeprecated: Bool { metadata.maturity == "deprecated" }
}

extension AlertRule {
    /// The alert metadata of a loaded rule (id, name, severity, risk, tags, MITRE mappings, version, description, references, author, license, suppression).
    public init(loaded rule: LoadedRule) {
        self.init(id: rule.ruleID, name: rule.name, severity: rule.severity,
                  riskScore: rule.riskScore, tags: rule.tags, threats: rule.threat, version: rule.version,
                  description: rule.description, references: rule.references, author: rule.author,
                  license: rule.license, suppression: rule.alertSuppression)
    }
}

/// Kibana's four severities, in increasing order: the one severity type, which alerts carry too (Alerting does not
/// depend on the loader, so the type lives there).
typealias RuleSeverity = AlertRule.Severity

/// The `[metadata]` table. Dates stay as written (`YYYY/MM/DD`).
struct RuleMetadata: Sendable, Hashable {
    var creationDate: String?
    var updatedDate: String?
    var deprecationDate: String?
    var maturity: String?
    var integration: [String]
    var minStackVersion: String?

    init(creationDate: String? = nil, updatedDate: String? = nil, deprecationDate: String? = nil,
                maturity: String? = nil, integration: [String] = [], minStackVersion: String? = nil) {
        self.creationDate = creationDate
        self.updatedDate = updatedDate
        self.deprecationDate = deprecationDate
        self.maturity = maturity
        self.integration = integration
        self.minStackVersion = minStackVersion
    }
}

/// Values the loader uses when a rule omits a key; they follow Kibana's rule defaults.
enum RuleDefaults {
    /// Kibana's default `from` is `now-6m`: 6 minutes of lookback.
    static let lookbackSeconds = 6 * 60
    /// Kibana's default `interval` is `5m`.
    static let intervalSeconds = 5 * 60
    /// The largest lookback accepted (a week); longer windows would let sequence and sample state grow unbounded.
    static let maximumLookbackSeconds = 7 * 24 * 3600
}
