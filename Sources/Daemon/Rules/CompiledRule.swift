import Alerting
import EQL
import Rules

/// One loaded detection rule compiled against the ECS schema, with what the engine and the sinks need from it.
public struct CompiledRule: Sendable {
    /// The rule as the loader read it (file, metadata, query text).
    public let source: LoadedRule
    public let query: CompiledQuery
    /// The document convention the rule's `index` patterns select.
    public let view: SourceView
    /// The identity and metadata alerts carry.
    public let alertRule: AlertRule
    /// Event categories that can advance this rule (one per stage; `until` stages included); nil when some stage
    /// is `any where`, so every event must be offered.
    public let categories: Set<String>?
    /// Per category of `categories`, the `event.action` values (as the rule's view sees them) one of its filters
    /// that can match an event of that category needs; a category not listed has a filter that needs none.
    public let actionsByCategory: [String: ActionConstraint]
    /// The rule's lookback (`from`) in nanoseconds: how long sequences without maxspan and samples wait.
    public let lookbackNanos: Int64

    init(source: LoadedRule, query: CompiledQuery, view: SourceView) {
        self.source = source
        self.query = query
        self.view = view
        self.alertRule = AlertRule(loaded: source)
        // The engine offers events by their audit category; the Defend view files some under another one.
        self.categories = query.categories.map { categories in
            guard view == .defend else { return categories }
            return categories.union(categories.flatMap { DefendVocabulary.relabeledAuditCategories[$0] ?? [] })
        }
        self.lookbackNanos = Int64(source.lookbackSeconds) * 1_000_000_000
        self.actionsByCategory = Self.actionsByCategory(query.filters, view: view)
    }

    /// Sequences and samples hold state that ages with the event times they are shown.
    public var tracksTime: Bool {
        if case .event = query.body { return false }
        return true
    }

    /// Unions each category's filters' constraints; one unconstrained filter frees the category.
    private static func actionsByCategory(_ filters: [CompiledFilter], view: SourceView) -> [String: ActionConstraint] {
        var constraints: [String: ActionConstraint] = [:]
        var unconstrained = Set<String>()
        for filter in filters {
            guard let category = filter.category else { return [:] }  // `any where`: offered every event anyway
            let relabeled = view == .defend ? DefendVocabulary.relabeledAuditCategories[category] ?? [] : []
            for auditCategory in [category] + relabeled {
                // (One view reads one action slot; were two to differ, the category would just stay unconstrained.)
                guard let actions = filter.actions, constraints[auditCategory].map({ $0.slot == actions.slot }) ?? true
                else {
                    unconstrained.insert(auditCategory)
                    continue
                }
                constraints[auditCategory] = constraints[auditCategory]?.union(actions) ?? actions
            }
        }
        for category in unconstrained { constraints[category] = nil }
        return constraints
    }

}

extension AlertRule {
    /// The alert metadata of a loaded rule (id, name, severity, risk, tags, MITRE mappings, version).
    public init(loaded rule: LoadedRule) {
        let threats = rule.threat.map { mapping in
            AlertRule.Threat(
                framework: mapping.framework,
                tactic: AlertRule.Reference(id: mapping.tactic.id, name: mapping.tactic.name,
                                            reference: mapping.tactic.reference),
                techniques: mapping.techniques.map { technique in
                    AlertRule.Technique(
                        AlertRule.Reference(id: technique.entry.id, name: technique.entry.name,
                                            reference: technique.entry.reference),
                        subtechniques: technique.subtechniques.map {
                            AlertRule.Reference(id: $0.id, name: $0.name, reference: $0.reference)
                        })
                })
        }
        self.init(id: rule.ruleID, name: rule.name, severity: AlertRule.Severity(name: rule.severity.rawValue) ?? .medium,
                  riskScore: rule.riskScore, tags: rule.tags, threats: threats, version: rule.version)
    }
}
