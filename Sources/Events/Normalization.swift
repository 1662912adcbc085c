/// How one syscall or record type is described in ECS terms: the `event.action` verb, the kind of object it acts
/// on, the ECS categorization, and where the summary fields come from.
///
/// The tables (`SyscallNormalizations.swift`, `RecordTypeNormalizations.swift`) hold the facts of go-libaudit's
/// `normalizations.yaml`, so documents match what Elastic Agent's auditd_manager integration stores.
public struct Normalization: Sendable, Equatable {
    /// `event.action` (`summary.action`); nil for the catch-all, so the field is absent as after the ingest pipeline.
    public var action: String?
    /// `auditd.summary.object.type` (`file`, `socket`, `process`, `user-session`, …); nil when not given.
    var objectType: String?
    /// `event.category`.
    var categories: [String]
    /// `event.type`.
    var types: [String]
    /// Which PATH record is the object (skipping PARENT/UNKNOWN ones); only used when the object is a file.
    var objectPathIndex: Int
    /// Field names tried in order for `summary.actor.primary`/`secondary`, `summary.object.primary`/`secondary`
    /// and `summary.how` (empty = keep the default).
    var subjectPrimary: [String]
    var subjectSecondary: [String]
    var objectPrimary: [String]
    var objectSecondary: [String]
    var how: [String]
    /// Field names tried in order for `source.ip` (user-space login records: `addr`).
    var sourceIP: [String]
    /// The normalization applies only when all these fields are present (AVC: SELinux vs AppArmor).
    var requiredFields: [String]
    /// Which ECS user fields the summary actors and object fill (user-space records only).
    var userMappings: [UserMapping]

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
    }
}
