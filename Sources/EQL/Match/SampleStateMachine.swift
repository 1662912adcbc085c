import EventModel

/// The `sample` matcher (spec §4.7), online.
///
/// Per join-key tuple it keeps, for each filter, the first events that matched it (at most
/// `filters × maxSamplesPerKey`, as Elasticsearch fetches), and emits a sample as soon as every filter
/// can take a distinct event, up to `maxSamplesPerKey` distinct samples per tuple. Chronology is ignored.
struct SampleStateMachine<Element> {
    struct Result {
        var key: JoinKey
        /// One element per filter, in filter order.
        var events: [Element]
    }

    private struct Candidate { var id: Int; var element: Element }
    private struct KeyState {
        var lists: [[Candidate]]
        var emitted: Int
        var first: Int64
    }

    let filterCount: Int
    let maxSamplesPerKey: Int
    /// How long a key tuple's candidates are kept (nanoseconds from its first event); nil = unbounded.
    let window: Int64?
    /// Cap on key tuples held; beyond it the oldest are evicted.
    let capacity: Int
    var counters = MatchCounters()
    private var keys: [JoinKey: KeyState] = [:]
    private var nextSweep: Int64 = .min

    init(filterCount: Int, maxSamplesPerKey: Int = 1, window: Int64? = nil, capacity: Int = 100_000) {
        self.filterCount = filterCount
        self.maxSamplesPerKey = max(1, maxSamplesPerKey)
        self.window = window
        self.capacity = max(1, capacity)
    }

    var pendingKeys: Int { keys.count }

    /// Offers one event. `id` identifies it (one event cannot fill two filters of one sample);
    /// `filterKeys(f)` gives its key tuples for filter f, `[]` when it does not match f.
    mutating func process(_ element: Element, id: Int, timestamp: Int64, filterKeys: (Int) -> [JoinKey],
                                 into results: inout [Result]) {
        counters.events += 1
        advance(to: timestamp)
        var added: [JoinKey: [Int]] = [:]  // key → filters the event joined
        let limit = filterCount * maxSamplesPerKey
        for filter in 0..<filterCount {
            for key in filterKeys(filter) {
                if keys[key] == nil {
                    makeRoom()
                    keys[key] = KeyState(lists: Array(repeating: [], count: filterCount), emitted: 0, first: timestamp)
                }
                guard keys[key]!.emitted < maxSamplesPerKey, keys[key]!.lists[filter].count < limit else { continue }
                keys[key]!.lists[filter].append(Candidate(id: id, element: element))
                added[key, default: []].append(filter)
            }
        }
        for (key, filters) in added.sorted(by: { $0.key < $1.key }) {
            emit(key: key, newID: id, at: filters, into: &results)
        }
    }

    /// Emits the samples the new event completes, in the order Elasticsearch's backtracking finds them
    /// (lexicographic over each filter's candidates); every one of them uses the new event, so none repeats.
    private mutating func emit(key: JoinKey, newID: Int, at filters: [Int], into results: inout [Result]) {
        guard let state = keys[key] else { return }
        let quota = maxSamplesPerKey - state.emitted
        guard quota > 0 else { return }
        var found: [[Int]] = []  // candidate indices per filter
        for fixed in filters {
            guard let fixedIndex = state.lists[fixed].lastIndex(where: { $0.id == newID }) else { continue }
            var chosen = [Int](repeating: -1, count: filterCount)
            chosen[fixed] = fixedIndex
            var taken = 0
            func assign(_ position: Int) {
                if taken == quota { return }
                if position == filterCount { found.append(chosen); taken += 1; return }
                if position == fixed { assign(position + 1); return }
                for (index, option) in state.lists[position].enumerated() {
                    let clash = (0..<position).contains { chosen[$0] >= 0 && state.lists[$0][chosen[$0]].id == option.id }
                        || option.id == newID
                    if clash { continue }
                    chosen[position] = index
                    assign(position + 1)
                    chosen[position] = -1
                    if taken == quota { return }
                }
            }
            assign(0)
        }
        found.sort { $0.lexicographicallyPrecedes($1) }
        let chosen = found.prefix(quota)
        keys[key]!.emitted += chosen.count
        counters.matches += chosen.count
        for indices in chosen {
            results.append(Result(key: key, events: indices.enumerated().map { state.lists[$0.offset][$0.element].element }))
        }
    }

    /// Expires key tuples whose first event is older than the window.
    mutating func advance(to time: Int64) {
        guard let window, time >= nextSweep else { return }
        nextSweep = time.saturatingAdd(max(window / 4, 1_000_000))
        let cutoff = time.saturatingSubtract(window)
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
