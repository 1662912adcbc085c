import EventModel

/// One rule's match: the matched events in stage order and the join-key values.
struct RuleMatch: Sendable {
    /// Position of the rule in its `RuleSet`.
    var rule: Int
    /// The matched events, in stage order.
    var matched: [EnrichedEvent]
    /// The view of the rule's evaluation that matched: a Defend rule's fork event is shown as Defend's.
    var view: SourceView
    /// `by` values in key order (empty for event queries).
    var joinKeys: [FieldValue]
    /// The engine's ordinals of the matched events, in stage order: a rule evaluated in two views raises one alert
    /// per distinct list (empty when not known).
    var ordinals: [Int] = []

    init(rule: Int, matched: [EnrichedEvent], view: SourceView = .auditd, joinKeys: [FieldValue]) {
        self.rule = rule
        self.matched = matched
        self.view = view
        self.joinKeys = joinKeys
    }

    /// The matched documents as the rule saw them, each event's whole document made by `document` (the pipeline's
    /// ``DocumentStage/document(of:)``). A Defend-view rule's fork event is rewritten to describe the child
    /// (``DefendFork/document(_:child:)``): its pid and entity id, the caller as parent; every other document is
    /// the audit document as produced. Only matches pay for this.
    func documents(_ document: (EnrichedEvent) -> Document) -> [Document] {
        matched.map { enriched in
            let whole = document(enriched)
            guard view == .defend, let child = enriched.fork?.child else { return whole }
            return DefendFork.document(whole, child: child)
        }
    }

    /// ``documents(_:)`` of events whose slots are complete (documents offered to the engine, tests).
    var events: [Document] { documents(\.document) }
}
