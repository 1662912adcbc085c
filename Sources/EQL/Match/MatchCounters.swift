/// What a matcher did with its state, for status and metrics. Every drop is counted.
public struct MatchCounters: Sendable, Equatable {
    /// Events offered to the matcher.
    var events: Int = 0
    /// Results emitted (events, sequences or samples).
    var matches: Int = 0
    /// Pending sequences started (an event matched the first positive stage).
    public var sequencesStarted: Int = 0
    /// Pending sequences dropped because the next stage came after `maxspan`.
    var rejectedMaxspan: Int = 0
    /// Pending sequences dropped by an `until` event with the same key.
    var rejectedUntil: Int = 0
    /// Completed sequences dropped by the missing-event (`![…]`) check.
    var rejectedMissing: Int = 0
    /// Pending sequences or sample candidates that aged out (maxspan or the caller's window).
    public var expired: Int = 0
    /// Pending state thrown away because a per-rule cap was reached.
    public var evicted: Int = 0

    init() {}

    /// Several matchers' counters together (a rule set's, rule by rule).
    public static func total(_ counters: some Sequence<MatchCounters>) -> MatchCounters {
        counters.reduce(MatchCounters(), +)
    }

    /// Two matchers' counters together.
    static func + (a: MatchCounters, b: MatchCounters) -> MatchCounters {
        var sum = a
        sum.events += b.events
        sum.matches += b.matches
        sum.sequencesStarted += b.sequencesStarted
        sum.rejectedMaxspan += b.rejectedMaxspan
        sum.rejectedUntil += b.rejectedUntil
        sum.rejectedMissing += b.rejectedMissing
        sum.expired += b.expired
        sum.evicted += b.evicted
        return sum
    }
}
