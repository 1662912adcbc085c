import EventModel
import Reassembler

/// Adds what the process table knows to each normalized document, between normalize and match/output:
/// `process.entity_id`, parent, session, entry and group leaders, command line, argument count, terminal, and the
/// Defend identity fields. Fields the normalizer already wrote are left alone, so auditd_manager rules see the
/// same values as before; only absent fields are filled.
public struct ProcessEnricher: Sendable {
    public private(set) var table: ProcessTable
    /// Audit time between two `/proc` prunes of the table.
    public var pruneIntervalNanos: Int64 = 30_000_000_000
    private var nextPruneNanos: Int64?
    public private(set) var enriched: UInt64 = 0

    public init(table: ProcessTable) {
        self.table = table
    }

    /// A table over `source`; `scan` loads the processes already running (live use; not for replays).
    public init(source: any ProcSource, limits: ProcessTable.Limits = .init(), scan: Bool) {
        var table = ProcessTable(source: source, limits: limits)
        if scan { table.scanExisting() }
        self.table = table
    }

    /// Updates the table from `event` and enriches `document` (the normalizer's output for it).
    public mutating func enrich(_ document: inout Document, event: AuditEvent) {
        guard !document.isEmpty, let facts = ProcessFacts(event: event, document: document) else { return }
        let instance = table.observe(facts)
        if let due = nextPruneNanos, facts.timeNanos >= due {
            table.prune(nowNanos: facts.timeNanos)
            nextPruneNanos = facts.timeNanos + pruneIntervalNanos
        } else if nextPruneNanos == nil {
            nextPruneNanos = facts.timeNanos + pruneIntervalNanos
        }
        enriched += 1
        ProcessEnricher.write(instance, parent: parent(of: instance), facts: facts, into: &document)
        FileFields.add(to: &document, syscall: facts.syscall)
    }

    private func parent(of instance: ProcessInstance) -> ProcessInstance? {
        guard let parent = table.instance(pid: instance.parentPid),
              parent.entityID == instance.parentEntityID else { return nil }
        return parent
    }

    /// Every field `write` can add (for the ECS catalog: a rule's field gets a slot only when some producer can
    /// write it).
    public static let producedFields: [String] = [
        "process.entity_id", "process.command_line", "process.args_count", "process.interactive",
        "process.previous.executable",
        "process.user.id", "process.real_user.id", "process.group.id", "process.real_group.id",
        "user.Ext.real.id", "group.Ext.real.id",
        "process.parent.entity_id", "process.parent.name", "process.parent.executable", "process.parent.args",
        "process.parent.args_count", "process.parent.command_line", "process.parent.working_directory",
        "process.parent.interactive", "process.parent.user.id", "process.parent.group.id",
    ] + ["session_leader", "entry_leader", "group_leader"].flatMap { leader in
        ["pid", "entity_id", "same_as_process", "name", "executable", "args", "args_count", "command_line"]
            .map { "process.\(leader).\($0)" }
    } + ["process.entry_leader.entry_meta.type"] + FileFields.produced

    static func write(_ instance: ProcessInstance, parent: ProcessInstance?, facts: ProcessFacts,
                      into document: inout Document) {
        var writer = FieldWriter(document: document)
        writer.fill("process.entity_id", .string(instance.entityID))
        writer.fill("process.executable", instance.executable.map(FieldValue.string))
        writer.fill("process.name", instance.name.map(FieldValue.string))
        if !writer.has("process.args"), !instance.args.isEmpty {
            writer.fill("process.args", .array(instance.args.map(FieldValue.string)))
        }
        let args = document["process.args"].flatMap(stringArray) ?? instance.args
        if !args.isEmpty {
            writer.fill("process.command_line", .string(args.joined(separator: " ")))
            writer.fill("process.args_count", .int(Int64(args.count)))
        }
        writer.fill("process.working_directory", instance.workingDirectory.map(FieldValue.string))
        writer.fill("process.interactive", instance.interactive.map(FieldValue.bool))
        if facts.isSuccessfulExec, let previous = instance.previousExecutable {
            writer.fill("process.previous.executable", .string(previous))
        }
        // Defend's identity fields (no conflict with auditd_manager's user.*, which stays the real uid).
        let euid = facts.effectiveUserID ?? instance.effectiveUserID
        let uid = facts.userID ?? instance.userID
        let egid = facts.effectiveGroupID ?? instance.effectiveGroupID
        let gid = facts.groupID ?? instance.groupID
        writer.fill("process.user.id", euid.map(FieldValue.string))
        writer.fill("process.real_user.id", uid.map(FieldValue.string))
        writer.fill("user.Ext.real.id", uid.map(FieldValue.string))
        writer.fill("process.group.id", egid.map(FieldValue.string))
        writer.fill("process.real_group.id", gid.map(FieldValue.string))
        writer.fill("group.Ext.real.id", gid.map(FieldValue.string))

        writer.fill("process.parent.pid", instance.parentPid > 0 ? .int(Int64(instance.parentPid)) : nil)
        writer.fill("process.parent.entity_id", instance.parentEntityID.map(FieldValue.string))
        if let parent {
            writer.fill("process.parent.name", parent.name.map(FieldValue.string))
            writer.fill("process.parent.executable", parent.executable.map(FieldValue.string))
            if !parent.args.isEmpty {
                writer.fill("process.parent.args", .array(parent.args.map(FieldValue.string)))
                writer.fill("process.parent.args_count", .int(Int64(parent.args.count)))
                writer.fill("process.parent.command_line", parent.commandLine.map(FieldValue.string))
            }
            writer.fill("process.parent.working_directory", parent.workingDirectory.map(FieldValue.string))
            writer.fill("process.parent.interactive", parent.interactive.map(FieldValue.bool))
            writer.fill("process.parent.user.id", parent.effectiveUserID.map(FieldValue.string))
            writer.fill("process.parent.group.id", parent.effectiveGroupID.map(FieldValue.string))
        }
        writer.leader("process.session_leader", instance.sessionLeader, of: instance)
        writer.leader("process.entry_leader", instance.entryLeader, of: instance)
        if instance.entryLeader != nil {
            writer.fill("process.entry_leader.entry_meta.type", instance.entryMetaType.map(FieldValue.string))
        }
        writer.leader("process.group_leader", instance.groupLeader, of: instance)
        document = writer.document
    }

    private static func stringArray(_ value: FieldValue) -> [String]? {
        guard case .array(let values) = value else { return nil }
        return values.compactMap(\.stringValue)
    }
}

/// Appends fields that are absent; remembers which names exist so each check is a set lookup, not a scan.
private struct FieldWriter {
    var document: Document
    private var names: Set<String>

    init(document: Document) {
        self.document = document
        names = Set(document.fields.map(\.name))
    }

    func has(_ name: String) -> Bool { names.contains(name) }

    mutating func fill(_ name: String, _ value: FieldValue?) {
        guard let value, !names.contains(name) else { return }
        document.append(name, value)
        names.insert(name)
    }

    mutating func leader(_ prefix: String, _ leader: LeaderReference?, of instance: ProcessInstance) {
        guard let leader else { return }
        fill(prefix + ".pid", .int(Int64(leader.pid)))
        fill(prefix + ".entity_id", .string(leader.entityID))
        fill(prefix + ".same_as_process", .bool(leader.entityID == instance.entityID))
        fill(prefix + ".name", leader.name.map(FieldValue.string))
        fill(prefix + ".executable", leader.executable.map(FieldValue.string))
        if !leader.args.isEmpty {
            fill(prefix + ".args", .array(leader.args.map(FieldValue.string)))
            fill(prefix + ".args_count", .int(Int64(leader.args.count)))
            fill(prefix + ".command_line", .string(leader.args.joined(separator: " ")))
        }
    }
}
