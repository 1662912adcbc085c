/// The `event.action`, `event.type` and `event.category` values the normalizer can write, computed from the tables
/// that write them (``SyscallNormalizations``, ``RecordTypeNormalizations``), so a rule requiring another value can
/// be told that it never matches (`auspex check`).
public enum ProducedValues {
    private static var normalizations: [Normalization] {
        [SyscallNormalizations.fallback] + Array(SyscallNormalizations.table.values)
            + RecordTypeNormalizations.table.values.flatMap { $0 }
    }

    /// auditd_manager's verbs (`executed`, `connected-to`, `opened-file`, …).
    static let auditActions: Set<String> = Set(normalizations.compactMap(\.action))
    static let auditTypes: Set<String> = Set(normalizations.flatMap(\.types))
    static let auditCategories: Set<String> = Set(normalizations.flatMap(\.categories))

    /// The Defend view's actions: Defend's names for what audit records (``DefendVocabulary``), plus the audit verbs
    /// it leaves as they are (events Defend has no name for, e.g. refused calls) — never a renamed verb.
    static let defendActions: Set<String> = {
        var actions = auditActions.subtracting(DefendVocabulary.actionByAuditAction.keys)
        actions.formUnion(DefendVocabulary.actionByAuditAction.values)
        for syscall in DefendVocabulary.operationBySyscall.keys {
            actions.formUnion(DefendVocabulary.actions(ofSyscall: syscall))
        }
        return actions
    }()

    /// What the normalizer can write in `field` (`event.action`, `event.type` or `event.category`; nothing in any
    /// other), the actions in the Defend view's names (``defendActions``) when `defendView`.
    public static func values(of field: String, defendView: Bool) -> Set<String> {
        switch field {
        case "event.action": return defendView ? defendActions : auditActions
        case "event.type": return auditTypes
        case "event.category": return auditCategories
        default: return []
        }
    }

    /// Per `event.action` value the normalizer or the Defend view writes, the syscalls whose events get it: the tables
    /// that write the actions inverted (``SyscallNormalizations``, ``DefendVocabulary``), for the audit rules a rule
    /// testing the action needs.
    public static let syscallsByAction: [String: Set<String>] = {
        var table: [String: Set<String>] = [:]
        for (syscall, normalization) in SyscallNormalizations.table {
            if let action = normalization.action { table[action, default: []].insert(syscall) }
        }
        for syscall in DefendVocabulary.operationBySyscall.keys {
            for action in DefendVocabulary.actions(ofSyscall: syscall) { table[action, default: []].insert(syscall) }
        }
        // Defend's names for go-libaudit verbs (`exec` for `executed`): the same syscalls.
        for (auditAction, defendAction) in DefendVocabulary.actionByAuditAction {
            table[defendAction, default: []].formUnion(table[auditAction] ?? [])
        }
        return table
    }()
}
