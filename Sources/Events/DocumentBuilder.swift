import AuditRecords
import EventModel
import Reassembler

/// Writes the document fields in one pass, in the shape the auditd_manager ingest pipeline leaves
/// (§2.1–§2.2): `auditd.user.{audit,saved,filesystem,selinux}`, `destination.address` for unix paths, keys with
/// `-` renamed to `_`, numeric `auditd.data` keys as longs, empty values dropped.
struct DocumentBuilder {
    let host: HostInfo
    private var names: MemoizedNames
    private var fields: [(name: String, value: FieldValue)] = []

    init(host: HostInfo, names: MemoizedNames) {
        self.host = host
        self.names = names
    }

    mutating func build(event: AuditEvent, facts: EventFacts, summary: Summary) -> Document {
        fields.reserveCapacity(72)
        let timestamp = event.records.first?.timestamp ?? event.timestamp
        let milliseconds = min(Int64(timestamp.milliseconds), 999)  // a forged header may say more
        add("@timestamp", .string(UTCTime.format(seconds: timestamp.seconds, nanoseconds: milliseconds * 1_000_000,
                                                 fractionDigits: 3)))
        addEvent(event, facts, summary)
        addAuditd(facts, summary)
        addUser(facts, summary)
        addProcess(facts)
        addFile(summary)
        addNetwork(facts, summary)
        if let id = host.id { add("host.id", .string(id)) }
        if let name = host.name {
            add("host.name", .string(name))
            add("host.hostname", .string(name))
        }
        add("host.os.type", "linux")
        var tags = facts.tags.map(FieldValue.string)
        tags.append("auditd_manager-auditd")
        add("tags", .array(tags))
        return Document(fields: fields)
    }

    private mutating func add(_ name: String, _ value: FieldValue) { fields.append((name, value)) }

    private mutating func add(_ name: String, _ value: String?) {
        if let value, !value.isEmpty { fields.append((name, .string(value))) }
    }

    // MARK: event.*, data_stream.*

    private mutating func addEvent(_ event: AuditEvent, _ facts: EventFacts, _ summary: Summary) {
        add("event.kind", "event")
        add("event.module", "auditd")
        add("event.dataset", "auditd_manager.auditd")
        if !summary.categories.isEmpty { add("event.category", .array(summary.categories.map(FieldValue.string))) }
        if !summary.types.isEmpty { add("event.type", .array(summary.types.map(FieldValue.string))) }
        add("event.action", summary.action)
        add("event.outcome", facts.result == "success" ? "success" : facts.result == "fail" ? "failure" : "unknown")
        add("event.sequence", .int(Int64(event.serial)))
        // The pipeline moves auditd.data.id to event.id (user-space records' `id=`).
        if let id = facts.data.first(where: { $0.key == "id" })?.value { add("event.id", .string(id)) }
        add("data_stream.type", "logs")
        add("data_stream.dataset", "auditd_manager.auditd")
        add("ecs.version", "8.11.0")
        add("service.type", "auditd")
    }

    // MARK: auditd.*

    private mutating func addAuditd(_ facts: EventFacts, _ summary: Summary) {
        add("auditd.message_type", .string(facts.eventType.name.lowercased()))
        add("auditd.result", .string(facts.result))
        if let session = facts.session, session != "unset" { add("auditd.session", .string(session)) }

        add("auditd.data.syscall", facts.syscall)
        add("auditd.data.arch", facts.arch)
        add("auditd.data.a0", facts.a0)
        add("auditd.data.a1", facts.a1)
        add("auditd.data.a2", facts.a2)
        add("auditd.data.a3", facts.a3)
        add("auditd.data.exit", facts.exit)
        add("auditd.data.tty", facts.tty)
        if !facts.isCompound, let items = facts.items { addLong("auditd.data.items", items) }
        if let argc = facts.argc { addLong("auditd.data.argc", argc) }
        if let socket = facts.socket {
            add("auditd.data.socket.family", .string(socket.family))
            add("auditd.data.socket.addr", socket.addr)
            if let port = socket.port { addLong("auditd.data.socket.port", port) }
            add("auditd.data.socket.path", socket.path)
            add("auditd.data.socket.flow", socket.flow)
            add("auditd.data.socket.saddr", socket.saddr)
        }
        for (key, value) in facts.data where key != "id" {
            let name = "auditd.data." + Self.pipelineKey(key)
            if Self.longDataKeys.contains(key) { addLong(name, value) } else { add(name, .string(value)) }
        }
        if !facts.paths.isEmpty {
            add("auditd.paths", .array(facts.paths.map { path in
                .object(path.map { FieldValue.ObjectEntry(Self.pipelineKey($0.key), .string($0.value)) })
            }))
        }

        add("auditd.summary.actor.primary", summary.actorPrimary)
        add("auditd.summary.actor.secondary", summary.actorSecondary)
        add("auditd.summary.object.type", summary.objectType)
        add("auditd.summary.object.primary", summary.objectPrimary)
        add("auditd.summary.object.secondary", summary.objectSecondary)
        add("auditd.summary.how", summary.how)

        for (key, value) in facts.ids where value != "unset" {
            let isGroup = key.utf8.last == UInt8(ascii: "d") && key.utf8.dropLast(2).last == UInt8(ascii: "g")
            let name = isGroup ? names.groupName(forID: value) : names.userName(forID: value)
            switch key {
            case "auid": addIdentity("auditd.user.audit", value, name)
            case "suid": addIdentity("auditd.user.saved", value, name)
            case "sgid": addIdentity("auditd.user.saved.group", value, name)
            case "fsuid": addIdentity("auditd.user.filesystem", value, name)
            case "fsgid": addIdentity("auditd.user.filesystem.group", value, name)
            case "old-auid", "old_auid": addIdentity("auditd.user.old_auid", value, name)
            case "new-auid", "new_auid": addIdentity("auditd.user.new_auid", value, name)
            default: break  // uid/gid/euid/egid go to user.*, others after it (addUser)
            }
        }
        if facts.ids.contains(where: { $0.value != "unset" }) {  // Beats adds labels along with a set id
            for (key, value) in facts.selinux { add("auditd.user.selinux." + key, .string(value)) }
        }
        if let file = summary.file {
            for (key, value) in file where key.hasPrefix("obj_") {
                add("auditd.file.selinux." + key.dropFirst(4), .string(value))
            }
        }
    }

    private mutating func addIdentity(_ prefix: String, _ id: String, _ name: String?) {
        add(prefix + ".id", .string(id))
        add(prefix + ".name", name)
    }

    private mutating func addLong(_ name: String, _ value: String) {
        if let number = Int64(value) { add(name, .int(number)) } else { add(name, .string(value)) }
    }

    /// auditd_manager renames every key containing `-` to `_`; a `.` (only in forged records) would nest the
    /// key under another field, so it becomes `_` too.
    static func pipelineKey(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else { return key }
        return String(key.map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    /// `auditd.data.*` keys the ingest pipeline converts to long.
    static let longDataKeys: Set<String> = [
        "removed", "items", "lport", "rport", "sport", "dport", "entries", "argc", "seqno", "nargs", "old_vcpu",
        "new_vcpu", "changed", "added", "spid", "opid", "nlnk_pid", "vm_pid", "audit_pid", "old-vcpu", "new-vcpu",
        "nlnk-pid", "vm-pid", "audit-pid",
    ]

    // MARK: user.*, group.*

    private mutating func addUser(_ facts: EventFacts, _ summary: Summary) {
        var userID: String?, groupID: String?, effectiveID: String?, effectiveGroupID: String?
        var others: [(key: String, value: String)] = []
        for (key, value) in facts.ids where value != "unset" {
            switch key {
            case "uid": userID = value
            case "gid": groupID = value
            case "euid": effectiveID = value
            case "egid": effectiveGroupID = value
            case "auid", "suid", "sgid", "fsuid", "fsgid", "old-auid", "old_auid", "new-auid", "new_auid": break
            default: others.append((key, value))
            }
        }
        var user = (id: userID, name: userID.flatMap { names.userName(forID: $0) })
        var effective = (id: effectiveID, name: effectiveID.flatMap { names.userName(forID: $0) })
        // Record-type mappings replace the uid-derived values (an `unset` entity removes them).
        if let entity = summary.user { user = (entity.id == "unset" ? nil : entity.id, entity.name) }
        if let entity = summary.userEffective { effective = (entity.id == "unset" ? nil : entity.id, entity.name) }
        // user.effective disappears when it repeats user (by id, else by name).
        let redundant = (user.id != nil && user.id == effective.id) || (user.name != nil && user.name == effective.name)

        add("user.id", user.id)
        add("user.name", user.name)
        if let groupID {
            add("user.group.id", .string(groupID))
            add("user.group.name", names.groupName(forID: groupID))
        }
        if !redundant {
            add("user.effective.id", effective.id)
            add("user.effective.name", effective.name)
            if let effectiveGroupID {
                add("user.effective.group.id", .string(effectiveGroupID))
                add("user.effective.group.name", names.groupName(forID: effectiveGroupID))
            }
        }
        if let target = summary.userTarget {
            add("user.target.id", target.id == "unset" ? nil : target.id)
            add("user.target.name", target.name)
        }
        for (key, value) in others {
            let prefix = "user." + Self.pipelineKey(key)
            add(prefix + ".id", .string(value))
            add(prefix + ".name", key.hasSuffix("gid") ? names.groupName(forID: value) : names.userName(forID: value))
        }
        if let group = summary.group {
            add("group.id", group.id == "unset" ? nil : group.id)
            add("group.name", group.name)
        }
    }

    // MARK: process.*, file.*

    private mutating func addProcess(_ facts: EventFacts) {
        if let pid = facts.pid, let number = Int64(pid) { add("process.pid", .int(number)) }
        if let ppid = facts.ppid, let number = Int64(ppid) { add("process.parent.pid", .int(number)) }
        add("process.name", facts.comm)
        add("process.executable", facts.exe)
        if let args = facts.args, !args.isEmpty { add("process.args", .array(args.map(FieldValue.string))) }
        add("process.title", facts.proctitle)
        add("process.working_directory", facts.cwd)
    }

    private mutating func addFile(_ summary: Summary) {
        guard let path = summary.file else { return }
        func value(_ key: String) -> String? { path.first { $0.key == key }?.value }
        add("file.path", value("name"))
        add("file.device", value("rdev"))
        add("file.inode", value("inode"))
        if let mode = value("mode"), let bits = UInt32(mode, radix: 8) {
            let permissions = String(bits & 0o7777, radix: 8)  // permission, setuid/setgid and sticky bits
            add("file.mode", .string(String(repeating: "0", count: 4 - permissions.count) + permissions))
        }
        if let uid = value("ouid") {
            add("file.uid", .string(uid))
            add("file.owner", names.userName(forID: uid))
        }
        if let gid = value("ogid") {
            add("file.gid", .string(gid))
            add("file.group", names.groupName(forID: gid))
        }
    }

    // MARK: source.*, destination.*, network.*

    private mutating func addNetwork(_ facts: EventFacts, _ summary: Summary) {
        if let socket = facts.socket, let direction = Summarizer.direction(of: facts.syscall) {
            let prefix = direction == .ingress ? "source" : "destination"
            add(prefix + ".ip", socket.addr)
            if let port = socket.port { addLong(prefix + ".port", port) }
            add(prefix + ".address", socket.path)  // the pipeline renames *.path to *.address
            add("network.direction", .string(direction.rawValue))
        } else if let ip = summary.sourceIP {
            add("source.ip", .string(ip))
            add("network.direction", "ingress")
        }
    }
}

/// Per-document memo over the name lookup: an event repeats the same id in uid, euid, suid, fsuid, auid, ….
struct MemoizedNames {
    let lookup: any NameLookup
    private var users: [(id: String, name: String?)] = []
    private var groups: [(id: String, name: String?)] = []

    init(lookup: any NameLookup) { self.lookup = lookup }

    mutating func userName(forID id: String) -> String? {
        if let hit = users.first(where: { $0.id == id }) { return hit.name }
        let name = lookup.userName(forID: id)
        users.append((id, name))
        return name
    }

    mutating func groupName(forID id: String) -> String? {
        if let hit = groups.first(where: { $0.id == id }) { return hit.name }
        let name = lookup.groupName(forID: id)
        groups.append((id, name))
        return name
    }

    /// Name → id (user-space records only; rare, so not memoized).
    func userID(forName name: String) -> String? { lookup.userID(forName: name) }
    func groupID(forName name: String) -> String? { lookup.groupID(forName: name) }
}
