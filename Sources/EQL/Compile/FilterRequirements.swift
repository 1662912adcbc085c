import EventModel

/// Whether a query can ever match a source's events, for static checks (`auspex check`'s "can never match").
extension CompiledQuery {
    /// Why the query can never match a view of events (a source) whose categories are `categories` and whose fields
    /// in `produced` hold only the values listed (`singleValued`: one value per event, so conjuncts on it intersect,
    /// like `event.action`; else a list, like `event.type`); nil when it may. A filter every result passes (see
    /// ``filtersEveryResultPasses``) that requires another category or value, or a field the schema never produces,
    /// is the reason, phrased for `auspex check`.
    public func neverMatchReason(categories: Set<String>,
                                 produced: [(field: String, slot: Int, values: Set<String>, singleValued: Bool)]) -> String? {
        for filter in filtersEveryResultPasses {
            if let category = filter.category, !categories.contains(category) {
                return "'\(category) where': no \(category) events in this view"
            }
            for field in produced {
                let failed = field.singleValued
                    ? filter.requiredValues(atSlot: field.slot).flatMap { field.values.contains(where: $0.admits) ? nil : $0 }
                    : filter.unsatisfiableValues(atSlot: field.slot, produced: field.values)
                if let required = failed {
                    let values = (required.values.union(required.caseInsensitiveValues)).sorted()
                    return "\(field.field) must be " + (values.isEmpty ? "nothing" : values.joined(separator: ", "))
                        + ", which this view never writes"
                }
            }
            if filter.requiresAbsentField {
                return "needs " + unknownFields.map { "'\($0)'" }.joined(separator: ", ") + ", which no source produces"
            }
        }
        return nil
    }
}

/// What a compiled filter needs of an event.
extension CompiledFilter {
    /// The string values the field in `slot` must have for the filter to possibly match (the same sound
    /// over-approximation as ``actions``, see ``ActionConstraint``), nil when the condition does not bound it.
    func requiredValues(atSlot slot: Int) -> ActionConstraint? {
        ActionConstraint.derive(from: condition, slot: slot)
    }

    /// For a field that may hold several values (`event.type`, `event.category`): a value constraint of the
    /// condition that no value `produced` accepts can satisfy, making the filter unsatisfiable; nil when every
    /// such test may hold. Unlike ``requiredValues(atSlot:)`` conjuncts are not intersected (`event.type ==
    /// "user" and event.type == "creation"` holds for `["user", "creation"]`): an `and` fails when one conjunct
    /// does, an `or` when all branches do (their constraints united).
    func unsatisfiableValues(atSlot slot: Int, produced: Set<String>) -> ActionConstraint? {
        condition.unsatisfiable(slot: slot, produced: produced)
    }

    /// True when the condition can only hold if a field the schema never produces has a value: a test of such a
    /// field (compiled to null) that every match needs, under `and`s and every branch of an `or`. Negations and
    /// `== null` tests hold on a missing field and never count.
    var requiresAbsentField: Bool { condition.requiresAbsentField }
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
