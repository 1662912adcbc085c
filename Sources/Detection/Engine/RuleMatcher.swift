import EQL
import EventModel
import Events

/// Streams events through one compiled rule with EQL's ``StreamMatcher`` (the dispatch and the conformance-tested
/// engines `auspex query` runs), carrying each event's enriched slots (with its fork outcome) into the match.
/// Sequences without maxspan and samples forget state older than the rule's lookback, which replaces
/// `limits.window`; `limits.capacity` caps the join keys holding state.
struct RuleMatcher {
    let rule: Int
    /// The rule's view: a Defend rule's matched fork events are shown as it saw them (describing the child).
    let view: SourceView
    private var stream: StreamMatcher<EnrichedEvent>
    /// What ``pass(at:into:)`` released, kept empty between calls: an array of its own cost each call a release.
    private var released: [StreamMatch<EnrichedEvent>] = []

    init(rule: Int, compiled: CompiledRule, evaluation: Int = 0, limits: MatcherLimits) {
        self.rule = rule
        self.view = compiled.evaluations[evaluation].view
        var ruleLimits = limits
        ruleLimits.window = compiled.lookbackNanos
        stream = StreamMatcher(compiled.evaluations[evaluation].query, limits: ruleLimits)
    }

    /// Offers one event (in audit time, serial, arrival order); completed matches are appended to `matches`.
    mutating func offer(_ event: SlotEvent, enriched: EnrichedEvent, into matches: inout [RuleMatch]) {
        var results: [StreamMatch<EnrichedEvent>] = []
        stream.process(event, element: enriched, into: &results)
        Self.append(results, rule: rule, view: view, to: &matches)
    }

    /// An event of the rule's categories that the index knows no filter matches: as `offer` would treat it,
    /// without testing the filters (its time still expires state and releases trailing `![…]` waits).
    mutating func pass(at timestamp: Int64, into matches: inout [RuleMatch]) {
        stream.pass(at: timestamp, into: &released)
        guard !released.isEmpty else { return }  // (most events: none)
        Self.append(released, rule: rule, view: view, to: &matches)
        released.removeAll(keepingCapacity: true)
    }

    /// Moves event time forward without an event for this rule, so expired state is released.
    mutating func advance(to time: Int64, into matches: inout [RuleMatch]) {
        var results: [StreamMatch<EnrichedEvent>] = []
        stream.advance(to: time, into: &results)
        Self.append(results, rule: rule, view: view, to: &matches)
    }

    /// End of a finite input: sequences waiting only on a trailing missing-event stage complete.
    mutating func finish(into matches: inout [RuleMatch]) {
        var results: [StreamMatch<EnrichedEvent>] = []
        stream.finish(into: &results)
        Self.append(results, rule: rule, view: view, to: &matches)
    }

    /// The engine's counters (event rules count matches only).
    var counters: MatchCounters { stream.counters }

    /// Join keys holding state.
    var pendingKeys: Int { stream.pendingKeys }

    /// Static, given the two fields it reads: as a method it copied the whole matcher (~500 bytes) for every call.
    private static func append(_ results: [StreamMatch<EnrichedEvent>], rule: Int, view: SourceView,
                               to matches: inout [RuleMatch]) {
        for result in results {
            let matched = result.elements.compactMap { $0 }
            var match = RuleMatch(rule: rule, matched: matched, view: view, joinKeys: result.joinKeys)
            match.ordinals = matched.map(\.ordinal)
            matches.append(match)
        }
    }
}
