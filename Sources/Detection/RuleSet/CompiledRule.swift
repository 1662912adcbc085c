import Alerting
import EQL
import Events
import Rules

/// One loaded detection rule compiled against the ECS schema, with what the engine and the sinks need from it.
public struct CompiledRule: Sendable {
    /// The rule as the loader read it (file, metadata, query text).
    public let source: LoadedRule
    public let query: CompiledQuery
    /// The document convention the rule's `index` patterns select.
    public let view: SourceView
    /// The identity and metadata alerts carry.
    let alertRule: AlertRule
    /// What the rule index needs: the event categories that can advance the rule (its stages', `until` included; nil
    /// when some stage is `any where`), per category the `event.action` values (as the rule's view sees them) its
    /// filters of that category need, and whether it keeps state that ages.
    let indexEntry: RuleIndex.Rule
    public var categories: Set<String>? { indexEntry.categories }
    /// The rule's lookback (`from`) in nanoseconds: how long sequences without maxspan and samples wait.
    public let lookbackNanos: Int64

    init(source: LoadedRule, query: CompiledQuery, view: SourceView) {
        self.source = source
        self.query = query
        self.view = view
        self.alertRule = AlertRule(loaded: source)
        // The engine offers events by their audit category; the Defend view files some under another one.
        self.indexEntry = RuleIndex.Rule(
            query: query, alsoFiledUnder: view == .defend ? DefendVocabulary.relabeledAuditCategories : [:])
        self.lookbackNanos = Int64(source.lookbackSeconds) * 1_000_000_000
    }
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
