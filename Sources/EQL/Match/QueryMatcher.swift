import EventModel

/// One result of a query: its join-key values and its events in stage order.
/// A `![…]` missing-event stage is nil; an event query has one event and no keys.
public struct Match: Sendable {
    var joinKeys: [FieldValue]
    var events: [SlotEvent?]

    init(joinKeys: [FieldValue], events: [SlotEvent?]) {
        self.joinKeys = joinKeys
        self.events = events
    }
}

/// Limits for a matcher's state. Sequences with maxspan expire by it; the window bounds sequences
/// without maxspan and samples (e.g. a rule's lookback); the capacity caps join keys per rule.
public struct MatcherLimits: Sendable {
    /// Nanoseconds; nil = unbounded (batch use only).
    public var window: Int64?
    var capacity: Int
    /// `max_samples_per_key` for sample queries.
    var maxSamplesPerKey: Int

    public init(window: Int64? = nil, capacity: Int = 100_000, maxSamplesPerKey: Int = 1) {
        self.window = window
        self.capacity = capacity
        self.maxSamplesPerKey = maxSamplesPerKey
    }
}

/// The streaming matcher of one compiled query. Feed events in `(timestamp, tiebreaker, arrival)` order.
///
///     var matcher = QueryMatcher(query: compiled, limits: MatcherLimits(window: 9 * 60 * 1_000_000_000))
///     for event in stream { for match in matcher.process(event) { alert(match) } }
public struct QueryMatcher {
    public let query: CompiledQuery
    private var stream: StreamMatcher<SlotEvent>
    /// Events an event query was offered (its engines count their own).
    private var eventsOffered = 0

    public init(query: CompiledQuery, limits: MatcherLimits = MatcherLimits()) {
        self.query = query
        stream = StreamMatcher(query, limits: limits)
    }

    /// Offers one event; returns the results it completes (often none).
    public mutating func process(_ event: SlotEvent) -> [Match] {
        if stream.isEventQuery { eventsOffered += 1 }
        var results: [StreamMatch<SlotEvent>] = []
        stream.process(event, element: event, into: &results)
        return Self.matches(results)
    }

    /// Moves event time forward without an event: expires state and releases sequences that waited
    /// for a trailing `![…]` window.
    public mutating func advance(to time: Int64) -> [Match] {
        var results: [StreamMatch<SlotEvent>] = []
        stream.advance(to: time, into: &results)
        return Self.matches(results)
    }

    /// End of a finite stream: releases what only the end can decide (trailing `![…]` stages).
    mutating func finish() -> [Match] {
        var results: [StreamMatch<SlotEvent>] = []
        stream.finish(into: &results)
        return Self.matches(results)
    }

    public var counters: MatchCounters {
        var counters = stream.counters
        if stream.isEventQuery { counters.events = eventsOffered }
        return counters
    }

    /// Join keys currently holding state (0 for event queries).
    public var pendingKeys: Int { stream.pendingKeys }

    private static func matches(_ results: [StreamMatch<SlotEvent>]) -> [Match] {
        results.isEmpty ? [] : results.map { Match(joinKeys: $0.joinKeys, events: $0.elements) }
    }
}

extension CompiledStage {
    /// The event's key tuples for this stage, or `[]` when it does not match (or a required key is null).
    func joinKeys(_ event: SlotEvent) -> [JoinKey] {
        filter.matches(event) ? keyTuples(event) : []
    }

    /// The event's key tuples, filter not checked: the cartesian product over multi-valued keys.
    func keyTuples(_ event: SlotEvent) -> [JoinKey] {
        if keys.isEmpty { return [JoinKey.empty] }
        if keys.count == 1 {
            let value = keys[0].evaluate(event)
            switch value {
            case .null: return keys[0].isOptional ? [JoinKey(rawNormalized: [.null])] : []
            case .array: break
            default: return [JoinKey([value])]
            }
        }
        let keys = self.keys
        return JoinKey.combinations(keys.map { $0.evaluate(event) }, optional: { keys[$0].isOptional })
    }
}

/// A compiled sequence bound to its state machine; stages expanded by `runs`. `Element` is what a result carries
/// for each event: the event itself for `QueryMatcher`, the daemon's document for its rules.
struct SequenceEngine<Element> {
    /// For each expanded stage, the index of the query stage it came from (filters run once per event).
    private let origin: [Int]
    private let distinct: [CompiledStage]
    /// The query stages' filter tests alone: the per-event test touches nothing else.
    private let filters: [FilterTest]
    private let until: CompiledStage?
    private var machine: SequenceStateMachine<Element>

    init(_ sequence: CompiledSequence, limits: MatcherLimits) {
        var missing: [Bool] = [], origin: [Int] = []
        for (index, stage) in sequence.stages.enumerated() {
            for _ in 0..<max(1, stage.runs) {
                missing.append(stage.isMissing)
                origin.append(index)
            }
        }
        self.origin = origin
        self.distinct = sequence.stages
        self.filters = sequence.stages.map(\.filter.test)
        // `until ![…]` is accepted and ignored by Elasticsearch.
        self.until = sequence.until.flatMap { $0.isMissing ? nil : $0 }
        let shape = SequenceShape(missing: missing, maxspan: sequence.maxspanNanos,
                                  window: limits.window, capacity: limits.capacity)
        machine = SequenceStateMachine(shape: shape)
    }

    /// Offers one event (`element` stands for it in results); appends the sequences it completes.
    mutating func process(_ event: SlotEvent, element: Element, into results: inout [SequenceResult<Element>]) {
        // Most events match no stage: test the filters before allocating anything.
        var keysByStage: [[JoinKey]]?
        for index in filters.indices where filters[index].matches(event) {
            if keysByStage == nil { keysByStage = Array(repeating: [], count: distinct.count) }
            keysByStage![index] = distinct[index].keyTuples(event)
        }
        let untilKeys = until == nil ? [] : until!.joinKeys(event)
        if keysByStage == nil && untilKeys.isEmpty {
            machine.counters.events += 1
            machine.advance(to: event.timestamp, into: &results)
        } else {
            let keysByStage = keysByStage ?? Array(repeating: [], count: distinct.count)
            let origin = self.origin
            machine.process(element, timestamp: event.timestamp, stageKeys: { keysByStage[origin[$0]] },
                            untilKeys: untilKeys, into: &results)
        }
    }

    /// An event the caller knows no filter matches (e.g. from ``ActionConstraint``s): exactly what `process`
    /// does with it, without testing the filters. The time still counts: expiry and trailing `![…]` releases run on it.
    mutating func pass(at timestamp: Int64, into results: inout [SequenceResult<Element>]) {
        machine.counters.events += 1
        machine.advance(to: timestamp, into: &results)
    }

    /// Moves event time forward without an event: expires state, releases trailing `![…]` waits.
    mutating func advance(to time: Int64, into results: inout [SequenceResult<Element>]) {
        machine.advance(to: time, into: &results)
    }

    /// End of a finite stream: sequences waiting only on a trailing `![…]` stage complete.
    mutating func finish(into results: inout [SequenceResult<Element>]) {
        machine.finish(into: &results)
    }

    var counters: MatchCounters { machine.counters }
    var pendingKeys: Int { machine.pendingKeys }
}

/// A compiled sample bound to its state machine; `Element` as for `SequenceEngine`.
struct SampleEngine<Element> {
    private let stages: [CompiledStage]
    /// The stages' filter tests alone (held by reference: nothing copied per event).
    private let tests: [FilterTest]
    private var machine: SampleStateMachine<Element>

    init(_ sample: CompiledSample, limits: MatcherLimits) {
        stages = sample.stages
        tests = sample.stages.map(\.filter.test)
        machine = SampleStateMachine(filterCount: sample.stages.count, maxSamplesPerKey: limits.maxSamplesPerKey,
                                     window: limits.window, capacity: limits.capacity)
    }

    /// Offers one event (`element` stands for it in results); appends the samples it completes.
    mutating func process(_ event: SlotEvent, element: Element,
                                 into results: inout [SampleStateMachine<Element>.Result]) {
        // Each filter runs once: matching stages get their key tuples, the others none.
        var keysByStage: [[JoinKey]]?
        for index in tests.indices where tests[index].matches(event) {
            if keysByStage == nil { keysByStage = Array(repeating: [], count: stages.count) }
            keysByStage![index] = stages[index].keyTuples(event)
        }
        guard let keysByStage else {
            machine.counters.events += 1
            machine.advance(to: event.timestamp)
            return
        }
        machine.process(element, id: event.ordinal, timestamp: event.timestamp, filterKeys: { keysByStage[$0] },
                        into: &results)
    }

    /// An event the caller knows no filter matches: exactly what `process` does with it, without testing the
    /// filters (the time still expires samples).
    mutating func pass(at timestamp: Int64) {
        machine.counters.events += 1
        machine.advance(to: timestamp)
    }

    /// Moves event time forward without an event: expires samples older than the window.
    mutating func advance(to time: Int64) {
        machine.advance(to: time)
    }

    var counters: MatchCounters { machine.counters }
    var pendingKeys: Int { machine.pendingKeys }
}
