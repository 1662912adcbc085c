/// Every fixed ECS field an audit event can carry, interned once: the normalizer and the process table write
/// values by these ids into ``EventSlots``, and the detection schema gives catalog field `n` slot `n`, so rules
/// read what the sources wrote with no name lookup per event. Names are turned back into strings only when a
/// document is built for a person or a program (`auspex events`, alerts).
///
/// Names under `auditd.data.` not listed here (keys of user-space and unusual records) and the SELinux label
/// fields are open: they travel in ``EventSlots/extras`` by name.
public enum ECSField: Int, CaseIterable, Sendable {
    // Written by the normalizer (Events), auditd_manager shape (ecs-mapping.md §2.3).
    case timestamp
    case eventKind, eventModule, eventDataset, eventCategory, eventType, eventAction, eventOutcome,
         eventSequence, eventId
    case dataStreamType, dataStreamDataset, ecsVersion, serviceType
    case auditdMessageType, auditdResult, auditdSession
    case auditdDataSyscall, auditdDataArch, auditdDataA0, auditdDataA1, auditdDataA2, auditdDataA3,
         auditdDataExit, auditdDataTty, auditdDataItems, auditdDataArgc
    case auditdDataSocketFamily, auditdDataSocketAddr, auditdDataSocketPort, auditdDataSocketPath,
         auditdDataSocketFlow, auditdDataSocketSaddr
    case auditdPaths
    case auditdSummaryActorPrimary, auditdSummaryActorSecondary, auditdSummaryObjectType,
         auditdSummaryObjectPrimary, auditdSummaryObjectSecondary, auditdSummaryHow
    case auditdUserAuditId, auditdUserAuditName, auditdUserSavedId, auditdUserSavedName, auditdUserSavedGroupId,
         auditdUserSavedGroupName
    case auditdUserFilesystemId, auditdUserFilesystemName, auditdUserFilesystemGroupId,
         auditdUserFilesystemGroupName
    case auditdUserOldAuidId, auditdUserOldAuidName, auditdUserNewAuidId, auditdUserNewAuidName
    case userId, userName, userGroupId, userGroupName, userEffectiveId, userEffectiveName, userEffectiveGroupId,
         userEffectiveGroupName
    case userTargetId, userTargetName, groupId, groupName
    case processPid, processParentPid, processName, processExecutable, processArgs, processTitle,
         processWorkingDirectory
    case filePath, fileDevice, fileInode, fileMode, fileUid, fileOwner, fileGid, fileGroup
    case sourceIp, sourcePort, sourceAddress, destinationIp, destinationPort, destinationAddress,
         networkDirection
    case hostId, hostName, hostHostname, hostOsType, tags
    // Written by the process table (Processes): entity ids, ancestry, leaders, Defend identity and file fields.
    case processEntityId, processCommandLine, processArgsCount, processInteractive, processPreviousExecutable
    case processUserId, processRealUserId, processGroupId, processRealGroupId, userExtRealId, groupExtRealId
    case processParentEntityId, processParentName, processParentExecutable, processParentArgs,
         processParentArgsCount, processParentCommandLine, processParentWorkingDirectory,
         processParentInteractive, processParentUserId, processParentGroupId
    case processSessionLeaderPid, processSessionLeaderEntityId, processSessionLeaderSameAsProcess,
         processSessionLeaderName, processSessionLeaderExecutable, processSessionLeaderArgs,
         processSessionLeaderArgsCount, processSessionLeaderCommandLine
    case processEntryLeaderPid, processEntryLeaderEntityId, processEntryLeaderSameAsProcess,
         processEntryLeaderName, processEntryLeaderExecutable, processEntryLeaderArgs,
         processEntryLeaderArgsCount, processEntryLeaderCommandLine
    case processGroupLeaderPid, processGroupLeaderEntityId, processGroupLeaderSameAsProcess,
         processGroupLeaderName, processGroupLeaderExecutable, processGroupLeaderArgs,
         processGroupLeaderArgsCount, processGroupLeaderCommandLine
    case processEntryLeaderEntryMetaType
    case fileName, fileExtension, fileExtOriginalPath, fileExtOriginalName, fileExtOriginalExtension

    /// The dotted ECS name.
    @inlinable public var name: String { Self.names[rawValue] }

    /// The field named `name`, if it is one of the fixed fields.
    init?(name: String) {
        guard let field = Self.byName[name] else { return nil }
        self = field
    }

    /// The first field the process table writes (every later case is the table's).
    public static let firstProcessTableField = ECSField.processEntityId

    /// Names in case order (a test holds each name to its case).
    @usableFromInline static let names: [String] = [
        // normalizer
        "@timestamp",
        "event.kind", "event.module", "event.dataset", "event.category", "event.type", "event.action", "event.outcome",
        "event.sequence", "event.id",
        "data_stream.type", "data_stream.dataset", "ecs.version", "service.type",
        "auditd.message_type", "auditd.result", "auditd.session",
        "auditd.data.syscall", "auditd.data.arch", "auditd.data.a0", "auditd.data.a1", "auditd.data.a2",
        "auditd.data.a3", "auditd.data.exit", "auditd.data.tty", "auditd.data.items", "auditd.data.argc",
        "auditd.data.socket.family", "auditd.data.socket.addr", "auditd.data.socket.port", "auditd.data.socket.path",
        "auditd.data.socket.flow", "auditd.data.socket.saddr",
        "auditd.paths",
        "auditd.summary.actor.primary", "auditd.summary.actor.secondary", "auditd.summary.object.type",
        "auditd.summary.object.primary", "auditd.summary.object.secondary", "auditd.summary.how",
        "auditd.user.audit.id", "auditd.user.audit.name", "auditd.user.saved.id", "auditd.user.saved.name",
        "auditd.user.saved.group.id", "auditd.user.saved.group.name",
        "auditd.user.filesystem.id", "auditd.user.filesystem.name", "auditd.user.filesystem.group.id",
        "auditd.user.filesystem.group.name",
        "auditd.user.old_auid.id", "auditd.user.old_auid.name", "auditd.user.new_auid.id", "auditd.user.new_auid.name",
        "user.id", "user.name", "user.group.id", "user.group.name", "user.effective.id", "user.effective.name",
        "user.effective.group.id", "user.effective.group.name",
        "user.target.id", "user.target.name", "group.id", "group.name",
        "process.pid", "process.parent.pid", "process.name", "process.executable", "process.args", "process.title",
        "process.working_directory",
        "file.path", "file.device", "file.inode", "file.mode", "file.uid", "file.owner", "file.gid", "file.group",
        "source.ip", "source.port", "source.address", "destination.ip", "destination.port", "destination.address",
        "network.direction",
        "host.id", "host.name", "host.hostname", "host.os.type", "tags",
        // process table
        "process.entity_id", "process.command_line", "process.args_count", "process.interactive",
        "process.previous.executable",
        "process.user.id", "process.real_user.id", "process.group.id", "process.real_group.id", "user.Ext.real.id",
        "group.Ext.real.id",
        "process.parent.entity_id", "process.parent.name", "process.parent.executable", "process.parent.args",
        "process.parent.args_count", "process.parent.command_line", "process.parent.working_directory",
        "process.parent.interactive", "process.parent.user.id", "process.parent.group.id",
        "process.session_leader.pid", "process.session_leader.entity_id", "process.session_leader.same_as_process",
        "process.session_leader.name", "process.session_leader.executable", "process.session_leader.args",
        "process.session_leader.args_count", "process.session_leader.command_line",
        "process.entry_leader.pid", "process.entry_leader.entity_id", "process.entry_leader.same_as_process",
        "process.entry_leader.name", "process.entry_leader.executable", "process.entry_leader.args",
        "process.entry_leader.args_count", "process.entry_leader.command_line",
        "process.group_leader.pid", "process.group_leader.entity_id", "process.group_leader.same_as_process",
        "process.group_leader.name", "process.group_leader.executable", "process.group_leader.args",
        "process.group_leader.args_count", "process.group_leader.command_line",
        "process.entry_leader.entry_meta.type",
        "file.name", "file.extension", "file.Ext.original.path", "file.Ext.original.name",
        "file.Ext.original.extension",
    ]

    private static let byName: [String: ECSField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
}
