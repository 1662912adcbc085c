import EQL
import EventModel

/// Which matchers an event is offered: by `event.category`, then by `event.action` (`CompiledFilter.actions`), as
/// the daemon's rule index does (one view here, so one action slot). Sequences and samples of the category that
/// cannot match are still told the time (`tick`), so their state ages as if they had been offered the event.
struct OfferPlan {
    struct Offer {
        var evaluate: [Int] = []
        var tick: [Int] = []
    }

    private var unconstrained: [String: [Int]] = [:]
    private var constrained: [String: [(rule: Int, actions: ActionConstraint, stateful: Bool)]] = [:]
    /// Rules with an `any` stage: offered every event.
    let anyRules: [Int]
    /// Per category and action, built on first sight.
    private var memo: [String: [String?: Offer]] = [:]

    init(_ queries: [CompiledQuery]) {
        var any: [Int] = []
        for (rule, query) in queries.enumerated() {
            guard query.categories != nil else { any.append(rule); continue }
            let stateful: Bool
            if case .event = query.body { stateful = false } else { stateful = true }
            var byCategory: [String: ActionConstraint?] = [:]
            for filter in query.filters {
                let category = filter.category!
                switch (byCategory[category], filter.actions) {
                case (nil, let actions): byCategory[category] = .some(actions)
                case (let known??, let actions?): byCategory[category] = known.union(actions)
                default: byCategory[category] = .some(nil)
                }
            }
            for (category, actions) in byCategory {
                if let actions = actions { constrained[category, default: []].append((rule, actions, stateful)) }
                else { unconstrained[category, default: []].append(rule) }
            }
        }
        anyRules = any
    }

    /// The rules the category index alone offers.
    func categoryRules(_ category: String) -> Int {
        (unconstrained[category]?.count ?? 0) + (constrained[category]?.count ?? 0) + anyRules.count
    }

    mutating func offer(category: String, action: String?) -> Offer {
        if let offer = memo[category]?[action] { return offer }
        var offer = Offer(evaluate: (unconstrained[category] ?? []) + anyRules)
        for member in constrained[category] ?? [] {
            if let action, member.actions.admits(action) { offer.evaluate.append(member.rule) }
            else if member.stateful { offer.tick.append(member.rule) }
        }
        memo[category, default: [:]][action] = offer
        return offer
    }
}
