/// What the sequence state machine needs to know about a query, independent of how stages are evaluated.
struct SequenceShape: Sendable, Equatable {
    /// One entry per stage after `runs` expansion: true for a `![…]` missing-event stage.
    var missing: [Bool]
    /// Inclusive `maxspan` in nanoseconds, or nil when the query has none.
    var maxspan: Int64?
    /// How long a pending sequence without maxspan may wait (nanoseconds), e.g. a rule's lookback;
    /// nil keeps state until `capacity` forces eviction (batch use).
    var window: Int64?
    /// Cap on the number of join keys holding state; the least recently active keys are evicted beyond it.
    var capacity: Int

    init(missing: [Bool], maxspan: Int64? = nil, window: Int64? = nil, capacity: Int = 100_000) {
        self.missing = missing
        self.maxspan = maxspan
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Indices of the positive (non-missing) stages, in order.
    var positives: [Int] { missing.indices.filter { !missing[$0] } }

    /// How long any state may matter: maxspan when given, else the caller's window.
    var horizon: Int64? { maxspan ?? window }
}

/// One completed sequence: its join key and one element per stage, nil for a `![…]` stage.
struct SequenceResult<Element> {
    var key: JoinKey
    var events: [Element?]
}

extension SequenceResult: Sendable where Element: Sendable {}
