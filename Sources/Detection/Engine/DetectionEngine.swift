import EQL
import EventModel
import Events
import Rules

/// Runs every rule of a `RuleSet` over a stream of normalized events: each event's slots become a `SlotEvent` (no
/// copy), then meet only the rules its `event.category` and `event.action` can advance. Single-threaded; owned by the
/// processing thread.
struct DetectionEngine {
    private(set) var ruleSet: RuleSet
    let limits: MatcherLimits
    private var matchers: [RuleMatcher]
    /// Slot of `event.category`, the index key.
    private let categorySlot: Int?
    private var nextOrdinal = 0
    private var latest: Int64 = .min
    private var nextSweep: Int64 = .min
    private(set) var counters = EngineCounters()
    /// Events kept from a rule, per rule and exception item.
    private(set) var exceptionHits: [ExceptionHit: UInt64] = [:]

    /// How often (in event time) rules that saw no event are told that time moved on, so they release state.
    static let sweepIntervalNanos: Int64 = 1_000_000_000

    init(ruleSet: RuleSet, limits: MatcherLimits = MatcherLimits()) {
        self.ruleSet = ruleSet
        self.limits = limits
        matchers = ruleSet.matchers.map {
            RuleMatcher(rule: $0.rule, compiled: ruleSet.rules[$0.rule], evaluation: $0.evaluation, limits: limits)
        }
        categorySlot = ruleSet.schema.slot(for: "event.category")
    }

    /// Swaps in new rules. Partial sequences and samples of the old rules are dropped (and counted).
    mutating func replace(with ruleSet: RuleSet) {
        counters.droppedOnReload += UInt64(pendingKeys)
        let hits = exceptionHits
        self = DetectionEngine(ruleSet: ruleSet, limits: limits, keeping: counters, ordinal: nextOrdinal)
        exceptionHits = hits
    }

    private init(ruleSet: RuleSet, limits: MatcherLimits, keeping counters: EngineCounters, ordinal: Int) {
        self.init(ruleSet: ruleSet, limits: limits)
        self.counters = counters
        self.nextOrdinal = ordinal
    }

    /// Offers one document. `timestamp` is the audit header time in nanoseconds, `serial` the audit serial
    /// (the tiebreaker). Matches are appended to `matches`.
    mutating func process(_ document: Document, timestamp: Int64, serial: UInt32,
                                 into matches: inout [RuleMatch]) {
        var enriched = EnrichedEvent(slots: EventSlots(document: document, slotCount: ruleSet.schema.slotCount))
        process(&enriched, timestamp: timestamp, serial: serial, into: &matches)
    }

    /// Offers one event with what its fork-family call created (the Defend view's fork describes the child). The
    /// schema's own slots (open fields rules read, Defend-view fields) are filled in `enriched` itself, so the
    /// rules read its array with no copy.
    mutating func process(_ enriched: inout EnrichedEvent, timestamp: Int64, serial: UInt32,
                                 into matches: inout [RuleMatch]) {
        let ordinal = nextOrdinal
        nextOrdinal += 1
        counters.events += 1
        guard !matchers.isEmpty else { return }
        ruleSet.schema.complete(&enriched.slots, fork: enriched.fork)
        enriched.ordinal = ordinal
        offer(enriched, timestamp: timestamp, serial: serial, into: &matches)
    }

    /// ``process(_:timestamp:serial:into:)`` once the event is complete: the closures borrow `offered` (a
    /// parameter), where reading the inout event inside them copied it once per rule offered.
    private mutating func offer(_ offered: EnrichedEvent, timestamp: Int64, serial: UInt32,
                                into matches: inout [RuleMatch]) {
        let ordinal = offered.ordinal
        let event = SlotEvent(values: offered.slots.values, timestamp: timestamp,
                              tiebreaker: .int(Int64(serial)), ordinal: ordinal)
        let first = matches.count
        // The matchers are moved out while the index walks them, so the closures own them (no copy, no overlap).
        var taken: [RuleMatcher] = []
        swap(&taken, &matchers)
        var evaluated = 0
        // Exceptions keep an event from a rule before any stage can use it; the rule still sees time pass.
        let exceptions = ruleSet.hasExceptions ? ruleSet.exceptions : []
        let now = exceptions.isEmpty ? 0 : RuleExceptions.wallClock()
        var excepted: [(rule: Int, item: Int)] = []  // rule: the matcher's position
        // Through a buffer: the array's element access from the closures copied each matcher out and back.
        let categoryRules = taken.withUnsafeMutableBufferPointer { taken in
            ruleSet.index.visit(
                category: categorySlot.map { event[$0] } ?? .null, event: event,
                evaluate: { rule in
                    evaluated += 1
                    if !exceptions.isEmpty, let item = exceptions[rule].match(event.values, now: now) {
                        excepted.append((rule, item))
                        taken[rule].pass(at: timestamp, into: &matches)
                        return
                    }
                    taken[rule].offer(event, enriched: offered, into: &matches)
                },
                tick: { rule in taken[rule].pass(at: timestamp, into: &matches) })
        }
        swap(&taken, &matchers)
        for hit in excepted {
            counters.excepted += 1
            exceptionHits[ExceptionHit(rule: ruleSet.rules[ruleSet.matchers[hit.rule].rule].source.ruleID,
                                       item: exceptions[hit.rule].itemKeys[hit.item]), default: 0] += 1
        }
        if matches.count - first > 1 { Self.sortByRule(&matches, from: first) }
        counters.offers += UInt64(evaluated)
        counters.categoryOffers += UInt64(categoryRules)
        if timestamp > latest { latest = timestamp }
        if latest >= nextSweep {
            nextSweep = latest &+ Self.sweepIntervalNanos
            for index in matchers.indices { matchers[index].advance(to: latest, into: &matches) }
        }
        if ruleSet.hasMultiViewRules { Self.mergeViews(&matches, from: first) }
    }

    /// A rule evaluated in two views raises once for the same events: of the matches appended since `first`, a
    /// later one of the same rule over the same event ordinals is dropped (the first view's, auditd's, is kept).
    /// Matches of one rule are adjacent after ``sortByRule(_:from:)``, except those the sweep released.
    static func mergeViews(_ matches: inout [RuleMatch], from first: Int) {
        guard matches.count - first > 1 else { return }
        var seen = Set<[Int]>()
        var kept: [RuleMatch] = []
        for match in matches[first...] {
            if match.ordinals.isEmpty || seen.insert([match.rule] + match.ordinals).inserted { kept.append(match) }
        }
        if kept.count != matches.count - first { matches.replaceSubrange(first..., with: kept) }
    }

    /// The index visits rules in no set order; matches go out in rule order, each rule's own in the order it
    /// gave them, as when every rule of the category was offered in turn.
    private static func sortByRule(_ matches: inout [RuleMatch], from first: Int) {
        let ordered = matches[first...].enumerated().sorted { lhs, rhs in
            (lhs.element.rule, lhs.offset) < (rhs.element.rule, rhs.offset)
        }
        matches.replaceSubrange(first..., with: ordered.map(\.element))
    }

    /// End of a finite input (replay): releases sequences that only waited for a trailing missing-event stage.
    mutating func finish(into matches: inout [RuleMatch]) {
        let first = matches.count
        for index in matchers.indices { matchers[index].finish(into: &matches) }
        if ruleSet.hasMultiViewRules { Self.mergeViews(&matches, from: first) }
    }

    /// State counters summed over every rule (sequences started, expired, evicted, …).
    var matchCounters: MatchCounters { MatchCounters.total(matchers.lazy.map(\.counters)) }

    /// ``exceptionHits`` ordered by rule, then item.
    var sortedExceptionHits: [(rule: String, item: String, count: UInt64)] {
        exceptionHits.sorted { $0.key.description < $1.key.description }.map { ($0.key.rule, $0.key.item, $0.value) }
    }

    /// Join keys holding partial sequences or samples, over all rules.
    var pendingKeys: Int { matchers.reduce(0) { $0 + $1.pendingKeys } }
}

/// What the engine did, cumulative (matches are the pipeline's alerts).
public struct EngineCounters: Sendable, Equatable {
    /// Documents offered to the engine (kept across reloads).
    var events: UInt64 = 0
    /// (event, rule) pairs evaluated after the category and action index: the work the index left.
    public var offers: UInt64 = 0
    /// (event, rule) pairs the category index alone would have evaluated.
    var categoryOffers: UInt64 = 0
    /// Partial state discarded when rules were reloaded.
    public var droppedOnReload: UInt64 = 0
    /// (event, rule) pairs an exception item kept apart.
    public var excepted: UInt64 = 0

    init() {}
}

/// A rule and one of its exception items (`list_id/item_id`).
struct ExceptionHit: Hashable, Sendable, CustomStringConvertible {
    var rule: String
    var item: String
    init(rule: String, item: String) {
        self.rule = rule
        self.item = item
    }
    var description: String { rule + " " + item }
}
