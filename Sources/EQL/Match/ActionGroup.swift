import EventModel

/// The rules of one category whose filters there need certain `event.action` values, read from one slot (one
/// view's action field): per action value, which to evaluate and which stateful ones to only tell the time.
/// Part of ``RuleIndex``.
final class ActionGroup: Sendable {
    typealias Offer = RuleIndex.Offer

    /// Where these rules' view keeps `event.action`.
    let slot: Int
    /// Per value some rule names: the rules admitting it (case-sensitively or not); looked up in `actionTable`
    /// (no SipHash per event), this answering for texts bytes cannot tell (``ByteKeyTable``).
    private let byAction: [String: Offer]
    private let actionTable: ByteKeyTable<Offer>
    /// Per case-folded value some rule names case-insensitively, for actions not in `byAction`.
    private let byFoldedAction: [String: Offer]
    /// No action, or one no rule admits: nothing to evaluate.
    private let otherwise: Offer
    /// An action that is not text (a number may equal a constant by its text): every rule is evaluated.
    let everything: Offer

    var ruleCount: Int { everything.evaluate.count }

    /// `members` in rule order, each rule once.
    init(slot: Int, members: [(rule: Int, actions: ActionConstraint, tracksTime: Bool)]) {
        self.slot = slot
        let stateful = members.filter(\.tracksTime).map(\.rule)
        func offer(admitting admits: (ActionConstraint) -> Bool) -> Offer {
            let evaluate = members.filter { admits($0.actions) }.map(\.rule)
            let evaluated = Set(evaluate)
            return Offer(evaluate: evaluate, tick: stateful.filter { !evaluated.contains($0) })
        }
        var byAction: [String: Offer] = [:]
        for action in Set(members.flatMap(\.actions.values)) {
            byAction[action] = offer { $0.admits(action) }
        }
        var byFoldedAction: [String: Offer] = [:]
        for key in Set(members.flatMap(\.actions.caseInsensitiveValues)) {
            byFoldedAction[key] = offer { $0.caseInsensitiveValues.contains(key) }
        }
        self.byAction = byAction
        actionTable = ByteKeyTable(byAction.lazy.map { (key: $0.key, value: $0.value) })
        self.byFoldedAction = byFoldedAction
        otherwise = Offer(evaluate: [], tick: stateful)
        everything = Offer(evaluate: members.map(\.rule), tick: [])
    }

    /// Calls `body` with the offer for an event whose action (in this group's slot) is `action`.
    func offer(for action: FieldValue, _ body: (Offer) -> Void) {
        switch action {
        case .string(let text):
            body(lookup(text))
        case .null:
            body(otherwise)
        case .array(let items):
            // Any element may satisfy a filter (spec: multi-valued fields); nulls never do.
            var strings: [String] = []
            for item in items {
                switch item {
                case .string(let text): strings.append(text)
                case .null: continue
                default: return body(everything)
                }
            }
            // With several distinct values two tests of a filter may hold through different ones, which a
            // constraint (their intersection) cannot tell: every rule is evaluated.
            if Set(strings).count <= 1 { return body(strings.first.map(lookup) ?? otherwise) }
            body(everything)
        default:
            body(everything)
        }
    }

    private func lookup(_ action: String) -> Offer {
        if let offer = actionTable.value(for: action, undecided: { byAction[$0] }) { return offer }
        if !byFoldedAction.isEmpty, let offer = byFoldedAction[ActionConstraint.caseFolded(action)] { return offer }
        return otherwise
    }
}
