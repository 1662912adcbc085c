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

    /// Updates the table from `event` and enriches `document` (the normalizer's output for it). The document
    /// describes the caller, as auditd_manager's do; for a fork-family call the result says what it created, for
    /// views (Elastic Defend's) whose fork event describes the child. Nil for every other event.
    @discardableResult
    public mutating func enrich(_ document: inout Document, event: AuditEvent) -> ForkOutcome? {
        guard !document.isEmpty, let facts = ProcessFacts(event: event, document: document) else { return nil }
        let (instance, child) = table.observeWithChild(facts)
        if let due = nextPruneNanos, facts.timeNanos >= due {
            table.prune(nowNanos: facts.timeNanos)
            nextPruneNanos = facts.timeNanos + pruneIntervalNanos
        } else if nextPruneNanos == nil {
            nextPruneNanos = facts.timeNanos + pruneIntervalNanos
        }
        enriched += 1
        ProcessEnricher.write(instance, parent: parent(of: instance), facts: facts, into: &document)
        FileFields.add(to: &document, syscall: facts.syscall)
        guard facts.clonedTask != nil else { return nil }
        return child.map { .process(pid: $0.pid, entityID: $0.entityID) } ?? .thread
    }

    private func parent(of instance: ProcessInstance) -> ProcessInstance? {
        guard let parent = table.instance(pid: instance.parentPid),
              parent.entityID == instance.parentEntityID else { return nil }
        return parent
    }

    /// Every field `write` can add beyond ``sharedFields`` (for the ECS catalog: a rule's field gets a slot only
    /// when some producer can write it).
    public static let producedFields: [String] = [
        "process.entity_id", "process.command_line", "process.args_count", "process.interactive",
        "process.previous.executable",
        "process.user.id", "process.real_user.id", "process.group.id", "process.real_group.id",
        "user.Ext.real.id", "group.Ext.real.id",
        "process.parent.entity_id", "process.parent.name", "process.parent.executable", "process.parent.args",
        "process.parent.args_count", "process.parent.command_line", "process.parent.working_directory",
        "process.parent.interactive", "process.parent.user.id", "process.parent.group.id",
    ] + LeaderFieldNames.session.all + LeaderFieldNames.entry.all + LeaderFieldNames.group.all
      + ["process.entry_leader.entry_meta.type"] + FileFields.produced

    /// Names the normalizer may already have written (then its value stays); every other name here is ours alone
    /// (`ProcessesTests` checks this against the ECS catalog).
    static let sharedFields: [String] = [
        "process.executable", "process.name", "process.args", "process.working_directory", "process.parent.pid",
    ]

    static func write(_ instance: ProcessInstance, parent: ProcessInstance?, facts: ProcessFacts,
                      into document: inout Document) {
        var writer = FieldWriter(document: document)
        writer.add("process.entity_id", .string(instance.entityID))
        writer.fill(.executable, "process.executable", instance.executable.map(FieldValue.string))
        writer.fill(.name, "process.name", instance.name.map(FieldValue.string))
        // The exec event's own vector (complete) wins over the table's (bounded) copy.
        if let args = facts.args, !args.isEmpty {
            writer.add("process.command_line", .string(args.joined(separator: " ")))
            writer.add("process.args_count", .int(Int64(args.count)))
        } else if !instance.args.isEmpty {
            writer.fill(.args, "process.args", instance.args.field)
            writer.add("process.command_line", instance.args.commandLine)
            writer.add("process.args_count", .int(Int64(instance.args.count)))
        }
        writer.fill(.workingDirectory, "process.working_directory", instance.workingDirectory.map(FieldValue.string))
        writer.add("process.interactive", instance.interactive.map(FieldValue.bool))
        if facts.isSuccessfulExec, let previous = instance.previousExecutable {
            writer.add("process.previous.executable", .string(previous))
        }
        // Defend's identity fields (no conflict with auditd_manager's user.*, which stays the real uid).
        let euid = (facts.effectiveUserID ?? instance.effectiveUserID).map(FieldValue.string)
        let uid = (facts.userID ?? instance.userID).map(FieldValue.string)
        let egid = (facts.effectiveGroupID ?? instance.effectiveGroupID).map(FieldValue.string)
        let gid = (facts.groupID ?? instance.groupID).map(FieldValue.string)
        writer.add("process.user.id", euid)
        writer.add("process.real_user.id", uid)
        writer.add("user.Ext.real.id", uid)
        writer.add("process.group.id", egid)
        writer.add("process.real_group.id", gid)
        writer.add("group.Ext.real.id", gid)

        writer.fill(.parentPid, "process.parent.pid", instance.parentPid > 0 ? .int(Int64(instance.parentPid)) : nil)
        writer.add("process.parent.entity_id", instance.parentEntityID.map(FieldValue.string))
        if let parent {
            writer.add("process.parent.name", parent.name.map(FieldValue.string))
            writer.add("process.parent.executable", parent.executable.map(FieldValue.string))
            if !parent.args.isEmpty {
                writer.add("process.parent.args", parent.args.field)
                writer.add("process.parent.args_count", .int(Int64(parent.args.count)))
                writer.add("process.parent.command_line", parent.args.commandLine)
            }
            writer.add("process.parent.working_directory", parent.workingDirectory.map(FieldValue.string))
            writer.add("process.parent.interactive", parent.interactive.map(FieldValue.bool))
            writer.add("process.parent.user.id", parent.effectiveUserID.map(FieldValue.string))
            writer.add("process.parent.group.id", parent.effectiveGroupID.map(FieldValue.string))
        }
        writer.leader(.session, instance.sessionLeader, of: instance)
        writer.leader(.entry, instance.entryLeader, of: instance)
        if instance.entryLeader != nil {
            writer.add("process.entry_leader.entry_meta.type", instance.entryMetaType.map(FieldValue.string))
        }
        writer.leader(.group, instance.groupLeader, of: instance)
        document = writer.document
    }
}

/// What a successful fork/vfork/clone/clone3 created, as the process table judged it.
public enum ForkOutcome: Sendable, Equatable {
    /// A new process: the child's pid (the call's return value) and its entity id.
    case process(pid: Int32, entityID: String)
    /// A thread of the caller (clone with CLONE_THREAD, or a clone3 whose child `/proc` shows in the caller's
    /// thread group): no new process.
    case thread

    /// The child process, nil for a thread.
    public var child: (pid: Int32, entityID: String)? {
        if case .process(let pid, let entityID) = self { return (pid, entityID) }
        return nil
    }
}

/// Appends the enrichment. Only the few names the normalizer also writes are checked (one pass over the document
/// when the writer is made); names are string literals, so no name is built or hashed per event.
private struct FieldWriter {
    enum Shared: Int { case executable, name, args, workingDirectory, parentPid }

    var document: Document
    private var present: [Bool]

    init(document: Document) {
        self.document = document
        present = [Bool](repeating: false, count: ProcessEnricher.sharedFields.count)
        for field in document.fields where field.name.utf8.first == UInt8(ascii: "p") {
            if let index = ProcessEnricher.sharedFields.firstIndex(of: field.name) { present[index] = true }
        }
    }

    /// A name the normalizer may have written: added only when absent.
    mutating func fill(_ shared: Shared, _ name: String, _ value: FieldValue?) {
        guard let value, !present[shared.rawValue] else { return }
        document.append(name, value)
        present[shared.rawValue] = true
    }

    /// A name only the enricher writes.
    mutating func add(_ name: String, _ value: FieldValue?) {
        if let value { document.append(name, value) }
    }

    mutating func leader(_ names: LeaderFieldNames, _ leader: LeaderReference?, of instance: ProcessInstance) {
        guard let leader else { return }
        add(names.pid, .int(Int64(leader.pid)))
        add(names.entityID, .string(leader.entityID))
        add(names.sameAsProcess, .bool(leader.entityID == instance.entityID))
        add(names.name, leader.name.map(FieldValue.string))
        add(names.executable, leader.executable.map(FieldValue.string))
        if !leader.args.isEmpty {
            add(names.args, leader.args.field)
            add(names.argsCount, .int(Int64(leader.args.count)))
            add(names.commandLine, leader.args.commandLine)
        }
    }
}

/// The field names of one leader kind, as literals.
struct LeaderFieldNames {
    let pid, entityID, sameAsProcess, name, executable, args, argsCount, commandLine: String

    static let session = LeaderFieldNames(
        pid: "process.session_leader.pid", entityID: "process.session_leader.entity_id",
        sameAsProcess: "process.session_leader.same_as_process", name: "process.session_leader.name",
        executable: "process.session_leader.executable", args: "process.session_leader.args",
        argsCount: "process.session_leader.args_count", commandLine: "process.session_leader.command_line")
    static let entry = LeaderFieldNames(
        pid: "process.entry_leader.pid", entityID: "process.entry_leader.entity_id",
        sameAsProcess: "process.entry_leader.same_as_process", name: "process.entry_leader.name",
        executable: "process.entry_leader.executable", args: "process.entry_leader.args",
        argsCount: "process.entry_leader.args_count", commandLine: "process.entry_leader.command_line")
    static let group = LeaderFieldNames(
        pid: "process.group_leader.pid", entityID: "process.group_leader.entity_id",
        sameAsProcess: "process.group_leader.same_as_process", name: "process.group_leader.name",
        executable: "process.group_leader.executable", args: "process.group_leader.args",
        argsCount: "process.group_leader.args_count", commandLine: "process.group_leader.command_line")

    var all: [String] { [pid, entityID, sameAsProcess, name, executable, args, argsCount, commandLine] }
}
