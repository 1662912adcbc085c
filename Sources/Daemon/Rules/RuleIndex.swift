import EventModel

/// Rules indexed by event category, so an event meets only the rules that can match it
/// (architecture.md: "rules are indexed by event category").
///
/// Each category's list already includes the rules with an `any` stage, sorted by rule position, so the common
/// single-category event costs one dictionary lookup and no merging.
public struct RuleIndex: Sendable {
    private let byCategory: [String: [Int]]
    /// Rules with an `any where` stage: every event goes to them.
    public let anyCategory: [Int]

    /// `categories[i]` is rule i's category set, nil for "any".
    public init(categories: [Set<String>?]) {
        var any: [Int] = []
        var lists: [String: [Int]] = [:]
        for (rule, set) in categories.enumerated() {
            guard let set else {
                any.append(rule)
                continue
            }
            for category in set { lists[category, default: []].append(rule) }
        }
        anyCategory = any
        byCategory = lists.mapValues { Array(Set($0).union(any)).sorted() }
    }

    /// The rules an event with this `event.category` value (a string, an array, or null) can advance,
    /// in rule order, each once.
    public func candidates(forCategory value: FieldValue) -> [Int] {
        switch value {
        case .string(let category):
            return byCategory[category] ?? anyCategory
        case .array(let elements):
            var lists: [[Int]] = []
            for case .string(let category) in elements {
                if let list = byCategory[category] { lists.append(list) }
            }
            if lists.isEmpty { return anyCategory }
            if lists.count == 1 { return lists[0] }
            return Array(Set(lists.joined())).sorted()
        default:
            return anyCategory
        }
    }
}
