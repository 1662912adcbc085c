import EventModel

/// One rule's match: the matched documents in stage order and the join-key values.
public struct RuleMatch: Sendable {
    /// Position of the rule in its `RuleSet`.
    public var rule: Int
    public var events: [Document]
    /// `by` values in key order (empty for event queries).
    public var joinKeys: [FieldValue]

    public init(rule: Int, events: [Document], joinKeys: [FieldValue]) {
        self.rule = rule
        self.events = events
        self.joinKeys = joinKeys
    }
}
