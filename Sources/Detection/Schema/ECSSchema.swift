import EQL
import EventModel
import Events
import Processes

/// The slot table for audit events: fixed field `n` (``ECSField``) has slot `n`, so rules compile to reads of the
/// slots the normalizer and the process table wrote; open fields a rule reads and Defend-view fields get the
/// slots after them, filled by ``complete(_:fork:)``.
///
/// Built by ``ECSSchemaBuilder`` while rules compile (names under ``ECSCatalog/openPrefixes`` get a slot only
/// when some rule asks for them), then frozen: an `ECSSchema` is immutable and shared by the processing thread.
struct ECSSchema: Sendable {
    /// Document field name → slot.
    let slotByName: [String: Int]
    /// Number of slots an event carries.
    let slotCount: Int
    /// Slots of the Defend-view fields, when a rule uses them.
    let derivedSlots: [DerivedSlot]
    let sources: DerivationSources
    /// The parts of the document some rule (query, exception, Defend-view field) reads: the normalizer writes
    /// only these on the hot path.
    let demand: NormalizerDemand

    /// One Defend-view field: its slot, the slot of the field it replaces and, for a parent field, the slot of
    /// the caller's field it takes on a fork (-1: none). Resolved once when the rules compile.
    struct DerivedSlot: Sendable {
        /// What to compute, without the field's name (a payload-free copy of ``DerivedField``: the per-event loop
        /// reads every entry, and copying a name retained it).
        let kind: Kind
        let slot: Int
        let replaced: Int
        let forkSource: Int

        enum Kind: Sendable {
            case userID, action, type, category, filePath, pid, entityID, parent, leaderSameAsProcess
        }

        init(field: DerivedField, slot: Int, replaced: Int, forkSource: Int) {
            switch field {
            case .defendUserID: kind = .userID
            case .defendAction: kind = .action
            case .defendType: kind = .type
            case .defendCategory: kind = .category
            case .defendFilePath: kind = .filePath
            case .defendPid: kind = .pid
            case .defendEntityID: kind = .entityID
            case .defendParent: kind = .parent
            case .defendLeaderSameAsProcess: kind = .leaderSameAsProcess
            }
            self.slot = slot
            self.replaced = replaced
            self.forkSource = forkSource
        }
    }

    /// Slots the derived fields are computed from.
    struct DerivationSources: Sendable {
        var userID: Int, effectiveUserID: Int, action: Int, type: Int, category: Int, filePath: Int, paths: Int
        var syscall: Int, outcome: Int
        /// `auditd.data.a0`…`a2` (clone and open flags).
        var arguments: [Int]
    }

    /// The catalog alone, with no derived fields (e.g. for converting documents in tests).
    init() {
        self = ECSSchemaBuilder().freeze()
    }

    /// The slots of open fields (`auditd.data.<key>`, SELinux labels): ``slotByName`` when some open field has a
    /// slot (only then are an event's extras looked up), else empty (made once: a literal made one per event).
    private let openSlotByName: [String: Int]

    init(slotByName: [String: Int], slotCount: Int, derivedSlots: [DerivedSlot], sources: DerivationSources,
         demand: NormalizerDemand = .all) {
        self.slotByName = slotByName
        self.slotCount = slotCount
        self.derivedSlots = derivedSlots
        self.sources = sources
        self.demand = demand
        openSlotByName = slotByName.values.contains { $0 >= EventSlots.fixedCount } ? slotByName : [:]
    }

    /// The slot of a document field, or nil when no rule can read it.
    func slot(for field: String) -> Int? { slotByName[field] }

    /// Converts a document (tests, JSON input): its fields placed in their slots, then ``complete(_:fork:)``.
    /// `fork`: what the event's fork-family call created (``EnrichedEvent/fork``), for the Defend view.
    func slotEvent(from document: Document, fork: ForkOutcome? = nil, timestamp: Int64,
                          tiebreaker: FieldValue = .null, ordinal: Int) -> SlotEvent {
        var slots = EventSlots(document: document, slotCount: slotCount)
        complete(&slots, fork: fork)
        return SlotEvent(values: slots.values, timestamp: timestamp, tiebreaker: tiebreaker, ordinal: ordinal)
    }

    /// Fills the schema's own slots of an event the sources wrote: open fields some rule reads (from its extras)
    /// and the Defend-view fields. In place, so the rules then read the event's own array.
    func complete(_ slots: inout EventSlots, fork: ForkOutcome?) {
        slots.extend(toSlotCount: slotCount, placingExtras: openSlotByName)
        fillDerived(&slots, fork: fork)
    }

    func fillDerived(_ slots: inout EventSlots, fork: ForkOutcome?) {
        guard !derivedSlots.isEmpty else { return }
        let defend = defendEvent(slots.values, fork: fork)
        let child = fork?.child
        for entry in derivedSlots {
            slots[slot: entry.slot] = derive(entry, from: slots.values, defend: defend, child: child)
        }
    }

    /// Defend's reading of the event, once for all derived fields (only Defend rules make derived slots).
    private func defendEvent(_ values: [FieldValue], fork: ForkOutcome?) -> DefendEvent {
        guard let syscall = values[sources.syscall].stringValue else { return .none }
        return DefendEvent.reading(syscall: syscall, success: values[sources.outcome].stringValue == "success",
                                   argument: { values[sources.arguments[$0]].stringValue },
                                   paths: values[sources.paths], fork: fork)
    }

    /// `child`: the process a fork created; Defend's fork event describes it, with the caller as its parent.
    private func derive(_ entry: DerivedSlot, from values: [FieldValue], defend: DefendEvent,
                        child: (pid: Int32, entityID: String)?) -> FieldValue {
        switch entry.kind {
        case .userID:
            let effective = values[sources.effectiveUserID]
            return effective.isNull ? values[sources.userID] : effective
        case .action:
            if let action = defend.action { return action }
            if let action = values[sources.action].stringValue,
               let renamed = DefendVocabulary.actionByAuditAction[action] {
                return .string(renamed)
            }
            return values[sources.action]
        case .type: return defend.types ?? values[sources.type]
        case .category: return defend.category ?? values[sources.category]
        case .filePath: return defend.filePath ?? values[sources.filePath]
        case .pid: return child.map { .int(Int64($0.pid)) } ?? values[entry.replaced]
        case .entityID: return child.map { .string($0.entityID) } ?? values[entry.replaced]
        case .parent: return values[child == nil ? entry.replaced : entry.forkSource]
        case .leaderSameAsProcess:
            let value = values[entry.replaced]
            return child == nil || value.isNull ? value : .bool(false)
        }
    }
}

/// Assigns slots while rules compile. Not thread-safe: one builder per compile of a rule set.
final class ECSSchemaBuilder {
    private var slotByName: [String: Int] = [:]
    private var derived: [DerivedField: Int] = [:]
    private var nextSlot = 0
    /// What the names asked for so far need written (``ECSSchema/demand``).
    private var demand: NormalizerDemand = []

    init() {
        for field in ECSField.allCases {
            let slot = allocate(field.name)
            precondition(slot == field.rawValue, "fixed field \(field.name) must have slot \(field.rawValue)")
        }
        for field in ECSCatalog.fields { allocate(field) }
        // Read by the Defend view: the syscall, clone's flags (a0) and open's flags (a1 for open, a2 for openat).
        for field in Self.defendSources { allocate(field) }
    }

    private static let defendSources = ["auditd.data.syscall", "auditd.data.a0", "auditd.data.a1", "auditd.data.a2"]

    /// The schema a rule written for `view` compiles against. Unknown names (neither in the catalog nor under an
    /// open prefix) get no slot, so the compiler folds them to null and lists them in `unknownFields`.
    func schema(for view: SourceView) -> any FieldSchema {
        View(builder: self, view: view)
    }

    /// The finished table.
    func freeze() -> ECSSchema {
        let sources = ECSSchema.DerivationSources(
            userID: slotByName["user.id"]!, effectiveUserID: slotByName["user.effective.id"]!,
            action: slotByName["event.action"]!, type: slotByName["event.type"]!,
            category: slotByName["event.category"]!, filePath: slotByName["file.path"]!,
            paths: slotByName["auditd.paths"]!, syscall: slotByName["auditd.data.syscall"]!,
            outcome: slotByName["event.outcome"]!,
            arguments: ["auditd.data.a0", "auditd.data.a1", "auditd.data.a2"].map { slotByName[$0]! })
        // Every replaced field and fork source is a catalog field, allocated in init.
        let derivedSlots = derived.map { field, slot in
            ECSSchema.DerivedSlot(field: field, slot: slot, replaced: slotByName[field.replacedField]!,
                                  forkSource: field.forkSourceField.map { slotByName[$0]! } ?? -1)
        }.sorted { $0.slot < $1.slot }
        // Each derived field's name was noted when asked for (the field it replaces: `user.id` covers the effective
        // id too); Defend's reading of the call may need more.
        var demand = self.demand
        for field in derived.keys { demand.formUnion(field.defendEventDemand) }
        return ECSSchema(slotByName: slotByName, slotCount: nextSlot, derivedSlots: derivedSlots, sources: sources,
                         demand: demand)
    }

    fileprivate func slot(for field: String, view: SourceView) -> Int? {
        let slot = resolve(field, view: view)
        if slot != nil { demand.formUnion(.reading(fieldNamed: field)) }
        return slot
    }

    private func resolve(_ field: String, view: SourceView) -> Int? {
        if view == .defend, let derivedField = DerivedField.replacing(field) {
            if let slot = derived[derivedField] { return slot }
            let slot = nextSlot
            nextSlot += 1
            derived[derivedField] = slot
            return slot
        }
        if let slot = slotByName[field] { return slot }
        guard ECSCatalog.canProduce(field) else { return nil }
        return allocate(field)
    }

    @discardableResult
    private func allocate(_ field: String) -> Int {
        if let slot = slotByName[field] { return slot }
        let slot = nextSlot
        nextSlot += 1
        slotByName[field] = slot
        return slot
    }

    private struct View: FieldSchema {
        let builder: ECSSchemaBuilder
        let view: SourceView
        func slot(for field: String) -> Int? { builder.slot(for: field, view: view) }
    }
}
