import EventModel

// The compiled form of a query: what the streaming matchers (Match/) consume.
// Produced by `EQLCompiler.compile(_:)`. Everything here is immutable and Sendable, so one
// compiled query can be shared by any number of matcher threads.

/// A query compiled against a `FieldSchema`.
public struct CompiledQuery: Sendable {
    enum Body: Sendable {
        /// `category where condition`
        case event(CompiledFilter)
        /// `sequence [by …] [with maxspan=…] [stage]… [until [stage]]`
        case sequence(CompiledSequence)
        /// `sample [by …] [stage]…`
        case sample(CompiledSample)
    }

    /// A result pipe; a batch concept, applied by the caller in order.
    enum Pipe: Sendable, Equatable {
        case head(Int)
        case tail(Int)
    }

    /// What a ``StreamMatcher`` runs.
    var body: Body
    /// `| head N` / `| tail N`, in query order.
    var pipes: [Pipe]
    /// Dotted names of referenced fields the schema has no slot for; they compiled to null.
    public var unknownFields: [String]

    /// The query's kind, by its body.
    public enum Kind: Sendable {
        case event, sequence, sample
    }

    public var kind: Kind {
        switch body {
        case .event: return .event
        case .sequence: return .sequence
        case .sample: return .sample
        }
    }

    /// True when the query ends in result pipes (`| head`, `| tail`): a batch selection a streaming engine ignores.
    public var hasPipes: Bool { !pipes.isEmpty }

    /// Every filter an event may be tested against: the event query's, or each stage's (`![…]` stages included)
    /// followed by `until`'s, in query order.
    var filters: [CompiledFilter] {
        switch body {
        case .event(let filter): return [filter]
        case .sequence(let sequence): return (sequence.stages + (sequence.until.map { [$0] } ?? [])).map(\.filter)
        case .sample(let sample): return sample.stages.map(\.filter)
        }
    }

    /// The filters every result's events pass: the event query's, or every stage's but missing-event (`![…]`)
    /// stages; `until` is not one of them. A query one of them can never hold for never matches.
    var filtersEveryResultPasses: [CompiledFilter] {
        switch body {
        case .event(let filter): return [filter]
        case .sequence(let sequence): return sequence.stages.filter { !$0.isMissing }.map(\.filter)
        case .sample(let sample): return sample.stages.map(\.filter)
        }
    }

    /// Per filter (in ``filters`` order), the `event.action` values an event needs to possibly satisfy it; nil for
    /// a filter that does not constrain the action. An event may advance the query only if some filter admits it.
    var actionConstraints: [ActionConstraint?] { filters.map(\.actions) }

    /// The event categories the query can match (its stages' and `until`'s, see ``CompiledFilter/indexCategories``),
    /// nil when a stage may match any: callers offer a query only the events of these categories.
    var categories: Set<String>? {
        var categories = Set<String>()
        for filter in filters {
            guard let filterCategories = filter.indexCategories else { return nil }
            categories.formUnion(filterCategories)
        }
        return categories
    }

    init(body: Body, pipes: [Pipe] = [], unknownFields: [String] = []) {
        self.body = body
        self.pipes = pipes
        self.unknownFields = unknownFields
    }
}

/// `category where condition`, compiled. `matches` checks the category too.
struct CompiledFilter: Sendable {
    /// The category term (exact, case-sensitive), or nil for `any`. Useful for indexing rules by category.
    var category: String? { test.category }
    /// The condition as compiled (folded IR); the category test is not part of it.
    let condition: Predicate
    /// What runs per event: category and lowered condition, shared by reference.
    let test: FilterTest
    /// The `event.action` values the condition needs (category aside), nil when it needs none: see
    /// ``ActionConstraint``. Useful for indexing rules by action.
    let actions: ActionConstraint?
    /// The values other indexed fields (``EQLCompiler/guardFields``, most selective first) must have for the
    /// condition to hold, for each such field it bounds (the same sound over-approximation as ``actions``, read
    /// as "some value of the field is one of these", so multi-valued fields such as `process.args` qualify). The
    /// rule index skips a filter whose guard the event's values all fail, without evaluating it.
    let guards: [ActionConstraint]
    /// When no single field bounds the condition, constraints on several (the guard fields and `event.action`) of
    /// which an event must satisfy one (``ActionConstraint/deriveEither(from:slots:)``: `event.action in (…) or
    /// auditd.data.syscall in (…)`); nil when none do. The rule index skips the filter when the event's values fail
    /// them all.
    let eitherGuards: [ActionConstraint]?
    /// The `event.category` values an event needs one of to match: the category term, or for `any where` what the
    /// condition requires of `event.category` (`any where event.category in ("file", "process") and …`); nil when
    /// it may match any event; empty when it never matches (it needs a field the source never produces). Exact
    /// values only: the index files events under their categories as they are.
    let indexCategories: Set<String>?

    /// - Parameters:
    ///   - actionSlot: where the schema put `event.action`, when the query read it.
    ///   - guardSlots: where the schema put the guard fields the query read, most selective first.
    init(category: String?, categorySlot: Int?, condition: Predicate, actionSlot: Int? = nil, guardSlots: [Int] = []) {
        self.condition = condition
        self.test = FilterTest(category: category, categorySlot: categorySlot, node: ConditionNode.lower(condition))
        self.actions = actionSlot.flatMap { ActionConstraint.derive(from: condition, slot: $0) }
        self.guards = guardSlots.compactMap { ActionConstraint.derive(from: condition, slot: $0, multiValued: true) }
        self.eitherGuards = guards.isEmpty
            ? ActionConstraint.deriveEither(from: condition, slots: guardSlots + (actionSlot.map { [$0] } ?? []))
            : nil
        if condition.requiresAbsentField {
            indexCategories = []  // it tests a field the source never produces: it never matches, filed nowhere
        } else if let category {
            indexCategories = [category]
        } else if let categorySlot,
                  let required = ActionConstraint.derive(from: condition, slot: categorySlot, multiValued: true),
                  required.caseInsensitiveValues.isEmpty, !required.hasPrefixes {
            indexCategories = required.values
        } else {
            indexCategories = nil
        }
    }

    /// A filter that never matches.
    static let never = CompiledFilter(category: nil, categorySlot: nil, condition: .constant(false))

    /// True when `event` belongs to the category (any element of a multi-valued `event.category`)
    /// and satisfies the condition. Missing fields follow Elasticsearch (negation matches them).
    func matches(_ event: SlotEvent) -> Bool { test.matches(event) }
}

/// A filter's per-event test. A class so the engines hold and call it by reference: calling `matches` on a filter
/// read out of an array copied the whole filter (its sets and lists retained) per stage and event.
final class FilterTest: Sendable {
    let category: String?
    /// Slot of `event.category`, or nil when the schema has none (then only `any` can match).
    let categorySlot: Int?
    /// The condition lowered for execution.
    let node: ConditionNode

    init(category: String?, categorySlot: Int?, node: ConditionNode) {
        self.category = category
        self.categorySlot = categorySlot
        self.node = node
    }

    func matches(_ event: SlotEvent) -> Bool {
        matchesCategory(event) && node.test(event)
    }

    /// The category part alone.
    func matchesCategory(_ event: SlotEvent) -> Bool {
        guard let category else { return true }
        guard let slot = categorySlot, slot < event.values.count else { return false }
        switch event.values[slot] {
        case .string(let s): return s == category
        case .array(let values):
            for case .string(let s) in values where s == category { return true }
            return false
        default: return false
        }
    }
}

/// A `by` key of one stage. May yield `.array` for multi-valued fields (the matcher takes the
/// cartesian product, dropping null elements) or `.null` (the event is then skipped for this
/// stage unless `isOptional`).
struct KeyExpression: Sendable {
    /// The key as written, e.g. `process.parent.pid` (for join-key rendering and diagnostics).
    var text: String
    /// True for `?field` keys: null is then a legal key value and null equals null.
    var isOptional: Bool
    let value: ValueExpr

    init(text: String, isOptional: Bool, value: ValueExpr) {
        self.text = text
        self.isOptional = isOptional
        self.value = value
    }

    func evaluate(_ event: SlotEvent) -> FieldValue {
        value.evaluate(event)
    }
}

/// One stage of a sequence or sample (also the `until` stage).
struct CompiledStage: Sendable {
    var filter: CompiledFilter
    /// Join keys: the `sequence by`/`sample by` keys followed by this stage's own `by` keys.
    /// Every stage of a query has the same number of keys (the verifier checks).
    var keys: [KeyExpression]
    /// `with runs=N`: the matcher repeats this stage N times (1 when absent; 1...100).
    var runs: Int
    /// `![…]`: a missing-event stage (sequences only).
    var isMissing: Bool

    init(filter: CompiledFilter, keys: [KeyExpression], runs: Int = 1, isMissing: Bool = false) {
        self.filter = filter
        self.keys = keys
        self.runs = runs
        self.isMissing = isMissing
    }
}

struct CompiledSequence: Sendable {
    /// Stages in query order, before `runs` expansion.
    var stages: [CompiledStage]
    var until: CompiledStage?
    /// `with maxspan=…` in nanoseconds; nil when absent (unbounded).
    var maxspanNanos: Int64?

    init(stages: [CompiledStage], until: CompiledStage? = nil, maxspanNanos: Int64? = nil) {
        self.stages = stages
        self.until = until
        self.maxspanNanos = maxspanNanos
    }
}

struct CompiledSample: Sendable {
    /// Filters in query order (1...5), each with the full join-key list.
    var stages: [CompiledStage]

    init(stages: [CompiledStage]) {
        self.stages = stages
    }
}
