import EQL
import EventModel
import Events

/// Streams events through one compiled rule: its filter for event queries, EQL's sequence or sample engine (the
/// conformance-tested one `auspex query` runs) for the others, carrying each event's document (with its fork
/// outcome) into the match.
/// Sequences without maxspan and samples forget state older than the rule's lookback, which replaces
/// `limits.window`; `limits.capacity` caps the join keys holding state.
struct RuleMatcher {
    let rule: Int
    /// The rule's view: a Defend rule's matched fork events are shown as it saw them (describing the child).
    let view: SourceView
    // One of the three is set. Kept as separate optionals (not enum payloads) so the engines are mutated in
    // place: taking one out of an enum and writing it back would copy its tables on every event.
    private let filter: CompiledFilter?
    private var sequence: SequenceEngine<EnrichedEvent>?
    private var sample: SampleEngine<EnrichedEvent>?
    private var eventMatches = 0

    init(rule: Int, compiled: CompiledRule, evaluation: Int = 0, limits: MatcherLimits) {
        self.rule = rule
        self.view = compiled.evaluations[evaluation].view
        var ruleLimits = limits
        ruleLimits.window = compiled.lookbackNanos
        switch compiled.evaluations[evaluation].query.body {
        case .event(let filter):
            self.filter = filter
        case .sequence(let query):
            filter = nil
            sequence = SequenceEngine(query, limits: ruleLimits)
        case .sample(let query):
            filter = nil
            sample = SampleEngine(query, limits: ruleLimits)
        }
    }

    /// Offers one event (in audit time, serial, arrival order); completed matches are appended to `matches`.
    mutating func offer(_ event: SlotEvent, enriched: EnrichedEvent, into matches: inout [RuleMatch]) {
        if let filter {
            if filter.matches(event) {
                eventMatches += 1
                matches.append(match([enriched], joinKeys: []))
            }
        } else if sequence != nil {
            var results: [SequenceResult<EnrichedEvent>] = []
            sequence!.process(event, element: enriched, into: &results)
            append(results, to: &matches)
        } else if sample != nil {
            var results: [SampleStateMachine<EnrichedEvent>.Result] = []
            sample!.process(event, element: enriched, into: &results)
            for result in results {
                matches.append(match(result.events, joinKeys: result.key.values))
            }
        }
    }

    /// An event of the rule's categories that the index knows no filter matches: as `offer` would treat it,
    /// without testing the filters (its time still expires state and releases trailing `![…]` waits).
    mutating func pass(at timestamp: Int64, into matches: inout [RuleMatch]) {
        if sequence != nil {
            var results: [SequenceResult<EnrichedEvent>] = []
            sequence!.pass(at: timestamp, into: &results)
            append(results, to: &matches)
        } else {
            sample?.pass(at: timestamp)
        }
    }

    /// Moves event time forward without an event for this rule, so expired state is released.
    mutating func advance(to time: Int64, into matches: inout [RuleMatch]) {
        if sequence != nil {
            var results: [SequenceResult<EnrichedEvent>] = []
            sequence!.advance(to: time, into: &results)
            append(results, to: &matches)
        } else {
            sample?.advance(to: time)
        }
    }

    /// End of a finite input: sequences waiting only on a trailing missing-event stage complete.
    mutating func finish(into matches: inout [RuleMatch]) {
        guard sequence != nil else { return }
        var results: [SequenceResult<EnrichedEvent>] = []
        sequence!.finish(into: &results)
        append(results, to: &matches)
    }

    /// The engine's counters (event rules count matches only).
    var counters: MatchCounters {
        if let sequence { return sequence.counters }
        if let sample { return sample.counters }
        var counters = MatchCounters()
        counters.matches = eventMatches
        return counters
    }

    /// Join keys holding state.
    var pendingKeys: Int { sequence?.pendingKeys ?? sample?.pendingKeys ?? 0 }

    private func append(_ results: [SequenceResult<EnrichedEvent>], to matches: inout [RuleMatch]) {
        for result in results {
            matches.append(match(result.events.compactMap { $0 }, joinKeys: result.key.values))
        }
    }

    private func match(_ matched: [EnrichedEvent], joinKeys: [FieldValue]) -> RuleMatch {
        var match = RuleMatch(rule: rule, events: documents(matched), joinKeys: joinKeys)
        match.ordinals = matched.map(\.ordinal)
        return match
    }

    /// The matched documents as the rule saw them. Only matches pay for this: a Defend rule's fork event is
    /// rewritten to describe the child (``DefendFork/document(_:child:)``); every other document is as produced.
    private func documents(_ matched: [EnrichedEvent]) -> [Document] {
        matched.map { enriched in
            let document = enriched.slots.document()
            guard view == .defend, let child = enriched.fork?.child else { return document }
            return DefendFork.document(document, child: child)
        }
    }
}
