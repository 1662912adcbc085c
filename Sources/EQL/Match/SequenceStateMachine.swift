import EventModel

/// The Elasticsearch sequence state machine over an ordered event stream (spec §4.6, §5.2–5.4).
///
/// Per join key there is one pending sequence per positive stage; a newer one overwrites the older.
/// The machine does not evaluate filters: the caller says, per stage, which join keys an event has
/// for that stage (empty when the event does not match it), so it can be driven by compiled queries or
/// by plain test scripts. Events must be offered in `(timestamp, tiebreaker, arrival)` order.
struct SequenceStateMachine<Element> {
    let shape: SequenceShape
    var counters = MatchCounters()

    /// A partial sequence: the events of the positive stages matched so far.
    struct Pending {
        var events: [Element]
        var timestamps: [Int64]
        var first: Int64 { timestamps[0] }
    }

    /// The state of one join key: a slot per positive stage but the last, and when it was last touched.
    struct KeyState {
        var slots: [Pending?]
        var touched: Int64
        var isEmpty: Bool { slots.allSatisfy { $0 == nil } }
    }

    private let positives: [Int]
    private var keys: [JoinKey: KeyState] = [:]
    var missing: MissingEventTracker<Element>
    private var nextSweep: Int64 = .min
    private var now: Int64 = .min

    init(shape: SequenceShape) {
        self.shape = shape
        self.positives = shape.positives
        self.missing = MissingEventTracker(shape: shape)
    }

    /// Number of join keys holding pending sequences.
    var pendingKeys: Int { keys.count }

    /// Offers one event.
    /// - Parameters:
    ///   - stageKeys: for an expanded stage index, the event's join keys for that stage, or `[]` when
    ///     the event does not match the stage (or its keys are missing).
    ///   - untilKeys: the event's keys for the `until` filter, `[]` when it does not match.
    ///   - results: completed sequences are appended here.
    mutating func process(_ element: Element, timestamp: Int64,
                                 stageKeys: (Int) -> [JoinKey], untilKeys: [JoinKey] = [],
                                 into results: inout [SequenceResult<Element>]) {
        counters.events += 1
        advance(to: timestamp, into: &results)
        // Missing-stage matches first, so a completing event that also matches a trailing `![…]` counts
        // (Elasticsearch looks for trailing events at `ts >= last.ts`).
        if missing.hasMissingStages {
            for stage in shape.missing.indices where shape.missing[stage] {
                for key in stageKeys(stage) {
                    missing.record(stage: stage, key: key, timestamp: timestamp, counters: &counters)
                }
            }
        }
        // Last stage first, so one event never advances the same sequence twice.
        for position in positives.indices.reversed() {
            let stageKeyList = stageKeys(positives[position])
            for key in stageKeyList {
                step(position: position, key: key, element: element, timestamp: timestamp, into: &results)
            }
        }
        // An until event kills every pending sequence of its key; it has already had its chance to
        // complete or extend one above (it does not block itself).
        for key in untilKeys {
            if let state = keys.removeValue(forKey: key) {
                counters.rejectedUntil += state.slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            }
        }
    }

    private mutating func step(position: Int, key: JoinKey, element: Element, timestamp: Int64,
                               into results: inout [SequenceResult<Element>]) {
        let last = positives.count - 1
        var pending: Pending
        if position == 0 {
            counters.sequencesStarted += 1
            pending = Pending(events: [element], timestamps: [timestamp])
        } else {
            guard var state = keys[key], let previous = state.slots[position - 1] else { return }
            state.slots[position - 1] = nil
            state.touched = timestamp
            keys[key] = state
            if let maxspan = shape.maxspan, timestamp.saturatingSubtract(previous.first) > maxspan {
                counters.rejectedMaxspan += 1
                dropIfEmpty(key)
                return
            }
            pending = previous
            pending.events.append(element)
            pending.timestamps.append(timestamp)
        }
        if position == last {
            dropIfEmpty(key)
            complete(pending, key: key, into: &results)
            return
        }
        if keys[key] == nil {
            makeRoom(at: timestamp)
            keys[key] = KeyState(slots: Array(repeating: nil, count: last), touched: timestamp)
        }
        keys[key]!.slots[position] = pending
        keys[key]!.touched = timestamp
    }

    private mutating func dropIfEmpty(_ key: JoinKey) {
        if let state = keys[key], state.isEmpty { keys[key] = nil }
    }

    private mutating func complete(_ pending: Pending, key: JoinKey, into results: inout [SequenceResult<Element>]) {
        guard missing.hasMissingStages else {
            counters.matches += 1
            results.append(SequenceResult(key: key, events: pending.events.map { $0 }))
            return
        }
        missing.check(events: pending.events, timestamps: pending.timestamps, key: key,
                      counters: &counters, into: &results)
    }

    /// Moves event time forward: releases sequences waiting on a trailing `![…]` stage whose window has
    /// passed, and periodically expires pending state older than the horizon (maxspan or window).
    mutating func advance(to time: Int64, into results: inout [SequenceResult<Element>]) {
        guard time > now else { return }
        now = time
        if missing.hasDeferred { missing.release(upTo: time, counters: &counters, into: &results) }
        if time >= nextSweep, let horizon = shape.horizon {
            expire(before: time.saturatingSubtract(horizon))
            nextSweep = time.saturatingAdd(max(horizon / 4, 1_000_000))
        }
    }

    /// End of a finite stream: sequences still waiting for a trailing `![…]` stage are accepted,
    /// as Elasticsearch does when no such event exists.
    mutating func finish(into results: inout [SequenceResult<Element>]) {
        missing.release(upTo: .max, counters: &counters, into: &results)
    }

    private mutating func expire(before cutoff: Int64) {
        for (key, var state) in keys {
            var changed = false
            for index in state.slots.indices {
                if let pending = state.slots[index], pending.first < cutoff {
                    state.slots[index] = nil
                    counters.expired += 1
                    changed = true
                }
            }
            if state.isEmpty { keys[key] = nil } else if changed { keys[key] = state }
        }
        missing.expire(before: cutoff)
    }

    /// Keeps the number of keys under the cap: expire first, then evict the least recently touched eighth.
    private mutating func makeRoom(at time: Int64) {
        guard keys.count >= shape.capacity else { return }
        if let horizon = shape.horizon { expire(before: time.saturatingSubtract(horizon)) }
        guard keys.count >= shape.capacity else { return }
        let victims = keys.sorted { $0.value.touched < $1.value.touched }.prefix(max(1, shape.capacity / 8))
        for (key, state) in victims {
            counters.evicted += state.slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            keys[key] = nil
        }
    }
}
