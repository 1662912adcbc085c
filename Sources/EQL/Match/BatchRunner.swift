import EventModel

/// Runs a query over a finite set of events the way an Elasticsearch search returns it: events are
/// streamed through a `QueryMatcher` in `(timestamp, tiebreaker, arrival)` order, then results are put in
/// Elasticsearch's order (events by ordinal, sequences by their last event, samples by join-key values),
/// `| head` / `| tail` pipes are applied, then `size`.
enum BatchRunner {
    /// Events in stream order. A null tiebreaker sorts after the others (elastic/elasticsearch#64706).
    static func ordered(_ events: [SlotEvent]) -> [SlotEvent] {
        events.sorted(by: precedes)
    }

    /// `(timestamp, tiebreaker, ordinal)` order.
    static func precedes(_ a: SlotEvent, _ b: SlotEvent) -> Bool {
        if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
        switch (a.tiebreaker.isNull, b.tiebreaker.isNull) {
        case (false, true): return true
        case (true, false): return false
        case (false, false):
            let order = FieldValueOrder.compare(a.tiebreaker, b.tiebreaker)
            if order != 0 { return order < 0 }
        case (true, true): break
        }
        return a.ordinal < b.ordinal
    }

    /// Runs `query` over `events` (any order) and returns the results in Elasticsearch's order.
    static func run(_ query: CompiledQuery, events: [SlotEvent], limits: MatcherLimits = MatcherLimits(),
                           size: Int? = nil) -> [Match] {
        let stream = ordered(events)
        var rank: [Int: Int] = [:]
        rank.reserveCapacity(stream.count)
        for (position, event) in stream.enumerated() { rank[event.ordinal] = position }
        var matcher = QueryMatcher(query: query, limits: limits)
        var results: [Match] = []
        for event in stream { results.append(contentsOf: matcher.process(event)) }
        results.append(contentsOf: matcher.finish())

        switch query.body {
        case .event, .sequence:
            // By the last event, then the first, then key: stable for sequences ending on one event.
            func ranks(_ match: Match) -> (Int, Int) {
                let present = match.events.compactMap { $0.flatMap { rank[$0.ordinal] } }
                return (present.last ?? -1, present.first ?? -1)
            }
            let keyed = results.map { (ranks($0), JoinKey(rawNormalized: $0.joinKeys), $0) }
            results = keyed.sorted { a, b in
                if a.0 != b.0 { return a.0 < b.0 }
                return a.1 < b.1
            }.map(\.2)
        case .sample:
            let keyed = results.enumerated().map { (JoinKey(rawNormalized: $0.element.joinKeys), $0.offset, $0.element) }
            results = keyed.sorted { a, b in a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }.map(\.2)
        }
        for pipe in query.pipes {
            switch pipe {
            case .head(let n): results = Array(results.prefix(max(0, n)))
            case .tail(let n): results = Array(results.suffix(max(0, n)))
            }
        }
        if let size { results = Array(results.prefix(max(0, size))) }
        return results
    }
}
