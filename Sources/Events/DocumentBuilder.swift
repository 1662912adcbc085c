import AuditRecords
import EventModel
import Reassembler

/// Writes the event's fields into its slots in one pass, in the shape the auditd_manager ingest pipeline leaves
/// (§2.1–§2.2): `auditd.user.{audit,saved,filesystem,selinux}`, `destination.address` for unix paths, keys with
/// `-` renamed to `_`, numeric `auditd.data` keys as longs, empty values dropped.
struct DocumentBuilder {
    let hostFields: [(field: ECSField, value: FieldValue)]
    /// The parts written (the rest is skipped: no rule reads it).
    let demand: NormalizerDemand
    private var names: MemoizedNames
    /// The slots' writer while ``build(event:facts:summary:into:)`` runs: one uniqueness check of the slots for the
    /// event, not one a field.
    private var slots: EventSlots.Writer?
    /// Open fields written, in order, for the slots' ``EventSlots/extras`` (the writer reaches the fixed ones).
    private var extras: [(name: String, value: FieldValue)] = []

    init(hostFields: [(field: ECSField, value: FieldValue)], demand: NormalizerDemand = .all, names: MemoizedNames) {
        self.hostFields = hostFields
        self.demand = demand
        self.names = names
    }

    /// Writes the event's fields into `slots`. `facts` and `summary` are borrowed: an `inout` one was copied for
    /// every part that reads it.
    mutating func build(event: AuditEvent, facts: borrowing EventFacts, summary: borrowing Summary,
                        into slots: inout EventSlots) {
        slots.withWriter { writer in
            self.slots = writer
            writeFields(event: event, facts: facts, summary: summary)
            self.slots = nil
        }
        if !extras.isEmpty { slots.extras.append(contentsOf: extras) }
    }

    private mutating func writeFields(event: AuditEvent, facts: borrowing EventFacts, summary: borrowing Summary) {
        if demand.contains(.timestamp) {
            let timestamp = event.records.first?.timestamp ?? event.timestamp
            let milliseconds = min(Int64(timestamp.milliseconds), 999)  // a forged header may say more
            add(.timestamp, .string(UTCTime.format(seconds: timestamp.seconds, nanoseconds: milliseconds * 1_000_000,
                                                     fractionDigits: 3)))
        }
        addEvent(event, facts, summary)
        addAuditd(facts, summary)
        if demand.contains(.user) { addUser(facts, summary) }
        addProcess(facts)
        if demand.contains(.file) { addFile(summary) }
        if demand.contains(.network) { addNetwork(facts) }
        if demand.contains(.host) { for (field, value) in hostFields { add(field, value) } }
        if demand.contains(.tags) { add(.tags, facts.tags.isEmpty ? Self.defaultTags : Self.tags(facts.tags)) }
    }

    private static let tag: FieldValue = "auditd_manager-auditd"
    private static let defaultTags: FieldValue = .array([tag])

    /// The rule keys, then the integration's tag, in one array.
    private static func tags(_ keys: [String]) -> FieldValue {
        var tags: [FieldValue] = []
        tags.reserveCapacity(keys.count + 1)
        for key in keys { tags.append(.string(key)) }
        tags.append(tag)
        return .array(tags)
    }

    @inline(__always) private func add(_ field: ECSField, _ value: consuming FieldValue) { slots!.set(field, consume value) }

    @inline(__always) private func add(_ field: ECSField, _ value: String?) {
        if let value, !value.isEmpty { slots!.set(field, .string(value)) }
    }

    /// A name built from record keys: a fixed field when it is one, else an open field.
    private mutating func add(named name: String, _ value: FieldValue) {
        if let field = ECSField(name: name) { slots!.set(field, value) } else { extras.append((name, value)) }
    }

    private mutating func add(named name: String, _ value: String?) {
        if let value, !value.isEmpty { add(named: name, .string(value)) }
    }

    // MARK: event.*, data_stream.*

    private func addEvent(_ event: AuditEvent, _ facts: EventFacts, _ summary: Summary) {
        if demand.contains(.constants) {
            add(.eventKind, "event")
            add(.eventModule, "auditd")
            add(.eventDataset, "auditd_manager.auditd")
            add(.dataStreamType, "logs")
            add(.dataStreamDataset, "auditd_manager.auditd")
            add(.ecsVersion, "8.11.0")
            add(.serviceType, "auditd")
        }
        // The shared values of the normalization's table row, unless the summary combined two rows'.
        if let combined = summary.combinedCategories {
            add(.eventCategory, combined)
        } else if let value = facts.normalization?.categoryValue {
            add(.eventCategory, value)
        }
        if let combined = summary.combinedTypes {
            add(.eventType, combined)
        } else if let value = facts.normalization?.typeValue {
            add(.eventType, value)
        }
        if let value = facts.normalization?.actionValue { add(.eventAction, value) }
        add(.eventOutcome, facts.result.outcome)
        guard demand.contains(.record) else { return }
        add(.eventSequence, .int(Int64(event.serial)))
        // The pipeline moves auditd.data.id to event.id (user-space records' `id=`).
        if let index = facts.data.indices.first(where: { facts.data[$0].key == "id" && $0 != facts.sourceIPDataIndex }) {
            add(.eventId, .string(facts.data[index].value))
        }
    }

    // MARK: auditd.*

    private mutating func addAuditd(_ facts: EventFacts, _ summary: Summary) {
        if demand.contains(.record) {
            add(.auditdMessageType, .string(facts.eventType.lowercaseName))
            add(.auditdResult, .string(facts.result.rawValue))
            if let session = facts.session, session != "unset" { add(.auditdSession, .string(session)) }
        }

        add(.auditdDataSyscall, facts.syscall)
        if demand.contains(.arguments) {
            add(.auditdDataA0, facts.a0)
            add(.auditdDataA1, facts.a1)
            add(.auditdDataA2, facts.a2)
            add(.auditdDataA3, facts.a3)
        }
        if demand.contains(.data) { addDataFields(facts) }
        if !facts.paths.isEmpty, demand.contains(.paths)
            || demand.contains(.fileOperationPaths) && DefendVocabulary.readsPaths(ofSyscall: facts.syscall) {
            add(.auditdPaths, .array(facts.paths.map { path in
                .object(path.map { FieldValue.ObjectEntry(Self.pipelineKey($0.key), .string($0.value)) })
            }))
        }
        if demand.contains(.summary) {
            add(.auditdSummaryActorPrimary, summary.actorPrimary)
            add(.auditdSummaryActorSecondary, summary.actorSecondary)
            add(.auditdSummaryObjectType, summary.objectType)
            add(.auditdSummaryObjectPrimary, summary.objectPrimary)
            add(.auditdSummaryObjectSecondary, summary.objectSecondary)
            add(.auditdSummaryHow, summary.how)
        }
        if demand.contains(.auditdUser) { addAuditdUser(facts) }
        if demand.contains(.file), let file = summary.file {
            for (key, value) in file where key.hasASCIIPrefix("obj_") {
                add(named: "auditd.file.selinux." + key.dropFirst(4), .string(value))
            }
        }
    }

    /// `auditd.data.*` but the syscall and the arguments.
    private mutating func addDataFields(_ facts: EventFacts) {
        add(.auditdDataArch, facts.arch)
        add(.auditdDataExit, facts.exit)
        add(.auditdDataTty, facts.tty)
        if !facts.isCompound, let items = facts.items { addLong(.auditdDataItems, items) }
        if let argc = facts.argc { addLong(.auditdDataArgc, argc) }
        if let socket = facts.socket {
            add(.auditdDataSocketFamily, .string(socket.family))
            add(.auditdDataSocketAddr, socket.addr)
            if let port = socket.port { addLong(.auditdDataSocketPort, port) }
            add(.auditdDataSocketPath, socket.path)
            add(.auditdDataSocketFlow, socket.flow)
            add(.auditdDataSocketSaddr, socket.saddr)
        }
        if !facts.data.isEmpty { addData(facts.data, leavingOut: facts.sourceIPDataIndex) }
    }

    /// `auditd.user.*`: the ids the `user.*` fields leave out, their names, and the subject's SELinux labels.
    private mutating func addAuditdUser(_ facts: EventFacts) {
        addAuditdID(facts.ids.auid.lastSet, .auditdUserAuditId, .auditdUserAuditName, group: false)
        addAuditdID(facts.ids.suid.lastSet, .auditdUserSavedId, .auditdUserSavedName, group: false)
        addAuditdID(facts.ids.sgid.lastSet, .auditdUserSavedGroupId, .auditdUserSavedGroupName, group: true)
        addAuditdID(facts.ids.fsuid.lastSet, .auditdUserFilesystemId, .auditdUserFilesystemName, group: false)
        addAuditdID(facts.ids.fsgid.lastSet, .auditdUserFilesystemGroupId, .auditdUserFilesystemGroupName, group: true)
        for entry in facts.ids.others where entry.isSet {
            switch entry.kind {
            case .oldAuid: addAuditdID(entry.value, .auditdUserOldAuidId, .auditdUserOldAuidName, group: false)
            case .newAuid: addAuditdID(entry.value, .auditdUserNewAuidId, .auditdUserNewAuidName, group: false)
            default: continue  // user.*, after the fixed fields (addUser)
            }
        }
        if facts.ids.anySet {  // Beats adds labels along with a set id
            for (key, value) in facts.selinux { add(named: "auditd.user.selinux." + key, .string(value)) }
        }
    }

    /// An `auditd.user.*` id and its name, when set.
    private mutating func addAuditdID(_ id: String?, _ idField: ECSField, _ nameField: ECSField, group: Bool) {
        guard let id else { return }
        add(idField, .string(id))
        add(nameField, group ? names.groupName(forID: id) : names.userName(forID: id))
    }

    /// `auditd.data.<key>` of the generic keys (`id` went to `event.id`).
    private mutating func addData(_ data: [(key: String, value: String)], leavingOut sourceIPIndex: Int?) {
        extras.reserveCapacity(extras.count + data.count)
        let longDataKeys = Self.longDataKeys  // once: each access to a global runs its once-check
        for (index, (key, value)) in data.enumerated() where key != "id" && index != sourceIPIndex {
            let pipelineKey = Self.pipelineKey(key)
            let value = longDataKeys.contains(key) ? Self.long(value) : .string(value)
            if let field = Self.fixedDataField(pipelineKey) {
                add(field, value)
            } else {
                extras.append((CommonKeys.dataFieldName(of: key) ?? "auditd.data." + pipelineKey, value))
            }
        }
    }

    private func addLong(_ field: ECSField, _ value: String) { add(field, Self.long(value)) }

    /// A long when the text is a decimal number, else the text.
    private static func long(_ value: String) -> FieldValue {
        if let number = Int64(value) { .int(number) } else { .string(value) }
    }

    /// auditd_manager renames every key containing `-` to `_`; a `.` (only in forged records) would nest the
    /// key under another field, so it becomes `_` too.
    static func pipelineKey(_ key: String) -> String {
        func needsRename(_ bytes: some Sequence<UInt8>) -> Bool {
            bytes.contains { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        }
        // Over the contiguous bytes when there are (always, for native strings): iterating the UTF8View cost ~150
        // instructions a key.
        guard key.utf8.withContiguousStorageIfAvailable(needsRename) ?? needsRename(key.utf8) else { return key }
        return String(key.map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    /// The fixed field `auditd.data.<key>` is, for a pipeline key (no `.` left, so never a `socket.*` one): a few
    /// compares instead of building the dotted name and hashing it for every generic key.
    static func fixedDataField(_ key: String) -> ECSField? {
        // Every such key starts with one of these letters; other keys (fver, fp, old_pp, …) skip the compares.
        switch key.utf8.first {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "s"), UInt8(ascii: "t"): break
        default: return nil
        }
        switch key {
        case "syscall": return .auditdDataSyscall
        case "arch": return .auditdDataArch
        case "a0": return .auditdDataA0
        case "a1": return .auditdDataA1
        case "a2": return .auditdDataA2
        case "a3": return .auditdDataA3
        case "exit": return .auditdDataExit
        case "tty": return .auditdDataTty
        case "items": return .auditdDataItems
        case "argc": return .auditdDataArgc
        default: return nil
        }
    }

    /// `auditd.data.*` keys the ingest pipeline converts to long.
    static let longDataKeys: Set<String> = [
        "removed", "items", "lport", "rport", "sport", "dport", "entries", "argc", "seqno", "nargs", "old_vcpu",
        "new_vcpu", "changed", "added", "spid", "opid", "nlnk_pid", "vm_pid", "audit_pid", "old-vcpu", "new-vcpu",
        "nlnk-pid", "vm-pid", "audit-pid",
    ]

    // MARK: user.*, group.*

    private mutating func addUser(_ facts: EventFacts, _ summary: Summary) {
        let userID = facts.ids.uid.lastSet, groupID = facts.ids.gid.lastSet
        let effectiveID = facts.ids.euid.lastSet, effectiveGroupID = facts.ids.egid.lastSet
        // Names are looked up when written, or when only they can tell whether user.effective repeats user.
        let writesNames = demand.contains(.userNames)
        var user: (id: String?, name: String?), effective: (id: String?, name: String?)
        var userNamed = writesNames, effectiveNamed = writesNames
        if let entity = summary.user {  // record-type mappings replace the uid-derived values (`unset` removes them)
            user = (entity.id == "unset" ? nil : entity.id, entity.name)
            userNamed = true
        } else {
            user = (userID, writesNames ? userID.flatMap { names.userName(forID: $0) } : nil)
        }
        if let entity = summary.userEffective {
            effective = (entity.id == "unset" ? nil : entity.id, entity.name)
            effectiveNamed = true
        } else {
            effective = (effectiveID, writesNames ? effectiveID.flatMap { names.userName(forID: $0) } : nil)
        }
        // user.effective disappears when it repeats user (by id, else by name).
        var redundant = user.id != nil && user.id == effective.id
        if !redundant {
            if !userNamed { user.name = user.id.flatMap { names.userName(forID: $0) } }
            if !effectiveNamed { effective.name = effective.id.flatMap { names.userName(forID: $0) } }
            redundant = user.name != nil && user.name == effective.name
        }

        add(.userId, user.id)
        if writesNames { add(.userName, user.name) }
        if let groupID {
            add(.userGroupId, .string(groupID))
            if writesNames { add(.userGroupName, names.groupName(forID: groupID)) }
        }
        if !redundant {
            add(.userEffectiveId, effective.id)
            if writesNames { add(.userEffectiveName, effective.name) }
            if let effectiveGroupID {
                add(.userEffectiveGroupId, .string(effectiveGroupID))
                if writesNames { add(.userEffectiveGroupName, names.groupName(forID: effectiveGroupID)) }
            }
        }
        if let target = summary.userTarget {
            add(.userTargetId, target.id == "unset" ? nil : target.id)
            if writesNames { add(.userTargetName, target.name) }
        }
        for entry in facts.ids.others where entry.kind == .other && entry.isSet {
            let (key, value) = (entry.key, entry.value)
            let prefix = "user." + Self.pipelineKey(key)
            add(named: prefix + ".id", .string(value))
            if writesNames {
                add(named: prefix + ".name",
                    key.hasSuffix("gid") ? names.groupName(forID: value) : names.userName(forID: value))
            }
        }
        if let group = summary.group {
            add(.groupId, group.id == "unset" ? nil : group.id)
            if writesNames { add(.groupName, group.name) }
        }
    }

    // MARK: process.*, file.*

    private func addProcess(_ facts: EventFacts) {
        if let pid = facts.pid.number { add(.processPid, .int(pid)) }
        if let ppid = facts.ppid.number { add(.processParentPid, .int(ppid)) }
        add(.processName, facts.comm)
        add(.processExecutable, facts.exe)
        if let args = facts.args, !args.isEmpty { add(.processArgs, .array(args)) }
        if demand.contains(.title) { add(.processTitle, facts.proctitle) }
        add(.processWorkingDirectory, facts.cwd)
    }

    private mutating func addFile(_ summary: Summary) {
        guard let path = summary.file else { return }
        func value(_ key: String) -> String? { path.first { $0.key == key }?.value }
        add(.filePath, value("name"))
        add(.fileDevice, value("rdev"))
        add(.fileInode, value("inode"))
        if let mode = value("mode"), let bits = UInt32(mode, radix: 8) {
            let permissions = String(bits & 0o7777, radix: 8)  // permission, setuid/setgid and sticky bits
            add(.fileMode, .string(String(repeating: "0", count: 4 - permissions.count) + permissions))
        }
        if let uid = value("ouid") {
            add(.fileUid, .string(uid))
            add(.fileOwner, names.userName(forID: uid))
        }
        if let gid = value("ogid") {
            add(.fileGid, .string(gid))
            add(.fileGroup, names.groupName(forID: gid))
        }
    }

    // MARK: source.*, destination.*, network.*

    private func addNetwork(_ facts: EventFacts) {
        if let socket = facts.socket, let direction = Summarizer.direction(of: facts.syscall) {
            let ingress = direction == .ingress
            add(ingress ? .sourceIp : .destinationIp, socket.addr)
            if let port = socket.port { addLong(ingress ? .sourcePort : .destinationPort, port) }
            add(ingress ? .sourceAddress : .destinationAddress, socket.path)  // the pipeline renames *.path
            add(.networkDirection, .string(direction.rawValue))
        } else if let ip = facts.sourceIP {
            add(.sourceIp, .string(ip))
            add(.networkDirection, "ingress")
        }
    }
}

/// Per-document memo over the name lookup: an event repeats the same id in uid, euid, suid, fsuid, auid, ….
struct MemoizedNames {
    let lookup: any NameLookup
    private var users = Answers()
    private var groups = Answers()

    init(lookup: any NameLookup) { self.lookup = lookup }

    mutating func userName(forID id: String) -> String? {
        if let known = users.name(forID: id) { return known }
        let name = lookup.userName(forID: id)
        users.store(id, name)
        return name
    }

    mutating func groupName(forID id: String) -> String? {
        if let known = groups.name(forID: id) { return known }
        let name = lookup.groupName(forID: id)
        groups.store(id, name)
        return name
    }

    /// Name → id (user-space records only; rare, so not memoized).
    func userID(forName name: String) -> String? { lookup.userID(forName: name) }
    func groupID(forName name: String) -> String? { lookup.groupID(forName: name) }

    /// One event's id → name answers: the latest kept inline (most events name a single user throughout, and a
    /// list would be allocated for it on every event), earlier ones in a list.
    private struct Answers {
        private var latest: (id: String, name: String?)?
        private var earlier: [(id: String, name: String?)] = []

        /// The stored answer (itself nil for an id without a name), or nil when `id` was not asked yet.
        func name(forID id: String) -> String?? {
            if let latest, latest.id == id { return .some(latest.name) }
            if let hit = earlier.first(where: { $0.id == id }) { return .some(hit.name) }
            return nil
        }

        mutating func store(_ id: String, _ name: String?) {
            if let latest { earlier.append(latest) }
            latest = (id, name)
        }
    }
}

extension AuditRecordType {
    /// `auditd.message_type`: the name in lower case, made once per named type (`UNKNOWN[n]` ones when asked).
    var lowercaseName: String {
        Int(rawValue) < Self.lowercaseNames.count ? Self.lowercaseNames[Int(rawValue)] ?? name.lowercased()
            : name.lowercased()
    }

    /// Only the named types (a table of every number below 3000 made 3000 strings at the first event).
    private static let lowercaseNames: [String?] = (0..<3000).map { number in
        let type = AuditRecordType(rawValue: UInt16(number))
        return type.isNamed ? type.name.lowercased() : nil
    }
}
