/// The `sample` matcher (spec §4.7), online.
///
/// Per join-key tuple it keeps, for each filter, the first events that matched it (at most
/// `filters × maxSamplesPerKey`, as Elasticsearch fetches), and emits a sample as soon as every filter
/// can take a distinct event, up to `maxSamplesPerKey` distinct samples per tuple. Chronology is ignored.
public struct SampleStateMachine<Element> {
    public struct Result {
        public var key: JoinKey
        /// One element per filter, in filter order.
        public var events: [Element]
    }

    private struct Candidate { var id: Int; var element: Element }
    private struct KeyState {
        var lists: [[Candidate]]
        var emitted: Int
        var first: Int64
    }

    public let filterCount: Int
    public let maxSamplesPerKey: Int
    /// How long a key tuple's candidates are kept (nanoseconds from its first event); nil = unbounded.
    public let window: Int64?
    /// Cap on key tuples held; beyond it the oldest are evicted.
    public let capacity: Int
    public internal(set) var counters = MatchCounters()
    private var keys: [JoinKey: KeyState] = [:]
    private var nextSweep: Int64 = .min

    public init(filterCount: Int, maxSamplesPerKey: Int = 1, window: Int64? = nil, capacity: Int = 100_000) {
        self.filterCount = filterCount
        self.maxSamplesPerKey = max(1, maxSamplesPerKey)
        self.window = window
        self.capacity = max(1, capacity)
    }

    public var pendingKeys: Int { keys.count }

    /// Offers one event. `id` identifies it (one event cannot fill two filters of one sample);
    /// `filterKeys(f)` gives its key tuples for filter f, `[]` when it does not match f.
    public mutating func process(_ element: Element, id: Int, timestamp: Int64, filterKeys: (Int) -> [JoinKey],
                                 into results: inout [Result]) {
        counters.events += 1
        advance(to: timestamp)
        for filter in 0..<filterCount {
            for key in filterKeys(filter) {
                offer(Candidate(id: id, element: element), filter: filter, key: key, timestamp: timestamp, into: &results)
            }
        }
    }

    private mutating func offer(_ candidate: Candidate, filter: Int, key: JoinKey, timestamp: Int64,
                                into results: inout [Result]) {
        if keys[key] == nil {
            makeRoom()
            keys[key] = KeyState(lists: Array(repeating: [], count: filterCount), emitted: 0, first: timestamp)
        }
        let limit = filterCount * maxSamplesPerKey
        guard keys[key]!.emitted < maxSamplesPerKey, keys[key]!.lists[filter].count < limit else { return }
        keys[key]!.lists[filter].append(candidate)
        let state = keys[key]!
        // Every new sample must use the new candidate at `filter`, so none is emitted twice.
        var chosen = [Candidate?](repeating: nil, count: filterCount)
        chosen[filter] = candidate
        var quota = maxSamplesPerKey - state.emitted
        var found: [[Element]] = []
        func assign(_ position: Int) {
            if quota == 0 { return }
            if position == filterCount {
                found.append(chosen.map { $0!.element })
                quota -= 1
                return
            }
            if position == filter { assign(position + 1); return }
            for option in state.lists[position] where !chosen.contains(where: { $0?.id == option.id }) {
                chosen[position] = option
                assign(position + 1)
                chosen[position] = nil
                if quota == 0 { return }
            }
        }
        assign(0)
        guard !found.isEmpty else { return }
        keys[key]!.emitted += found.count
        counters.matches += found.count
        for events in found { results.append(Result(key: key, events: events)) }
    }

    /// Expires key tuples whose first event is older than the window.
    public mutating func advance(to time: Int64) {
        guard let window, time >= nextSweep else { return }
        nextSweep = time &+ max(window / 4, 1_000_000)
        let cutoff = time &- window
        let before = keys.count
        keys = keys.filter { $0.value.first >= cutoff }
        counters.expired += before - keys.count
    }

    private mutating func makeRoom() {
        guard keys.count >= capacity else { return }
        let victims = keys.sorted { $0.value.first < $1.value.first }.prefix(max(1, capacity / 8))
        for (key, _) in victims { keys[key] = nil }
        counters.evicted += victims.count
    }
}

extension SampleStateMachine.Result: Sendable where Element: Sendable {}
