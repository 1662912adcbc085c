import AuditRecords
import EventModel
import Events
import Reassembler

/// Adds what the process table knows to each normalized document, between normalize and match/output:
/// `process.entity_id`, parent, session, entry and group leaders, command line, argument count, terminal, and the
/// Defend identity fields. Fields the normalizer already wrote are left alone, so auditd_manager rules see the
/// same values as before; only absent fields are filled.
public struct ProcessEnricher: Sendable {
    private(set) var table: ProcessTable
    /// Audit time between two `/proc` prunes of the table.
    var pruneIntervalNanos: Int64 = 30_000_000_000
    private var nextPruneNanos: Int64?
    private(set) var enriched: UInt64 = 0
    /// The table's versions of the last process and parent written (``ProcessTable/renderVersions(process:parent:)``)
    /// and the stamp given to that rendering (``EventSlots/heldStamp``): the same stamp, the same versions. Stamps
    /// start at a random point, so another enricher's never match.
    private var lastRendering: (versions: (UInt64, UInt64), stamp: UInt64) =
        ((0, 0), UInt64.random(in: 1...(UInt64.max / 2)))

    init(table: ProcessTable) {
        self.table = table
    }

    /// What the table did, cumulative (status and metrics).
    public var counters: ProcessTable.Counters { table.counters }
    /// Processes the table knows now.
    public var processCount: Int { table.count }

    /// A table of at most `maxProcesses` instances over `view`.
    public init(reading view: ProcView, maxProcesses: Int) {
        self.init(source: view.source, limits: ProcessTable.Limits(maxProcesses: maxProcesses), scan: view.scan)
    }

    /// A table over `source`; `scan` loads the processes already running (live use; not for replays).
    init(source: any ProcSource, limits: ProcessTable.Limits = .init(), scan: Bool) {
        var table = ProcessTable(source: source, limits: limits)
        if scan { table.scanExisting() }
        self.table = table
    }

    /// Updates the table from `event` and enriches its slots (the normalizer's output for it). The event
    /// describes the caller, as auditd_manager's documents do; for a fork-family call the result says what it
    /// created, for views (Elastic Defend's) whose fork event describes the child. Nil for every other event.
    /// `identity`: what the normalizer read from the event's SYSCALL record
    /// (``Normalizer/normalize(_:into:demand:identity:counters:)``), else nil and the record is scanned.
    @discardableResult
    public mutating func enrich(_ slots: inout EventSlots, event: AuditEvent,
                                identity: consuming SyscallIdentity? = nil) -> ForkOutcome? {
        let facts = ProcessFacts.of(event, slots: slots, identity: identity)
        guard facts.isKnown else {
            slots.releaseHeld()
            return nil
        }
        let observed = table.observe(facts)
        var outcome: ForkOutcome?
        if facts.clonedTask != nil {
            outcome = observed.child.map { table.withInstance(at: $0) { .process(pid: $0.pid, entityID: $0.entityID) } }
                ?? .thread
        }
        enriched += 1
        if let due = nextPruneNanos, facts.timeNanos < due {
            // The usual case: the process and its parent are written from where the table keeps them.
            // An event of the same unchanged process (and parent) as the last one finds their fields held in the
            // slots already: only those that depend on the event are written.
            let parent = table.parentIndex(ofInstanceAt: observed.process)
            let stamp = renderingStamp(table.renderVersions(process: observed.process, parent: parent))
            SlotWriter.writing(&slots) { slots in
                let rendered = slots.keepsStamped(stamp)
                table.withInstance(at: observed.process) {
                    ProcessEnricher.write($0, facts: facts, into: slots, renderedAlready: rendered)
                }
                if !rendered, let parent {
                    table.withInstance(at: parent) { ProcessEnricher.write(parent: $0, into: slots) }
                }
            }
            slots.releaseHeld()  // what the last event's enrichment wrote and this one did not
            slots.stampHeld(stamp)
        } else {
            // A copy: the prune may remove the process itself (an exit with no grace).
            let process = table.withInstance(at: observed.process) { $0 }
            if nextPruneNanos != nil { table.prune(nowNanos: facts.timeNanos) }
            nextPruneNanos = facts.timeNanos.saturatingAdd(pruneIntervalNanos)
            SlotWriter.writing(&slots) { slots in
                ProcessEnricher.write(process, facts: facts, into: slots, renderedAlready: false)
                if let parent = table.parentIndex(of: process) {
                    table.withInstance(at: parent) { ProcessEnricher.write(parent: $0, into: slots) }
                }
            }
            slots.releaseHeld()
        }
        FileFields.add(to: &slots, isRename: facts.isRename)  // as ``complete(_:from:event:)`` does
        return outcome
    }

    /// ``enrich(_:event:)-(EventSlots,_)`` for a document (tests; the pipeline works on slots).
    @discardableResult
    mutating func enrich(_ document: inout Document, event: AuditEvent) -> ForkOutcome? {
        guard !document.isEmpty else { return nil }
        var slots = EventSlots(document: document)
        let outcome = enrich(&slots, event: event)
        document = slots.document()
        return outcome
    }

    /// Completes `slots`, the whole normalizer output of `event`, with what ``enrich(_:event:)`` added to
    /// `enriched` (that event's slots as the rules read them: only the parts they demand, but every process table
    /// field). The table has moved on since, so its fields are copied, not recomputed; the file fields derived
    /// from the object path are derived again, from the whole output, as `enrich` derives them.
    public static func complete(_ slots: inout EventSlots, from enriched: EventSlots, event: AuditEvent) {
        for field in sharedFields { slots[field] = enriched[field] }  // the normalizer's value, else the table's
        for raw in ECSField.firstProcessTableField.rawValue..<EventSlots.fixedCount {
            let value = enriched.values[raw]
            if !value.isNull { slots[slot: raw] = value }
        }
        // `enrich` always writes the entity id: without one it had no facts and added nothing.
        guard enriched.has(.processEntityId) else { return }
        let syscall = event.records.contains { $0.type == .syscall } ? slots[.auditdDataSyscall].stringValue : nil
        FileFields.add(to: &slots, isRename: syscall.map(ProcessFacts.Call.init(name:)) == .rename)
    }

    /// Every field `write` can add beyond ``sharedFields`` (for the ECS catalog: a rule's field gets a slot only
    /// when some producer can write it): the ``ECSField`` cases from ``ECSField/firstProcessTableField`` on.
    public static let producedFields: [String] = ECSField.allCases
        .filter { $0.rawValue >= ECSField.firstProcessTableField.rawValue }.map(\.name)

    /// Fields the normalizer may already have written (then its value stays); every other field written here is
    /// ours alone (`ProcessesTests` checks this against the ECS catalog).
    static let sharedFields: [ECSField] = [
        .processExecutable, .processName, .processArgs, .processWorkingDirectory, .processParentPid,
    ]

    /// The stamp of the rendering of the process and parent with table versions `versions`: the last one's when they
    /// are the last ones', else a new one.
    private mutating func renderingStamp(_ versions: (UInt64, UInt64)) -> UInt64 {
        if versions != lastRendering.versions {
            lastRendering = (versions, lastRendering.stamp &+ 1)
        }
        return lastRendering.stamp
    }

    /// The process's own fields, its session, entry and group leaders. `renderedAlready`: the slots hold those that
    /// depend on the instance alone (``SlotWriter/keepsStamped(_:)``); the event's own are written.
    @inline(__always)  // called on the instance in place: a call would copy it (bitwise) for its argument
    static func write(_ instance: borrowing ProcessInstance, facts: ProcessFacts, into slots: SlotWriter,
                      renderedAlready: Bool) {
        slots.fill(.processExecutable, instance.executable)
        slots.fill(.processName, instance.name)
        // The exec event's own vector (complete) wins over the table's (bounded) copy. A failed exec has none: the
        // caller's would describe another program, and auditd_manager writes no arguments for it either.
        if facts.isFailedExec {
        } else if let args = facts.args, !args.isEmpty {
            // The table keeps an exec's whole vector as is (same storage, compared in O(1)), joined once.
            slots.add(.processCommandLine, instance.args.values == args ? instance.args.commandLine
                                                                         : .string(Arguments.joined(args)))
            slots.add(.processArgsCount, .int(Int64(args.count)))
        } else if !instance.args.isEmpty {
            slots.fill(.processArgs, instance.args.field)
            slots.add(.processCommandLine, instance.args.commandLine)
            slots.add(.processArgsCount, .int(Int64(instance.args.count)))
        }
        slots.fill(.processWorkingDirectory, instance.workingDirectory)
        if facts.isSuccessfulExec { slots.add(.processPreviousExecutable, instance.previousExecutable) }
        slots.fill(.processParentPid, instance.parentPid > 0 ? .int(Int64(instance.parentPid)) : nil)
        if renderedAlready { return }
        // Every field below depends on the instance alone (``ProcessInstance/renderVersion``).
        slots.add(.processEntityId, instance.entityID)
        slots.add(.processInteractive, instance.interactive.map(FieldValue.bool))
        // Defend's identity fields (no conflict with auditd_manager's user.*, which stays the real uid). The
        // event's own ids are the instance's already.
        slots.add(.processUserId, instance.effectiveUserID)
        slots.add(.processRealUserId, instance.userID)
        slots.add(.userExtRealId, instance.userID)
        slots.add(.processGroupId, instance.effectiveGroupID)
        slots.add(.processRealGroupId, instance.groupID)
        slots.add(.groupExtRealId, instance.groupID)
        slots.add(.processParentEntityId, instance.parentEntityID)
        if case .some(let leader) = instance.sessionLeader { slots.leader(.session, leader, of: instance.entityID) }
        if case .some(let leader) = instance.entryLeader {
            slots.leader(.entry, leader, of: instance.entityID)
            slots.add(.processEntryLeaderEntryMetaType, instance.entryMetaType)
        }
        if case .some(let leader) = instance.groupLeader { slots.leader(.group, leader, of: instance.entityID) }
    }

    /// The parent's fields (when the table still holds the process's parent instance).
    @inline(__always)  // as `write(_:facts:into:)`
    static func write(parent: borrowing ProcessInstance, into slots: SlotWriter) {
        slots.add(.processParentName, parent.name)
        slots.add(.processParentExecutable, parent.executable)
        if !parent.args.isEmpty {
            slots.add(.processParentArgs, arguments: parent.args.values)
            slots.add(.processParentArgsCount, .int(Int64(parent.args.count)))
            slots.add(.processParentCommandLine, parent.args.commandLine)
        }
        slots.add(.processParentWorkingDirectory, parent.workingDirectory)
        slots.add(.processParentInteractive, parent.interactive.map(FieldValue.bool))
        slots.add(.processParentUserId, parent.effectiveUserID)
        slots.add(.processParentGroupId, parent.effectiveGroupID)
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

/// The enrichment's writes, straight into the slots' storage: an event's ~50 fields then cost one uniqueness check
/// of the array, not one each. Fields the normalizer also writes are only filled when it left them unset.
struct SlotWriter {
    private let slots: EventSlots.Writer

    /// Calls `body` with a writer over `slots` (valid only within it).
    static func writing<Result>(_ slots: inout EventSlots, _ body: (SlotWriter) -> Result) -> Result {
        slots.withWriter { body(SlotWriter(slots: $0)) }
    }

    /// Whether the slots hold what the table stamped `stamp` (``EventSlots/heldStamp``): then every field that
    /// depends on the process and its parent alone is kept as written; those that depend on the event
    /// (``ProcessEnricher/write(_:facts:into:renderedAlready:)``) are written as always.
    func keepsStamped(_ stamp: UInt64) -> Bool {
        slots.keepsStamped(stamp, except: EventSlots.heldBit(ECSField.processCommandLine.rawValue)
                                | EventSlots.heldBit(ECSField.processArgsCount.rawValue)
                                | EventSlots.heldBit(ECSField.processPreviousExecutable.rawValue))
    }

    /// A field the normalizer may have written: set only when unset.
    func fill(_ field: ECSField, _ value: FieldValue?) {
        guard let value, !slots.isSet(field) else { return }
        slots.set(field, value)
    }

    func fill(_ field: ECSField, _ text: String?) {
        guard let text, !slots.isSet(field) else { return }
        slots.set(field, .string(text))
    }

    /// A field only the enricher writes. One it wrote for the last event with the very same value stays as it was
    /// (``EventSlots/clear(holdingEnrichment:)``).
    func add(_ field: ECSField, _ value: FieldValue?) {
        guard let value, !slots.keepsHeld(field, value: value) else { return }
        slots.set(field, value)
    }

    func add(_ field: ECSField, _ text: String?) {
        guard let text, !slots.keepsHeld(field, string: text) else { return }
        slots.set(field, .string(text))
    }

    /// An arguments array (``Arguments/values``), kept when the slot holds that very array.
    func add(_ field: ECSField, arguments: [FieldValue]) {
        guard !slots.keepsHeld(field, array: arguments) else { return }
        slots.set(field, .array(arguments))
    }

    /// A leader's fields; `entityID`: the process's own (`same_as_process`).
    func leader(_ fields: LeaderFields, _ leader: borrowing LeaderReference, of entityID: String) {
        add(fields.pid, .int(Int64(leader.pid)))
        add(fields.entityID, leader.entityID)
        add(fields.sameAsProcess, .bool(leader.entityID == entityID))
        add(fields.name, leader.name)
        add(fields.executable, leader.executable)
        if !leader.args.isEmpty {
            add(fields.args, arguments: leader.args.values)
            add(fields.argsCount, .int(Int64(leader.args.count)))
            add(fields.commandLine, leader.args.commandLine)
        }
    }
}

/// The fields of one leader kind.
struct LeaderFields {
    let pid, entityID, sameAsProcess, name, executable, args, argsCount, commandLine: ECSField

    static let session = LeaderFields(
        pid: .processSessionLeaderPid, entityID: .processSessionLeaderEntityId,
        sameAsProcess: .processSessionLeaderSameAsProcess, name: .processSessionLeaderName,
        executable: .processSessionLeaderExecutable, args: .processSessionLeaderArgs,
        argsCount: .processSessionLeaderArgsCount, commandLine: .processSessionLeaderCommandLine)
    static let entry = LeaderFields(
        pid: .processEntryLeaderPid, entityID: .processEntryLeaderEntityId,
        sameAsProcess: .processEntryLeaderSameAsProcess, name: .processEntryLeaderName,
        executable: .processEntryLeaderExecutable, args: .processEntryLeaderArgs,
        argsCount: .processEntryLeaderArgsCount, commandLine: .processEntryLeaderCommandLine)
    static let group = LeaderFields(
        pid: .processGroupLeaderPid, entityID: .processGroupLeaderEntityId,
        sameAsProcess: .processGroupLeaderSameAsProcess, name: .processGroupLeaderName,
        executable: .processGroupLeaderExecutable, args: .processGroupLeaderArgs,
        argsCount: .processGroupLeaderArgsCount, commandLine: .processGroupLeaderCommandLine)
}
