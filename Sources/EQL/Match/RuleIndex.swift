import EventModel

/// Compiled queries indexed by event category, `event.action` and one more field, so an event meets only the queries
/// that can match it (architecture.md: "rules are indexed by event category"; most rules of a category also test one
/// action, and pick a few program or file names). The daemon and the benchmark use it alike.
///
/// Filters are filed under their category (an `any where` filter under the `event.category` values its condition
/// requires, or under every category when it requires none). Per category, rules whose filters there do not
/// constrain the action are always offered; the others are grouped by the slot they read `event.action` from (a
/// daemon view's own field, e.g. auditd's or the Defend view's derived one) and looked up with the value in that
/// slot, so each rule is matched against the action as it sees it. Last, a rule whose filters there all need one of
/// a few values of a guard field (``ValueGuards``) is skipped when the event's value is none of them. A sequence or
/// sample rule that cannot match an event of its category is still told the event's time (`tick`): its expiry
/// sweeps and trailing `![…]` releases run on the event times it is shown, so it must see the same times as without
/// the index for its alerts to stay identical.
///
/// A class: the engine reads it once per event, and copying a struct of its tables retained each of them.
public final class RuleIndex: Sendable {
    /// What the index needs to know about one rule.
    public struct Rule: Sendable {
        /// Categories whose events can advance the rule; nil for "any" (see `CompiledRule.categories`).
        public var categories: Set<String>?
        /// Per category, the actions the rule's filters of that category need; a category not listed is unconstrained.
        var actions: [String: ActionConstraint]
        /// Per category, the values one more field (or one of several, a disjunction) must have for the rule's
        /// filters there (see ``ValueGuards``); a category not listed is unguarded.
        var guards: [String: [ActionConstraint]]
        /// For a rule of no category (offered every event), the same for every category (and events of none).
        var everyCategoryGuards: [ActionConstraint]?
        /// Sequences and samples keep state that ages with the event times they are shown.
        var tracksTime: Bool

        init(categories: Set<String>?, actions: [String: ActionConstraint] = [:],
             guards: [String: [ActionConstraint]] = [:], everyCategoryGuards: [ActionConstraint]? = nil,
             tracksTime: Bool = false) {
            self.categories = categories
            self.actions = actions
            self.guards = guards
            self.everyCategoryGuards = everyCategoryGuards
            self.tracksTime = tracksTime
        }

        /// What `query` needs. `alsoFiledUnder` maps a category the query tests to other categories the caller files
        /// the same events under (the Defend view's module loads are `process` events, `driver` in audit data).
        public init(query: CompiledQuery, alsoFiledUnder: [String: [String]] = [:]) {
            categories = query.categories.map { categories in
                categories.union(categories.flatMap { alsoFiledUnder[$0] ?? [] })
            }
            if case .event = query.body { tracksTime = false } else { tracksTime = true }
            actions = Self.actionsByCategory(query.filters, alsoFiledUnder: alsoFiledUnder)
            guards = Self.guardsByCategory(query.filters, actions: actions, alsoFiledUnder: alsoFiledUnder)
            everyCategoryGuards = categories == nil ? Self.eitherGuards(query.filters) : nil
        }

        /// The disjunction of guards some filter of `filters` must pass for an event to advance the rule: each
        /// filter's (its first single-field guard, else its ``CompiledFilter/eitherGuards``), unioned field by
        /// field; nil when some filter has none.
        private static func eitherGuards(_ filters: [CompiledFilter]) -> [ActionConstraint]? {
            var bySlot: [Int: ActionConstraint] = [:], order: [Int] = []
            for filter in filters {
                guard let either = filter.guards.first.map({ [$0] }) ?? filter.eitherGuards else { return nil }
                for bound in either {
                    if bySlot[bound.slot] == nil { order.append(bound.slot) }
                    bySlot[bound.slot] = bySlot[bound.slot]?.union(bound) ?? bound
                }
            }
            return order.map { bySlot[$0]! }
        }

        /// Per category, the first guard field (most selective first) that every filter of that category bounds,
        /// with the values they admit together; when they share none and the action index does not constrain the
        /// category, their ``eitherGuards(_:)``; else the category is unguarded.
        private static func guardsByCategory(_ filters: [CompiledFilter], actions: [String: ActionConstraint],
                                             alsoFiledUnder: [String: [String]]) -> [String: [ActionConstraint]] {
            var filtersByCategory: [String: [CompiledFilter]] = [:]
            for filter in filters {
                guard let categories = filter.indexCategories else { return [:] }  // offered every event anyway
                for filedUnder in categories.sorted().flatMap({ [$0] + (alsoFiledUnder[$0] ?? []) }) {
                    filtersByCategory[filedUnder, default: []].append(filter)
                }
            }
            var guards: [String: [ActionConstraint]] = [:]
            for (category, filters) in filtersByCategory {
                defer {
                    if guards[category] == nil, actions[category] == nil { guards[category] = eitherGuards(filters) }
                }
                candidates: for candidate in filters[0].guards {
                    var union = candidate
                    for filter in filters.dropFirst() {
                        guard let bound = filter.guards.first(where: { $0.slot == candidate.slot }) else {
                            continue candidates
                        }
                        union = union.union(bound)
                    }
                    guards[category] = [union]
                    break
                }
            }
            return guards
        }

        /// Unions each category's filters' constraints; one unconstrained filter frees the category.
        private static func actionsByCategory(_ filters: [CompiledFilter], alsoFiledUnder: [String: [String]])
            -> [String: ActionConstraint] {
            var constraints: [String: ActionConstraint] = [:]
            var unconstrained = Set<String>()
            for filter in filters {
                guard let categories = filter.indexCategories else { return [:] }  // offered every event anyway
                for filedUnder in categories.sorted().flatMap({ [$0] + (alsoFiledUnder[$0] ?? []) }) {
                    // (A query reads one action slot; were two to differ, the category would just stay unconstrained.)
                    guard let actions = filter.actions, constraints[filedUnder].map({ $0.slot == actions.slot }) ?? true
                    else {
                        unconstrained.insert(filedUnder)
                        continue
                    }
                    constraints[filedUnder] = constraints[filedUnder]?.union(actions) ?? actions
                }
            }
            for category in unconstrained { constraints[category] = nil }
            return constraints
        }
    }

    /// Rule numbers to evaluate, and stateful rules to only tell the time.
    struct Offer: Sendable {
        var evaluate: [Int] = []
        var tick: [Int] = []
    }

    /// The rules of one category (a class, as the index: read per event, never copied).
    final class CategoryRules: Sendable {
        /// Offered whatever the action.
        let unconstrained: [Int]
        let groups: [ActionGroup]
        /// What the rules offered by action still need of other fields.
        let guards: ValueGuards

        init(unconstrained: [Int] = [], groups: [ActionGroup] = [], guards: ValueGuards = ValueGuards([])) {
            self.unconstrained = unconstrained
            self.groups = groups
            self.guards = guards
            ruleCount = unconstrained.count + groups.reduce(0) { $0 + $1.ruleCount }
        }

        /// Rules the category index alone would offer (for the counters; counted once, read per event).
        let ruleCount: Int
    }

    private let byCategory: [String: CategoryRules]
    /// `byCategory`'s entries with their names' lengths, for the per-event lookup (``rules(ofCategory:)``).
    private let categoryEntries: [(length: Int, name: String, rules: CategoryRules)]
    private let categoryNamesAreASCII: Bool
    /// Events of no indexed category (or none) meet only the `any where` rules.
    private let otherCategories: CategoryRules
    /// Per category, every rule of it in order (the category index alone).
    private let rulesByCategory: [String: [Int]]
    /// Rules with an `any where` stage: every event goes to them.
    let anyCategory: [Int]
    /// Per rule number: a sequence or sample (told the time when skipped).
    private let tracksTime: [Bool]

    public init(rules: [Rule]) {
        var any: [Int] = []
        var unconstrained: [String: [Int]] = [:]
        var constrained: [String: [Int: [(rule: Int, actions: ActionConstraint, tracksTime: Bool)]]] = [:]
        var guards: [String: [(rule: Int, bound: ActionConstraint)]] = [:]
        var anyGuards: [(rule: Int, bound: ActionConstraint)] = []
        for (number, rule) in rules.enumerated() {
            guard let categories = rule.categories else {
                any.append(number)
                for bound in rule.everyCategoryGuards ?? [] { anyGuards.append((number, bound)) }
                continue
            }
            for category in categories {
                for bound in rule.guards[category] ?? [] { guards[category, default: []].append((number, bound)) }
                if let actions = rule.actions[category] {
                    constrained[category, default: [:]][actions.slot, default: []]
                        .append((number, actions, rule.tracksTime))
                } else {
                    unconstrained[category, default: []].append(number)
                }
            }
        }
        anyCategory = any
        otherCategories = CategoryRules(unconstrained: any, guards: ValueGuards(anyGuards))
        var tables: [String: CategoryRules] = [:]
        for category in Set(unconstrained.keys).union(constrained.keys) {
            let groups = (constrained[category] ?? [:]).sorted { $0.key < $1.key }.map { slot, members in
                ActionGroup(slot: slot, members: members)
            }
            tables[category] = CategoryRules(unconstrained: ((unconstrained[category] ?? []) + any).sorted(),
                                             groups: groups, guards: ValueGuards((guards[category] ?? []) + anyGuards))
        }
        byCategory = tables
        categoryEntries = tables.map { (length: $0.key.utf8.count, name: $0.key, rules: $0.value) }
        categoryNamesAreASCII = tables.keys.allSatisfy(CaseFolding.isASCII)
        tracksTime = rules.map(\.tracksTime)
        rulesByCategory = tables.mapValues { table in
            (table.unconstrained + table.groups.flatMap(\.everything.evaluate)).sorted()
        }
    }

    /// The rules an event with this `event.category` value (a string, an array, or null) can advance whatever its
    /// action, in rule order, each once: what a category-only index offers.
    func candidates(forCategory value: FieldValue) -> [Int] {
        switch value {
        case .string(let category):
            return rulesByCategory[category] ?? anyCategory
        case .array(let elements):
            var lists: [[Int]] = []
            for case .string(let category) in elements {
                if let list = rulesByCategory[category] { lists.append(list) }
            }
            if lists.isEmpty { return anyCategory }
            if lists.count == 1 { return lists[0] }
            return Array(Set(lists.joined())).sorted()
        default:
            return anyCategory
        }
    }

    /// Visits the rules `event` may advance (`evaluate`) and the stateful rules of its categories it cannot
    /// (`tick`), each rule once, in no particular order. `category` is the event's `event.category` value.
    /// Returns the number of rules the category index alone would have offered.
    @discardableResult
    public func visit(category: FieldValue, event: SlotEvent, evaluate: (Int) -> Void, tick: (Int) -> Void) -> Int {
        let table: CategoryRules
        switch category {
        case .string(let name):
            table = rules(ofCategory: name) ?? otherCategories
        case .array(let elements) where elements.count == 1:
            if case .string(let name) = elements[0] { table = rules(ofCategory: name) ?? otherCategories }
            else { table = otherCategories }
        case .array(let elements):
            return visitSeveral(elements.compactMap { $0.stringValue.flatMap(rules(ofCategory:)) }, event: event,
                                evaluate: evaluate, tick: tick)
        default:
            table = otherCategories
        }
        walk(table, event: event, evaluate: evaluate, tick: tick)
        return table.ruleCount
    }

    /// The rules filed under category `name`. The categories are a few short ASCII names: comparing the lengths,
    /// then the one or two names of the same length, beat hashing the name (SipHash, ~380 instructions an event).
    /// Lengths tell only between ASCII texts (Swift equates canonically equivalent ones): others are hashed.
    private func rules(ofCategory name: String) -> CategoryRules? {
        guard categoryEntries.count <= 32, categoryNamesAreASCII, CaseFolding.isASCII(name) else {
            return byCategory[name]
        }
        let length = name.utf8.count
        for entry in categoryEntries where entry.length == length && entry.name == name { return entry.rules }
        return nil
    }

    /// One category's rules for `event`: those it may advance go to `evaluate`, stateful ones it cannot to `tick`.
    private func walk(_ table: CategoryRules, event: SlotEvent, evaluate: (Int) -> Void, tick: (Int) -> Void) {
        table.guards.withAdmissions(for: event) { admissions in
            // A rule its guard turns away is handled as one its action turned away.
            func consider(_ rule: Int) {
                if admissions.admits(rule) { evaluate(rule) } else if tracksTime[rule] { tick(rule) }
            }
            for rule in table.unconstrained { consider(rule) }
            for group in table.groups {
                group.offer(for: admissions.value(in: group.slot)) { offer in  // (capturing `event` copied it)
                    for rule in offer.evaluate { consider(rule) }
                    for rule in offer.tick { tick(rule) }
                }
            }
        }
    }

    /// An event of several categories: each rule once, evaluated when any of its categories' entries says so.
    private func visitSeveral(_ tables: [CategoryRules], event: SlotEvent,
                              evaluate: (Int) -> Void, tick: (Int) -> Void) -> Int {
        if tables.isEmpty { return visit(category: .null, event: event, evaluate: evaluate, tick: tick) }
        var evaluated = Set<Int>(), ticked = Set<Int>()
        for table in tables {
            walk(table, event: event, evaluate: { evaluated.insert($0) }, tick: { ticked.insert($0) })
        }
        ticked.subtract(evaluated)
        for rule in evaluated.sorted() { evaluate(rule) }
        for rule in ticked.sorted() { tick(rule) }
        return Set(tables.flatMap { $0.unconstrained + $0.groups.flatMap(\.everything.evaluate) }).count
    }
}
