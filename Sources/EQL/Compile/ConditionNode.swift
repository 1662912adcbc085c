import EventModel

// The executable form of a filter condition. `Predicate` (an enum) is the compiler's IR: easy
// to fold and inspect, but pattern-matching indirect payloads retains and releases on every
// step. The filter runs on every event, so it is lowered once into immutable final-class
// nodes whose children are `let` references (borrowed, not copied, on each call), and leaves
// on a plain field read their slot directly.

class ConditionNode: @unchecked Sendable {  // immutable after init
    /// Per-event filter semantics (see `Predicate.test`).
    func test(_ event: SlotEvent) -> Bool { false }

    /// Lowers a compiled predicate.
    static func lower(_ predicate: Predicate) -> ConditionNode {
        switch predicate {
        case .constant(let b): return ConstantNode(b == true)
        case .not(let p): return NotNode(lower(p))
        case .and(let ps): return ps.count == 2 ? And2Node(lower(ps[0]), lower(ps[1])) : AndNode(ps.map(lower))
        case .or(let ps): return ps.count == 2 ? Or2Node(lower(ps[0]), lower(ps[1])) : OrNode(ps.map(lower))
        case .fieldEqualsString(let slot, let s): return FieldEqualsStringNode(slot: slot, expected: s)
        case .member(.field(let slot), let set): return FieldMemberNode(slot: slot, set: set)
        case .match(.field(let slot), let patterns): return FieldMatchNode(slot: slot, patterns: patterns)
        default: return PredicateNode(predicate)
        }
    }
}

private final class ConstantNode: ConditionNode, @unchecked Sendable {
    let value: Bool
    init(_ value: Bool) { self.value = value }
    override func test(_ event: SlotEvent) -> Bool { value }
}

private final class NotNode: ConditionNode, @unchecked Sendable {
    let child: ConditionNode
    init(_ child: ConditionNode) { self.child = child }
    override func test(_ event: SlotEvent) -> Bool { !child.test(event) }
}

private final class And2Node: ConditionNode, @unchecked Sendable {
    let left: ConditionNode, right: ConditionNode
    init(_ left: ConditionNode, _ right: ConditionNode) { self.left = left; self.right = right }
    override func test(_ event: SlotEvent) -> Bool { left.test(event) && right.test(event) }
}

private final class Or2Node: ConditionNode, @unchecked Sendable {
    let left: ConditionNode, right: ConditionNode
    init(_ left: ConditionNode, _ right: ConditionNode) { self.left = left; self.right = right }
    override func test(_ event: SlotEvent) -> Bool { left.test(event) || right.test(event) }
}

/// Children of an n-ary node. `owners` keeps them alive; the loop walks unmanaged references,
/// which are trivially copyable, so iterating costs no retain/release per child.
private struct NodeList {
    let owners: [ConditionNode]
    let references: [Unmanaged<ConditionNode>]
    init(_ nodes: [ConditionNode]) {
        owners = nodes
        references = nodes.map { Unmanaged.passUnretained($0) }
    }
}

private final class AndNode: ConditionNode, @unchecked Sendable {
    let children: NodeList
    init(_ children: [ConditionNode]) { self.children = NodeList(children) }
    override func test(_ event: SlotEvent) -> Bool {
        for child in children.references where !child._withUnsafeGuaranteedRef({ $0.test(event) }) { return false }
        return true
    }
}

private final class OrNode: ConditionNode, @unchecked Sendable {
    let children: NodeList
    init(_ children: [ConditionNode]) { self.children = NodeList(children) }
    override func test(_ event: SlotEvent) -> Bool {
        for child in children.references where child._withUnsafeGuaranteedRef({ $0.test(event) }) { return true }
        return false
    }
}

/// `field == "text"`: the most common leaf in rules.
private final class FieldEqualsStringNode: ConditionNode, @unchecked Sendable {
    let slot: Int
    let expected: String
    init(slot: Int, expected: String) { self.slot = slot; self.expected = expected }
    override func test(_ event: SlotEvent) -> Bool {
        guard slot < event.values.count else { return false }
        switch event.values[slot] {
        case .string(let s): return s == expected
        case .null: return false
        case let other:
            return ValueSemantics.any(other) {
                if case .string(let s) = $0 { return s == expected }
                return ValueSemantics.equal($0, .string(expected))
            } == true
        }
    }
}

/// `field in (…)` / `in~`.
private final class FieldMemberNode: ConditionNode, @unchecked Sendable {
    let slot: Int
    let set: ValueSet
    init(slot: Int, set: ValueSet) { self.slot = slot; self.set = set }
    override func test(_ event: SlotEvent) -> Bool {
        guard slot < event.values.count else { return false }
        switch event.values[slot] {
        case .null: return false
        case .array(let items): return items.contains { !$0.isNull && set.contains($0) }
        case let value: return set.contains(value)
        }
    }
}

/// `field : …`, `like`, `regex` and their list forms.
private final class FieldMatchNode: ConditionNode, @unchecked Sendable {
    let slot: Int
    let patterns: PatternSet
    init(slot: Int, patterns: PatternSet) { self.slot = slot; self.patterns = patterns }
    override func test(_ event: SlotEvent) -> Bool {
        guard slot < event.values.count else { return false }
        switch event.values[slot] {
        case .string(let s): return patterns.matches(s)
        case .null: return false
        case .array(let items): return items.contains { !$0.isNull && patterns.matches($0) }
        case let value: return patterns.matches(value)
        }
    }
}

/// Everything else runs through the IR's own evaluation.
private final class PredicateNode: ConditionNode, @unchecked Sendable {
    let predicate: Predicate
    init(_ predicate: Predicate) { self.predicate = predicate }
    override func test(_ event: SlotEvent) -> Bool { predicate.test(event) }
}
