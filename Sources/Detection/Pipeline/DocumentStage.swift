import AuditRecords
import EventModel
import Events
import Processes
import Reassembler

/// Records → reassembled audit events → enriched ECS slots (documents on request): the front half that the detection pipeline and
/// `auspex events` share, configured by the same settings so both reassemble and enrich alike.
struct DocumentStage {
    private(set) var counters = PipelineCounters()
    private(set) var normalizerCounters = NormalizerCounters()
    private(set) var processes: ProcessEnricher
    private var reassembler: Reassembler
    private var normalizer: Normalizer

    init(settings: PipelineSettings, names: any NameLookup = NameLookups.system()) {
        reassembler = Reassembler(maxInFlight: settings.maxEventsInFlight,
                                  timeoutNanoseconds: settings.reassemblyTimeoutNanos)
        normalizer = Normalizer(host: settings.host, names: names)
        processes = ProcessEnricher(reading: settings.processSource, maxProcesses: settings.maxProcesses)
    }

    /// Slots each event carries: the detection schema's count (fixed fields, then the slots its rules added), so
    /// rules read the normalizer's array itself.
    var slotCount = EventSlots.fixedCount
    /// The parts of the document the rules read (``NormalizerDemand``): only these are written on the hot path, and
    /// ``document(of:)`` builds the rest when someone reads the event. `.all` (the default) writes whole documents.
    var demand: NormalizerDemand = .all
    /// Writes events for rules compiled against `schema`: its slot count, and only the parts its rules read.
    mutating func follow(_ schema: ECSSchema) {
        slotCount = schema.slotCount
        demand = schema.demand
    }

    /// Slots parked while ``enrich(_:into:)`` swaps an event's out and back (never written: two arrays take turns).
    private var spareSlots: EventSlots?
    /// An event kept for the next ``enriched(_:)`` (``recycle(_:)``).
    private var spareEvent: EnrichedEvent?

    var reassemblerStatistics: Reassembler.Statistics { reassembler.statistics }

    /// Adds one parsed record; returns the events it completed. `now` drives reassembly timeouts: monotonic
    /// time when live, record time when reading a log.
    mutating func add(_ record: AuditRecord, now: Int64) -> [AuditEvent] {
        var completed: [AuditEvent] = []
        add(record, now: now, into: &completed)
        return completed
    }

    /// ``add(_:now:)`` appending the completed events to `completed` (an array the caller reuses).
    mutating func add(_ record: consuming AuditRecord, now: Int64, into completed: inout [AuditEvent]) {
        counters.records += 1
        reassembler.push(record, now: now, into: &completed)
    }

    /// Counts a record that did not parse.
    mutating func countMalformed() {
        counters.malformed += 1
    }

    /// Events whose reassembly timed out by `now`.
    mutating func flush(now: Int64) -> [AuditEvent] {
        reassembler.flush(now: now)
    }

    /// End of input: every pending event.
    mutating func finish() -> [AuditEvent] {
        reassembler.finish()
    }

    /// The event's normalized, process-enriched document; nil (and not counted as a document) when it is empty.
    mutating func document(for event: AuditEvent) -> Document? {
        enriched(event).map(document(of:))
    }

    /// The whole document of an event this stage enriched. One enriched with only what the rules read is
    /// normalized again from its records, with the process table's fields carried over from its slots (the table
    /// has moved on since, but its fields were written in full).
    func document(of enriched: EnrichedEvent) -> Document {
        guard let source = enriched.source else { return enriched.slots.document() }
        var counted = NormalizerCounters()  // counted once already, when the event was enriched
        var slots = normalizer.normalize(source, counters: &counted)
        ProcessEnricher.complete(&slots, from: enriched.slots, event: source)
        return slots.document()
    }

    /// The event's normalized, process-enriched slots (no document), with what a fork-family call created, which
    /// the Defend view needs; nil (and not counted) when the event has no field. See ``enrich(_:into:)``.
    mutating func enriched(_ event: AuditEvent) -> EnrichedEvent? {
        var enriched = spareEvent.take() ?? EnrichedEvent(slots: EventSlots(document: Document()))
        guard enrich(event, into: &enriched) else {
            spareEvent = enriched
            return nil
        }
        return enriched
    }

    /// Hands back an event from ``enriched(_:)`` once nothing reads it any more: the next one reuses its storage (a
    /// rule that kept the event holds its own copy).
    mutating func recycle(_ event: consuming EnrichedEvent) {
        spareEvent = event
    }

    /// The hot path: `event` normalized and process-enriched into `enriched`, replacing the previous event there
    /// (which nothing reads any more) and reusing its slots' storage; false (and nothing counted) when the event
    /// has no field. The pipeline keeps one event this way: a new one, returned and kept, was copied several times.
    mutating func enrich(_ event: AuditEvent, into enriched: inout EnrichedEvent) -> Bool {
        counters.events += 1
        // The previous slots are moved out of `enriched` (swapped with the parked ones, which stay empty), never
        // copied: a copy would share their storage and the normalizer's first write would copy it whole.
        var slots = spareSlots.take() ?? EventSlots(document: Document(), slotCount: slotCount)
        swap(&slots, &enriched.slots)
        if slots.values.count != slotCount { slots = EventSlots(document: Document(), slotCount: slotCount) }
        slots.clear(holdingEnrichment: true)  // the enrichment keeps what it writes again, unsets the rest
        // The SYSCALL record's identity goes from the normalizer to the table directly (read in the normalizer's
        // pass over the record's keys): not a field, so the slots (which a rule may keep) never carry it.
        var identity: SyscallIdentity?
        slots = normalizer.normalize(event, into: consume slots, demand: demand, identity: &identity,
                                     counters: &normalizerCounters)
        let hasFields = !slots.isEmpty
        let fork = hasFields ? processes.enrich(&slots, event: event, identity: consume identity) : nil
        if !hasFields { slots.releaseHeld() }
        swap(&slots, &enriched.slots)
        spareSlots = consume slots  // moved: a copy retained and released the storage and extras each event
        enriched.fork = fork
        enriched.ordinal = -1
        enriched.source = hasFields && demand != .all ? event : nil
        if hasFields { counters.documents += 1 }
        return hasFields
    }

    /// Counts an alert raised from this stage's documents (the counters are the pipeline's summary).
    mutating func countAlert() {
        counters.alerts += 1
    }
}

/// An audit event's slots (auditd_manager shape: a fork describes the caller) and, for a fork-family call, what it
/// created: the Defend view reads the child from it, so no second event is built.
struct EnrichedEvent: Sendable {
    var slots: EventSlots
    var fork: ForkOutcome?
    /// The engine's arrival number for the event, set when it is offered (identifies it in matches).
    var ordinal = -1
    /// The audit event, when the slots hold only what the rules read (``DocumentStage/document(of:)`` builds its
    /// whole document from it); nil when the slots are complete.
    var source: AuditEvent?

    init(slots: EventSlots, fork: ForkOutcome? = nil, source: AuditEvent? = nil) {
        self.slots = slots
        self.fork = fork
        self.source = source
    }

    /// An event from a document (tests, JSON input).
    init(document: Document, fork: ForkOutcome? = nil) {
        self.init(slots: EventSlots(document: document), fork: fork)
    }

    /// The document of the slots as they are: the whole document of a complete event (tests, JSON input, `auspex
    /// events`); see ``DocumentStage/document(of:)`` for one the pipeline enriched.
    var document: Document { slots.document() }
}
