import EventModel

/// The `event.action` values an event must have for a filter to possibly match it: callers index rules by action
/// (as they do by ``CompiledFilter/category``) and offer an event only to the filters its action can satisfy.
///
/// Derived from the compiled condition, as a sound over-approximation of `CompiledFilter.matches`: a filter
/// carries a constraint only when every event it matches has a string `event.action` that ``admits(_:)`` accepts.
/// The condition must need, at its top level (`and` conjuncts), one of
/// * `event.action == "x"` (case-sensitive),
/// * `event.action in ("x", "y")` / `in~` (all items strings),
/// * `event.action : "x"` / `like` / `like~` with patterns free of `*` and `?`,
/// * an `or` whose every branch is constrained (the union), or `false` (nothing).
///
/// Read for a multi-valued field (guards, `any where` categories), `literal*` patterns bound it too, as prefixes.
///
/// Anything else — negations, wildcards, regexes, functions, numbers in the list — leaves the filter
/// unconstrained (nil). Like every leaf, these tests are false on a missing `event.action` (spec §4.4: only
/// negation matches a missing field), so an event without one can only meet unconstrained filters.
/// Values of other types (numbers, booleans) may equal a constant by its text: callers must offer such events
/// to every filter of the category.
struct ActionConstraint: Sendable, Equatable {
    /// The slot the condition reads `event.action` from: the view's own field (a Defend-view schema maps it to its
    /// derived action), so callers look each constraint up with the value in this slot.
    let slot: Int
    /// Values matched case-sensitively (`==`, `in`, `like`).
    let values: Set<String>
    /// Values matched case-insensitively (`:`, `in~`, `like~`), each in ``caseFolded(_:)`` form.
    let caseInsensitiveValues: Set<String>
    /// `literal*` patterns (UTF-8 bytes): a value starting with one is admitted. Derived only for guards
    /// (`multiValued`), never for the action index or `auspex check`.
    let prefixes: Set<[UInt8]>
    /// The same, matched case-insensitively: against the value's ``caseFolded(_:)`` bytes.
    let caseInsensitivePrefixes: Set<[UInt8]>

    init(slot: Int, values: Set<String> = [], caseInsensitiveValues: Set<String> = []) {
        self.slot = slot
        self.values = values
        self.caseInsensitiveValues = Set(caseInsensitiveValues.map(Self.caseFolded))
        prefixes = []
        caseInsensitivePrefixes = []
    }

    /// True when an event whose action is `action` may satisfy the filter.
    func admits(_ action: String) -> Bool {
        if values.contains(action) { return true }
        if !prefixes.isEmpty, prefixes.contains(where: { action.utf8.starts(with: $0) }) { return true }
        guard !caseInsensitiveValues.isEmpty || !caseInsensitivePrefixes.isEmpty else { return false }
        let folded = Self.caseFolded(action)
        return caseInsensitiveValues.contains(folded) || caseInsensitivePrefixes.contains { folded.utf8.starts(with: $0) }
    }

    /// The key two strings share exactly when the case-insensitive operators call them equal: non-ASCII text
    /// lowercased, then ASCII letters folded (the matchers' `CaseInsensitiveKey` equality).
    static func caseFolded(_ text: String) -> String {
        // Most values an event brings (program names, paths) are lowercase ASCII already: one pass over the bytes
        // tells, where the general way scanned them twice, in two calls, copying the string for each.
        if text.utf8.withContiguousStorageIfAvailable(CaseFolding.isFoldedASCII) == true { return text }
        return foldingASCII(CaseFolding.comparable(text))
    }

    /// ASCII letters folded; `comparable` is already in `CaseFolding.comparable` form (as the matchers' sets hold it).
    static func foldingASCII(_ comparable: String) -> String {
        let hasUpper = comparable.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { ($0 &- 0x41) < 26 }
        } ?? comparable.utf8.contains { ($0 &- 0x41) < 26 }
        guard hasUpper else { return comparable }
        return String(decoding: comparable.utf8.map(foldASCII), as: UTF8.self)
    }

    /// The constraint a condition puts on the field in `slot`, nil when it has none (see the type's rules).
    /// `multiValued`: the field may hold several values (`event.category`), each tested on its own, so two
    /// conjuncts may hold through different values: an `and` is bounded by one conjunct's constraint (the
    /// smallest), not by their intersection.
    static func derive(from condition: Predicate, slot: Int, multiValued: Bool = false) -> ActionConstraint? {
        switch condition {
        case .constant(let value):
            return value == true ? nil : ActionConstraint(slot: slot)
        case .fieldEqualsString(let field, let value) where field == slot:
            return ActionConstraint(slot: slot, values: [value])
        case .compare(.equal, .field(let field), .string(let value)) where field == slot:
            return ActionConstraint(slot: slot, values: [value])
        case .member(.field(let field), let set) where field == slot:
            guard let strings = set.stringsOnly else { return nil }
            return ActionConstraint(slot: slot, literals: strings, caseInsensitive: set.caseInsensitive)
        case .match(.field(let field), let patterns) where field == slot:
            // A few short prefixes at most: each one is compared with the event's value on every lookup.
            if multiValued, let split = patterns.literalsAndPrefixes, split.prefixes.count <= Self.maxPrefixes,
               split.prefixes.allSatisfy({ $0.count <= Self.maxPrefixLength }) {
                let constraint = ActionConstraint(slot: slot, literals: split.literals, caseInsensitive: patterns.caseInsensitive)
                return ActionConstraint(slot: slot, folded: constraint.caseInsensitiveValues, values: constraint.values,
                                        prefixes: patterns.caseInsensitive ? [] : split.prefixes,
                                        caseInsensitivePrefixes: patterns.caseInsensitive ? split.prefixes : [])
            }
            guard let literals = patterns.literalsOnly else { return nil }
            return ActionConstraint(slot: slot, literals: literals, caseInsensitive: patterns.caseInsensitive)
        case .and(let conjuncts):
            // Every conjunct must hold, so each constrained one bounds the action; intersect them.
            let bounds = conjuncts.compactMap { derive(from: $0, slot: slot, multiValued: multiValued) }
            if multiValued { return bounds.min { $0.count < $1.count } }
            return bounds.reduce(nil) { $0?.intersection($1) ?? $1 }
        case .or(let branches):
            var union = ActionConstraint(slot: slot)
            for branch in branches {
                guard let constraint = derive(from: branch, slot: slot, multiValued: multiValued) else { return nil }
                union = union.union(constraint)
            }
            return union
        default:
            return nil
        }
    }

    /// Constraints on several fields of which the condition needs one to hold (a disjunction: an event may satisfy
    /// the condition only if, for some returned constraint, some value of the field in its slot is admitted), nil
    /// when it needs none. Each constraint is ``derive(from:slot:multiValued:)``'s multi-valued reading, sound on its
    /// own; an `and` holds only if each conjunct does, so one conjunct's disjunction bounds it; an `or` holds only if
    /// some branch does, so the union of its branches' disjunctions (field by field) bounds it. `slots` in order of
    /// preference: a condition bounded by one field alone gets that field's constraint only.
    static func deriveEither(from condition: Predicate, slots: [Int]) -> [ActionConstraint]? {
        if let single = slots.lazy.compactMap({ derive(from: condition, slot: $0, multiValued: true) }).first {
            return [single]
        }
        switch condition {
        case .and(let conjuncts):
            return conjuncts.lazy.compactMap { deriveEither(from: $0, slots: slots) }.first
        case .or(let branches):
            var bySlot: [Int: ActionConstraint] = [:]
            for branch in branches {
                guard let either = deriveEither(from: branch, slots: slots) else { return nil }
                for bound in either { bySlot[bound.slot] = bySlot[bound.slot]?.union(bound) ?? bound }
            }
            return slots.compactMap { bySlot[$0] }
        default:
            return nil
        }
    }

    /// Bounds on the prefixes a guard takes from one pattern list (beyond them the list is no guard).
    static let maxPrefixes = 16
    static let maxPrefixLength = 64

    private var count: Int { values.count + caseInsensitiveValues.count + prefixes.count + caseInsensitivePrefixes.count }

    /// Whether it admits values by prefix (then only a guard may use it: see ``prefixes``).
    var hasPrefixes: Bool { !prefixes.isEmpty || !caseInsensitivePrefixes.isEmpty }

    /// The actions either admits (both read `slot`): the constraint of a rule with several filters.
    func union(_ other: ActionConstraint) -> ActionConstraint {
        ActionConstraint(slot: slot, folded: caseInsensitiveValues.union(other.caseInsensitiveValues),
                         values: values.union(other.values), prefixes: prefixes.union(other.prefixes),
                         caseInsensitivePrefixes: caseInsensitivePrefixes.union(other.caseInsensitivePrefixes))
    }

    /// Exactly the actions both admit: a case-sensitive value either side keeps it when the other admits it too;
    /// a case-insensitive one must be on both sides.
    private func intersection(_ other: ActionConstraint) -> ActionConstraint {
        precondition(!hasPrefixes && !other.hasPrefixes, "prefixes are derived for multi-valued reading only")
        let exact = values.filter(other.admits).union(other.values.filter(admits))
        return ActionConstraint(slot: slot, folded: caseInsensitiveValues.intersection(other.caseInsensitiveValues),
                                values: exact)
    }

    /// The literals of a value or pattern set, case-insensitive ones in `CaseFolding.comparable` form.
    private init(slot: Int, literals: Set<String>, caseInsensitive: Bool) {
        self.init(slot: slot, folded: caseInsensitive ? Set(literals.map(Self.foldingASCII)) : [],
                  values: caseInsensitive ? [] : literals)
    }

    /// Values already folded.
    private init(slot: Int, folded: Set<String>, values: Set<String>, prefixes: Set<[UInt8]> = [],
                 caseInsensitivePrefixes: Set<[UInt8]> = []) {
        self.slot = slot
        self.values = values
        self.caseInsensitiveValues = folded
        self.prefixes = prefixes
        self.caseInsensitivePrefixes = caseInsensitivePrefixes
    }
}
