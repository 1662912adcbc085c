import EQL
import EventModel

/// Streams events through one compiled rule: a filter for event queries, the EQL sequence or sample state machine
/// for the others. Sequences without maxspan and samples forget state older than the rule's lookback (the rule's
/// own window replaces `limits.window`); `limits.capacity` caps the join keys holding state.
struct RuleMatcher {
    let rule: Int
    // One of the three is set. Kept as separate optionals (not enum payloads) so the state machines are mutated
    // in place: taking a machine out of an enum and writing it back would copy its tables on every event.
    private let filter: CompiledFilter?
    private var sequence: SequenceStateMachine<Document>?
    private var sample: SampleStateMachine<Document>?
    /// Sequence stages after `runs` expansion, or sample filters.
    private let stages: [CompiledStage]
    private let until: CompiledStage?
    private var eventMatches = 0

    init(rule: Int, compiled: CompiledRule, limits: MatcherLimits) {
        self.rule = rule
        switch compiled.query.body {
        case .event(let filter):
            self.filter = filter
            stages = []
            until = nil
        case .sequence(let query):
            // `[…] with runs=N` is N consecutive copies of the stage.
            stages = query.stages.flatMap { stage in Array(repeating: stage, count: max(1, stage.runs)) }
            until = query.until
            filter = nil
            let shape = SequenceShape(missing: stages.map(\.isMissing), maxspan: query.maxspanNanos,
                                      window: compiled.lookbackNanos, capacity: limits.capacity)
            sequence = SequenceStateMachine(shape: shape)
        case .sample(let query):
            stages = query.stages
            until = nil
            filter = nil
            sample = SampleStateMachine(filterCount: query.stages.count, maxSamplesPerKey: limits.maxSamplesPerKey,
                                        window: compiled.lookbackNanos, capacity: limits.capacity)
        }
    }

    /// Offers one event (in audit time, serial, arrival order); completed matches are appended to `matches`.
    mutating func offer(_ event: SlotEvent, document: Document, into matches: inout [RuleMatch]) {
        if let filter {
            if filter.matches(event) {
                eventMatches += 1
                matches.append(RuleMatch(rule: rule, events: [document], joinKeys: []))
            }
        } else if sequence != nil {
            // Each stage's filter is evaluated once, up front: most events match no stage, and then the state
            // machine is not entered at all (time still advances through the engine's periodic sweep).
            let stageKeys = stages.map { Self.keys(of: event, for: $0) }
            let untilKeys = until.map { Self.keys(of: event, for: $0) } ?? []
            guard untilKeys.isEmpty == false || stageKeys.contains(where: { !$0.isEmpty }) else { return }
            var results: [SequenceResult<Document>] = []
            sequence!.process(document, timestamp: event.timestamp, stageKeys: { stageKeys[$0] },
                              untilKeys: untilKeys, into: &results)
            append(results, to: &matches)
        } else if sample != nil {
            let filterKeys = stages.map { Self.keys(of: event, for: $0) }
            guard filterKeys.contains(where: { !$0.isEmpty }) else { return }
            var results: [SampleStateMachine<Document>.Result] = []
            sample!.process(document, id: event.ordinal, timestamp: event.timestamp, filterKeys: { filterKeys[$0] },
                            into: &results)
            for result in results {
                matches.append(RuleMatch(rule: rule, events: result.events, joinKeys: result.key.values))
            }
        }
    }

    /// Moves event time forward without an event for this rule, so expired state is released.
    mutating func advance(to time: Int64, into matches: inout [RuleMatch]) {
        if sequence != nil {
            var results: [SequenceResult<Document>] = []
            sequence!.advance(to: time, into: &results)
            append(results, to: &matches)
        } else if sample != nil {
            sample!.advance(to: time)
        }
    }

    /// End of a finite input: sequences waiting only on a trailing missing-event stage complete.
    mutating func finish(into matches: inout [RuleMatch]) {
        guard sequence != nil else { return }
        var results: [SequenceResult<Document>] = []
        sequence!.finish(into: &results)
        append(results, to: &matches)
    }

    /// The state machine's counters (event rules count matches only).
    var counters: MatchCounters {
        if let sequence { return sequence.counters }
        if let sample { return sample.counters }
        var counters = MatchCounters()
        counters.matches = eventMatches
        return counters
    }

    /// Join keys holding state.
    var pendingKeys: Int { sequence?.pendingKeys ?? sample?.pendingKeys ?? 0 }

    private func append(_ results: [SequenceResult<Document>], to matches: inout [RuleMatch]) {
        for result in results {
            matches.append(RuleMatch(rule: rule, events: result.events.compactMap { $0 }, joinKeys: result.key.values))
        }
    }

    /// The event's join keys for a stage, or none when it does not pass the stage's filter.
    private static func keys(of event: SlotEvent, for stage: CompiledStage) -> [JoinKey] {
        guard stage.filter.matches(event) else { return [] }
        if stage.keys.isEmpty { return [JoinKey.empty] }
        return JoinKey.combinations(stage.keys.map { $0.evaluate(event) }, optional: { stage.keys[$0].isOptional })
    }
}
