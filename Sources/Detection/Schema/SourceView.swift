import Events

/// Which document convention a rule was written for. Decided per rule from its `index` patterns at compile time
/// (architecture.md "Compatibility targets"): the same audit event is seen through either view.
enum SourceView: String, Sendable, Hashable {
    /// auditd_manager / Auditbeat documents as the normalizer writes them: `user.id` is the real uid,
    /// `event.action` is go-libaudit's verb (`executed`, `connected-to`).
    case auditd
    /// Elastic Defend's convention: `user.id` is the effective uid, `event.action`/`event.type` are Defend's
    /// (`exec`, `fork`, `connection_attempted`, `session_id_change`, `creation`, `deletion`, `rename`, `load_module`),
    /// a rename's `file.path` is the new name, a module load is a `process` event, a refused file change is none,
    /// and a fork describes the child (its pid and entity id, the caller as `process.parent.*`).
    case defend

    /// The view for a rule's `index` list: any audit index (`auditbeat-*`, `logs-auditd_manager.*`) wins, since
    /// the rule was then written against audit documents; Defend indices alone (`logs-endpoint.*`, and Cloud
    /// Defend's `logs-cloud_defend.*`, which writes the same `exec`/`fork`/`open` vocabulary) select Defend.
    init(indexPatterns: [String]) {
        let audit = indexPatterns.contains(where: Self.isAudit)
        let defend = indexPatterns.contains(where: Self.isDefend)
        self = defend && !audit ? .defend : .auditd
    }

    static func isAudit(_ pattern: String) -> Bool {
        pattern.hasPrefix("auditbeat") || pattern.hasPrefix("logs-auditd_manager")
    }

    static func isDefend(_ pattern: String) -> Bool {
        pattern.hasPrefix("logs-endpoint") || pattern.hasPrefix("logs-cloud_defend")
    }

    /// Every view a rule with this `index` list is evaluated in: both when it names audit and Defend indices (in
    /// Elastic such a rule searches both sources, so an event of either convention can match it), else the one of
    /// ``init(indexPatterns:)``. The first is the rule's primary view (the one `auspex check --coverage` reports).
    static func views(indexPatterns: [String]) -> [SourceView] {
        let audit = indexPatterns.contains(where: isAudit)
        let defend = indexPatterns.contains(where: isDefend)
        return audit && defend ? [.auditd, .defend] : [SourceView(indexPatterns: indexPatterns)]
    }
}

/// Fields of the Defend view computed from the audit document during conversion (no second document).
enum DerivedField: Hashable, Sendable {
    /// Effective uid: `user.effective.id` when present (the normalizer drops it when equal to the uid), else `user.id`.
    case defendUserID
    /// Defend's `event.action` for the same operation.
    case defendAction
    /// Defend's `event.type` (`change` for a new session, `creation` for a created file, `start` for a fork, …).
    case defendType
    /// Defend's `event.category` (module loads are `process` events there, `driver` in audit data).
    case defendCategory
    /// Defend's `file.path`: the new name of a renamed file (auditd_manager's is the old one).
    case defendFilePath
    /// `process.pid`: the child's on a fork (``DefendFork``), else the document's.
    case defendPid
    /// `process.entity_id`: the child's on a fork, else the document's.
    case defendEntityID
    /// `process.parent.<suffix>`: on a fork the caller's `process.<suffix>`, else the document's.
    case defendParent(suffix: String)
    /// A leader's `same_as_process` (the field's name): false on a fork (the child leads nothing yet).
    case defendLeaderSameAsProcess(String)

    static let all: [DerivedField] = [
        .defendUserID, .defendAction, .defendType, .defendCategory, .defendFilePath, .defendPid, .defendEntityID,
    ] + DefendFork.parentSuffixes.map { .defendParent(suffix: $0) }
      + DefendFork.leaderSameAsProcessFields.map { .defendLeaderSameAsProcess($0) }

    /// What Defend's reading of the call (``DefendEvent``) needs written for this field beyond the fields it names:
    /// the open and clone flags and a file operation's PATH items decide the action and type, a rename's PATH items
    /// the path; the category follows from the syscall alone.
    var defendEventDemand: NormalizerDemand {
        switch self {
        case .defendAction, .defendType: return [.arguments, .fileOperationPaths]
        case .defendFilePath: return .fileOperationPaths
        case .defendCategory, .defendUserID, .defendPid, .defendEntityID, .defendParent, .defendLeaderSameAsProcess:
            return []
        }
    }

    /// The document field this derived field stands in for in the Defend view.
    var replacedField: String {
        switch self {
        case .defendUserID: return "user.id"
        case .defendAction: return "event.action"
        case .defendType: return "event.type"
        case .defendCategory: return "event.category"
        case .defendFilePath: return "file.path"
        case .defendPid: return "process.pid"
        case .defendEntityID: return "process.entity_id"
        case .defendParent(let suffix): return "process.parent." + suffix
        case .defendLeaderSameAsProcess(let field): return field
        }
    }

    /// The document field whose value this one takes on a fork, when it is another field.
    var forkSourceField: String? {
        guard case .defendParent(let suffix) = self else { return nil }
        return "process." + suffix
    }

    static func replacing(_ field: String) -> DerivedField? { byReplacedField[field] }

    private static let byReplacedField = Dictionary(uniqueKeysWithValues: all.map { ($0.replacedField, $0) })
}
