import EventModel

/// One rule's match: the matched documents in stage order and the join-key values.
struct RuleMatch: Sendable {
    /// Position of the rule in its `RuleSet`.
    var rule: Int
    /// The matched documents. A Defend-view rule's fork event is shown as Defend's (``DefendFork``): the child's
    /// pid and entity id, the caller as parent; every other document is the audit document as produced.
    var events: [Document]
    /// `by` values in key order (empty for event queries).
    var joinKeys: [FieldValue]
    /// The engine's ordinals of the matched events, in stage order: a rule evaluated in two views raises one alert
    /// per distinct list (empty when not known).
    var ordinals: [Int] = []

    init(rule: Int, events: [Document], joinKeys: [FieldValue]) {
        self.rule = rule
        self.events = events
        self.joinKeys = joinKeys
    }
}
