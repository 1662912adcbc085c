import EventModel

/// What a compiled filter needs of an event, for static checks (`auspex check`'s "can never match").
extension CompiledFilter {
    /// The string values the field in `slot` must have for the filter to possibly match (the same sound
    /// over-approximation as ``actions``, see ``ActionConstraint``), nil when the condition does not bound it.
    public func requiredValues(atSlot slot: Int) -> ActionConstraint? {
        ActionConstraint.derive(from: condition, slot: slot)
    }

    /// For a field that may hold several values (`event.type`, `event.category`): a value constraint of the
    /// condition that no value `produced` accepts can satisfy, making the filter unsatisfiable; nil when every
    /// such test may hold. Unlike ``requiredValues(atSlot:)`` conjuncts are not intersected (`event.type ==
    /// "user" and event.type == "creation"` holds for `["user", "creation"]`): an `and` fails when one conjunct
    /// does, an `or` when all branches do (their constraints united).
    public func unsatisfiableValues(atSlot slot: Int, produced: Set<String>) -> ActionConstraint? {
        condition.unsatisfiable(slot: slot, produced: produced)
    }

    /// True when the condition can only hold if a field the schema never produces has a value: a test of such a
    /// field (compiled to null) that every match needs, under `and`s and every branch of an `or`. Negations and
    /// `== null` tests hold on a missing field and never count.
    public var requiresAbsentField: Bool { condition.requiresAbsentField }
}

extension Predicate {
    fileprivate func unsatisfiable(slot: Int, produced: Set<String>) -> ActionConstraint? {
        switch self {
        case .and(let conjuncts):
            for conjunct in conjuncts {
                if let failed = conjunct.unsatisfiable(slot: slot, produced: produced) { return failed }
            }
            return nil
        case .or(let branches):
            var union = ActionConstraint(slot: slot)
            for branch in branches {
                guard let failed = branch.unsatisfiable(slot: slot, produced: produced) else { return nil }
                union = union.union(failed)
            }
            return union
        default:
            guard let constraint = ActionConstraint.derive(from: self, slot: slot),
                  !produced.contains(where: constraint.admits) else { return nil }
            return constraint
        }
    }

    var requiresAbsentField: Bool {
        switch self {
        case .and(let conjuncts): return conjuncts.contains { $0.requiresAbsentField }
        case .or(let branches): return !branches.isEmpty && branches.allSatisfy { $0.requiresAbsentField }
        case .compare(_, let value, _), .member(let value, _), .match(let value, _), .truthy(let value):
            if case .absentField = value { return true }
            return false
        case .constant, .not, .isNull, .fieldEqualsString: return false
        }
    }
}
