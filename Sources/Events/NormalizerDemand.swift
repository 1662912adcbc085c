/// The parts of an event's document the loaded rules can read. On the hot path the normalizer writes only these
/// (``Normalizer/normalize(_:into:demand:counters:)``); the whole document is built again from the event only when a
/// person or a program reads it (an alert, `auspex events`), so the fields no rule tests cost nothing per event.
///
/// Always written, whatever the demand: `event.category`, `type`, `action` and `outcome` (the rule index and every
/// view read them), `auditd.data.syscall` and the normalizer's `process.*` but the title (the process table reads
/// them).
public struct NormalizerDemand: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `@timestamp` (the engine takes event time from the record header, not from this field).
    static let timestamp = NormalizerDemand(rawValue: 1 << 0)
    /// `auditd.data.*` but the syscall and the arguments: exit, tty, socket fields and the generic keys (open
    /// fields).
    static let data = NormalizerDemand(rawValue: 1 << 1)
    /// `auditd.data.a0` … `a3`, the syscall's first arguments.
    public static let arguments = NormalizerDemand(rawValue: 1 << 10)
    /// `process.title` (the PROCTITLE record).
    static let title = NormalizerDemand(rawValue: 1 << 11)
    /// `auditd.paths` of the calls whose PATH items the Defend view reads (open, create, rename): what its
    /// `event.action`, `event.type` and `file.path`, and the process table's `file.name` of a rename, are computed
    /// from. A rule reading `auditd.paths` itself demands `paths`.
    public static let fileOperationPaths = NormalizerDemand(rawValue: 1 << 12)
    /// `auditd.paths`.
    static let paths = NormalizerDemand(rawValue: 1 << 2)
    /// `auditd.summary.*`.
    static let summary = NormalizerDemand(rawValue: 1 << 3)
    /// `auditd.user.*` (ids, names, SELinux labels).
    static let auditdUser = NormalizerDemand(rawValue: 1 << 4)
    /// `user.*` and `group.*` ids (and the names with ``userNames``).
    static let user = NormalizerDemand(rawValue: 1 << 5)
    /// The names of `user.*` and `group.*` (looked up from the ids).
    static let userNames = NormalizerDemand(rawValue: 1 << 15)
    /// `file.*` of the event's object and `auditd.file.selinux.*`.
    static let file = NormalizerDemand(rawValue: 1 << 6)
    /// `source.*`, `destination.*`, `network.direction`.
    static let network = NormalizerDemand(rawValue: 1 << 7)
    /// `host.*`.
    static let host = NormalizerDemand(rawValue: 1 << 8)
    /// `tags` (the audit rule keys).
    static let tags = NormalizerDemand(rawValue: 1 << 9)
    /// `event.kind`, `event.module`, `event.dataset`, `data_stream.*`, `ecs.version`, `service.type`: the same on
    /// every event.
    static let constants = NormalizerDemand(rawValue: 1 << 13)
    /// `event.sequence`, `event.id`, `auditd.message_type`, `auditd.result`, `auditd.session`: the records' own facts.
    static let record = NormalizerDemand(rawValue: 1 << 14)

    /// Every part: whole documents.
    public static let all: NormalizerDemand = [.timestamp, .data, .arguments, .title, .paths, .fileOperationPaths,
                                               .summary, .auditdUser, .user, .file, .network, .host, .tags, .constants,
                                               .record, .userNames]

    /// What must be written for a rule to read the field `name` (a fixed ``ECSField`` or an open one).
    public static func reading(fieldNamed name: String) -> NormalizerDemand {
        if let field = ECSField(name: name) { return reading(field) }
        return reading(openField: name)
    }

    /// What must be written for a rule to read `field` (empty for fields always written and for the process
    /// table's, which are always complete). `file.name` and the other fields the table derives from the object
    /// path need that path and a rename's PATH items.
    static func reading(_ field: ECSField) -> NormalizerDemand {
        switch field {
        case .timestamp: return .timestamp
        case .auditdDataA0, .auditdDataA1, .auditdDataA2, .auditdDataA3: return .arguments
        case .processTitle: return .title
        case .auditdDataArch, .auditdDataExit, .auditdDataTty, .auditdDataItems, .auditdDataArgc, .auditdDataSocketFamily, .auditdDataSocketAddr,
             .auditdDataSocketPort, .auditdDataSocketPath, .auditdDataSocketFlow, .auditdDataSocketSaddr:
            return .data
        case .auditdPaths: return .paths
        case .auditdSummaryActorPrimary, .auditdSummaryActorSecondary, .auditdSummaryObjectType,
             .auditdSummaryObjectPrimary, .auditdSummaryObjectSecondary, .auditdSummaryHow:
            return .summary
        case .auditdUserAuditId, .auditdUserAuditName, .auditdUserSavedId, .auditdUserSavedName,
             .auditdUserSavedGroupId, .auditdUserSavedGroupName, .auditdUserFilesystemId, .auditdUserFilesystemName,
             .auditdUserFilesystemGroupId, .auditdUserFilesystemGroupName, .auditdUserOldAuidId,
             .auditdUserOldAuidName, .auditdUserNewAuidId, .auditdUserNewAuidName:
            return .auditdUser
        case .userId, .userGroupId, .userEffectiveId, .userEffectiveGroupId, .userTargetId, .groupId:
            return .user
        case .userName, .userGroupName, .userEffectiveName, .userEffectiveGroupName, .userTargetName, .groupName:
            return [.user, .userNames]
        case .filePath, .fileDevice, .fileInode, .fileMode, .fileUid, .fileOwner, .fileGid, .fileGroup: return .file
        case .fileName, .fileExtension, .fileExtOriginalPath, .fileExtOriginalName, .fileExtOriginalExtension:
            return [.file, .fileOperationPaths]  // a rename's PATH items name the new and the old file
        case .sourceIp, .sourcePort, .sourceAddress, .destinationIp, .destinationPort, .destinationAddress,
             .networkDirection:
            return .network
        case .hostId, .hostName, .hostHostname, .hostOsType: return .host
        case .tags: return .tags
        case .eventKind, .eventModule, .eventDataset, .dataStreamType, .dataStreamDataset, .ecsVersion, .serviceType:
            return .constants
        case .eventSequence, .eventId, .auditdMessageType, .auditdResult, .auditdSession: return .record
        case .eventCategory, .eventType, .eventAction, .eventOutcome, .auditdDataSyscall, .processPid, .processParentPid,
             .processName, .processExecutable, .processArgs, .processWorkingDirectory:
            return []  // always written
        default:
            // The process table's fields are always complete; a normalizer field missing above costs everything
            // rather than a wrong answer.
            return field.rawValue >= ECSField.firstProcessTableField.rawValue ? [] : .all
        }
    }

    /// What must be written for a rule to read the open field `name` (one the records name: `auditd.data.<key>`,
    /// SELinux labels); every part for a name this table does not know.
    static func reading(openField name: String) -> NormalizerDemand {
        if name.hasPrefix("auditd.data.") { return .data }
        if name.hasPrefix("auditd.user.selinux.") { return .auditdUser }
        if name.hasPrefix("auditd.file.selinux.") { return .file }
        return .all
    }
}
