import EventModel

/// One result of a ``StreamMatcher``: the join-key values and, per stage, the element its event carried (nil for a
/// `![…]` missing-event stage; one element and no keys for an event query).
public struct StreamMatch<Element> {
    public var joinKeys: [FieldValue]
    public var elements: [Element?]
}

/// The engine of one compiled query by its kind — its filter, or the sequence or sample engine — and the one
/// dispatch over the three: `auspex query` (``QueryMatcher``, each element is its event) and the daemon's rules
/// (each element is the rule's enriched event) both stream through it.
public struct StreamMatcher<Element> {
    // One of the three is set. Kept as separate optionals (not enum payloads) so the engines are mutated in
    // place: taking one out of an enum and writing it back would copy its tables on every event.
    private let filter: FilterTest?
    private var sequence: SequenceEngine<Element>?
    private var sample: SampleEngine<Element>?
    /// Events an event query matched (its engines count their own).
    private var filterMatches = 0
    /// What a sequence released in ``pass(at:into:)``, kept empty between calls: an array of its own cost each call
    /// a release.
    private var passed: [SequenceResult<Element>] = []

    public init(_ query: CompiledQuery, limits: MatcherLimits) {
        switch query.body {
        case .event(let filter):
            self.filter = filter.test
        case .sequence(let query):
            filter = nil
            sequence = SequenceEngine(query, limits: limits)
        case .sample(let query):
            filter = nil
            sample = SampleEngine(query, limits: limits)
        }
    }

    /// Whether the query is an event query (no state, no join keys).
    var isEventQuery: Bool { filter != nil }

    /// Offers one event (in time, tiebreaker, arrival order) carrying `element`; completed results are appended.
    public mutating func process(_ event: SlotEvent, element: Element, into matches: inout [StreamMatch<Element>]) {
        if let matched = filter?.matches(event) {
            if matched {
                filterMatches += 1
                matches.append(StreamMatch(joinKeys: [], elements: [element]))
            }
        } else if sequence != nil {
            var results: [SequenceResult<Element>] = []
            sequence!.process(event, element: element, into: &results)
            Self.append(results, to: &matches)
        } else if sample != nil {
            var results: [SampleStateMachine<Element>.Result] = []
            sample!.process(event, element: element, into: &results)
            for result in results { matches.append(StreamMatch(joinKeys: result.key.values, elements: result.events)) }
        }
    }

    /// An event that cannot match any filter of the query (an index said so): its time still expires state and
    /// releases trailing `![…]` waits, as `process` would.
    public mutating func pass(at timestamp: Int64, into matches: inout [StreamMatch<Element>]) {
        if sequence != nil {
            sequence!.pass(at: timestamp, into: &passed)
            guard !passed.isEmpty else { return }  // (most events: none)
            Self.append(passed, to: &matches)
            passed.removeAll(keepingCapacity: true)
        } else {
            sample?.pass(at: timestamp)
        }
    }

    /// Moves event time forward without an event: expires state, releases trailing `![…]` waits.
    public mutating func advance(to time: Int64, into matches: inout [StreamMatch<Element>]) {
        if sequence != nil {
            var results: [SequenceResult<Element>] = []
            sequence!.advance(to: time, into: &results)
            Self.append(results, to: &matches)
        } else {
            sample?.advance(to: time)
        }
    }

    /// End of a finite stream: releases what only the end can decide (trailing `![…]` stages).
    public mutating func finish(into matches: inout [StreamMatch<Element>]) {
        guard sequence != nil else { return }
        var results: [SequenceResult<Element>] = []
        sequence!.finish(into: &results)
        Self.append(results, to: &matches)
    }

    /// The engine's counters; an event query counts its matches only.
    public var counters: MatchCounters {
        if let sequence { return sequence.counters }
        if let sample { return sample.counters }
        var counters = MatchCounters()
        counters.matches = filterMatches
        return counters
    }

    /// Join keys holding state (0 for event queries).
    public var pendingKeys: Int { sequence?.pendingKeys ?? sample?.pendingKeys ?? 0 }

    private static func append(_ results: [SequenceResult<Element>], to matches: inout [StreamMatch<Element>]) {
        for result in results { matches.append(StreamMatch(joinKeys: result.key.values, elements: result.events)) }
    }
}
