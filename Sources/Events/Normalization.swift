import EventModel

/// How one syscall or record type is described in ECS terms: the `event.action` verb, the kind of object it acts
/// on, the ECS categorization, and where the summary fields come from.
///
/// The tables (`SyscallNormalizations.swift`, `RecordTypeNormalizations.swift`) hold the facts of go-libaudit's
/// `normalizations.yaml`, so documents match what Elastic Agent's auditd_manager integration stores.
///
/// A class made once per table row: every event of a syscall shares its row by reference (a struct of a dozen
/// arrays cost a copy and a release of each per event), with its `event.*` values rendered once.
final class Normalization: Sendable, Equatable {
    /// `event.action` (`summary.action`); nil for the catch-all, so the field is absent as after the ingest pipeline.
    let action: String?
    /// `auditd.summary.object.type` (`file`, `socket`, `process`, `user-session`, …); nil when not given.
    let objectType: String?
    /// `event.category`.
    let categories: [String]
    /// `event.type`.
    let types: [String]
    /// Which PATH record is the object (skipping PARENT/UNKNOWN ones); only used when the object is a file.
    let objectPathIndex: Int
    /// Field names tried in order for `summary.actor.primary`/`secondary`, `summary.object.primary`/`secondary`
    /// and `summary.how` (empty = keep the default).
    let subjectPrimary: [String]
    let subjectSecondary: [String]
    let objectPrimary: [String]
    let objectSecondary: [String]
    let how: [String]
    /// Field names tried in order for `source.ip` (user-space login records: `addr`).
    let sourceIP: [String]
    /// The normalization applies only when all these fields are present (AVC: SELinux vs AppArmor).
    let requiredFields: [String]
    /// Which ECS user fields the summary actors and object fill (user-space records only).
    let userMappings: [UserMapping]

    /// `event.category`, `event.type` and `event.action` as written (`.null` when empty or absent).
    let categoryValue: FieldValue, typeValue: FieldValue, actionValue: FieldValue
    /// What ``objectType`` says about where the object is, told once (not by comparing strings per event).
    let objectKind: ObjectKind

    enum ObjectKind: Sendable { case file, socket, other }

    /// An ECS entity fill: the value of a summary field goes to an ECS user/group field.
    enum UserMapping: Sendable, Equatable {
        case subjectPrimaryToUser, subjectSecondaryToUserEffective, subjectSecondaryToUserTarget
        case objectPrimaryToUserTarget, objectPrimaryToUserEffective, objectPrimaryToGroupTarget
        case subjectSecondaryToGroupTarget, uidToUserEffective
    }

    init(action: String?, objectType: String? = nil, categories: [String], types: [String],
                objectPathIndex: Int = 0, subjectPrimary: [String] = [], subjectSecondary: [String] = [],
                objectPrimary: [String] = [], objectSecondary: [String] = [], how: [String] = [],
                sourceIP: [String] = [], requiredFields: [String] = [], userMappings: [UserMapping] = [])
    {
        self.action = action
        self.objectType = objectType
        self.categories = categories
        self.types = types
        self.objectPathIndex = objectPathIndex
        self.subjectPrimary = subjectPrimary
        self.subjectSecondary = subjectSecondary
        self.objectPrimary = objectPrimary
        self.objectSecondary = objectSecondary
        self.how = how
        self.sourceIP = sourceIP
        self.requiredFields = requiredFields
        self.userMappings = userMappings
        categoryValue = Self.array(categories)
        typeValue = Self.array(types)
        actionValue = action.map(FieldValue.string) ?? .null
        objectKind = switch objectType {
        case "file", "filesystem": .file
        case "socket": .socket
        default: .other
        }
    }

    /// `strings` as an array value, `.null` when there are none (the field is then absent).
    static func array(_ strings: [String]) -> FieldValue {
        strings.isEmpty ? .null : .array(strings.map(FieldValue.string))
    }

    static func == (lhs: Normalization, rhs: Normalization) -> Bool {
        lhs === rhs || lhs.action == rhs.action && lhs.objectType == rhs.objectType && lhs.categories == rhs.categories
            && lhs.types == rhs.types && lhs.objectPathIndex == rhs.objectPathIndex
            && lhs.subjectPrimary == rhs.subjectPrimary && lhs.subjectSecondary == rhs.subjectSecondary
            && lhs.objectPrimary == rhs.objectPrimary && lhs.objectSecondary == rhs.objectSecondary && lhs.how == rhs.how
            && lhs.sourceIP == rhs.sourceIP && lhs.requiredFields == rhs.requiredFields
            && lhs.userMappings == rhs.userMappings
    }
}
