import Alerting
import EQL
import Events
import Rules

/// One loaded detection rule compiled against the ECS schema, with what the engine and the sinks need from it.
struct CompiledRule: Sendable {
    /// The rule as the loader read it (file, metadata, query text).
    let source: LoadedRule
    /// The query compiled in the rule's primary view.
    var query: CompiledQuery { evaluations[0].query }
    /// The document convention the rule's `index` patterns select first (auditd when it names both).
    var view: SourceView { evaluations[0].view }
    /// One compiled query per view the rule is evaluated in (``SourceView/views(indexPatterns:)``): two for a rule
    /// whose `index` names both audit and Defend indices. The engine runs each and raises one alert per distinct
    /// set of matched events.
    let evaluations: [Evaluation]
    /// The identity and metadata alerts carry.
    let alertRule: AlertRule
    /// The event categories that can advance the rule (any view's; nil when some stage is `any where`).
    var categories: Set<String>? {
        var union = Set<String>()
        for evaluation in evaluations {
            guard let categories = evaluation.indexEntry.categories else { return nil }
            union.formUnion(categories)
        }
        return union
    }
    /// The rule's lookback (`from`) in nanoseconds: how long sequences without maxspan and samples wait.
    let lookbackNanos: Int64

    /// The rule's query as one view sees it.
    struct Evaluation: Sendable {
        let view: SourceView
        let query: CompiledQuery
        /// What the rule index needs: the event categories that can advance the query (its stages', `until`
        /// included; nil when some stage is `any where`), per category the `event.action` values (as the view sees
        /// them) its filters of that category need, and whether it keeps state that ages.
        let indexEntry: RuleIndex.Rule

        init(view: SourceView, query: CompiledQuery) {
            self.view = view
            self.query = query
            // The engine offers events by their audit category; the Defend view files some under another one.
            self.indexEntry = RuleIndex.Rule(
                query: query, alsoFiledUnder: view == .defend ? DefendVocabulary.relabeledAuditCategories : [:])
        }
    }

    init(source: LoadedRule, evaluations: [Evaluation]) {
        precondition(!evaluations.isEmpty)
        self.source = source
        self.evaluations = evaluations
        self.alertRule = AlertRule(loaded: source)
        self.lookbackNanos = Int64(source.lookbackSeconds) * 1_000_000_000
    }

    init(source: LoadedRule, query: CompiledQuery, view: SourceView) {
        self.init(source: source, evaluations: [Evaluation(view: view, query: query)])
    }
}
