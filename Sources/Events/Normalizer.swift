import AuditRecords
import EventModel
import Reassembler

/// Turns one reassembled audit event into the ECS document Elastic Agent's auditd_manager integration would
/// store for it (ecs-mapping.md §1.3–§2.3, §6), so detection rules written for `logs-auditd_manager.auditd-*`
/// match unchanged.
///
/// A value type with no mutable state: `normalize` is a pure function of the event, the host facts and the
/// name lookup. What could not be decoded is reported through `NormalizerCounters` and the document is still
/// produced with what was readable. Later enrichment steps (process table, entity ids, Defend vocabulary)
/// extend the returned `Document`.
public struct Normalizer: Sendable {
    /// Bounds on values taken from untrusted records.
    struct Limits: Sendable {
        /// Longest value kept, in bytes (longer ones are cut and counted).
        var maxValueBytes: Int
        /// Most `process.args` entries kept.
        var maxArguments: Int

        init(maxValueBytes: Int = 64 * 1024, maxArguments: Int = 4096) {
            self.maxValueBytes = max(1, maxValueBytes)
            self.maxArguments = max(1, maxArguments)
        }
    }

    /// `host.*` facts stamped on every document.
    let host: HostInfo
    /// ``HostInfo/fields``, made once.
    private let hostFields: [(field: ECSField, value: FieldValue)]
    /// uid/gid → name resolution for `user.name`, `file.owner`, `auditd.summary.actor.*`, ….
    var names: any NameLookup
    var limits: Limits
    /// Texts of short values the hot path decoded, for the next events.
    private var shortTexts = ShortTexts(slotCount: 256)

    public init(host: HostInfo, names: any NameLookup) {
        self.init(host: host, names: names, limits: Limits())
    }

    /// With other bounds on record values (tests).
    init(host: HostInfo, names: any NameLookup, limits: Limits) {
        self.host = host
        hostFields = host.fields
        self.names = names
        self.limits = limits
    }

    /// The document for `event`; decoding problems are not reported (see `normalize(_:counters:)`).
    func normalize(_ event: AuditEvent) -> Document {
        var counters = NormalizerCounters()
        return normalize(event, counters: &counters)
    }

    /// The document for `event`, adding to `counters` whatever could not be decoded.
    func normalize(_ event: AuditEvent, counters: inout NormalizerCounters) -> Document {
        normalize(event, counters: &counters).document()
    }

    /// The event's fields in slots (`slotCount` of them, at least the fixed fields'), adding to `counters`
    /// whatever could not be decoded. The hot path: no document is built, and only the parts in `demand` (the rest
    /// of the document is what the loaded rules never read).
    public func normalize(_ event: AuditEvent, slotCount: Int = EventSlots.fixedCount, demand: NormalizerDemand = .all,
                          counters: inout NormalizerCounters) -> EventSlots {
        var collector = EventCollector(limits: limits, demand: demand)
        var identity: SyscallIdentity?  // not asked for: the process table scans the record itself
        return normalize(event, into: EventSlots(slotCount: slotCount), demand: demand, collector: &collector,
                         identity: &identity, counters: &counters)
    }

    /// ``normalize(_:slotCount:demand:counters:)`` writing into `slots`, which must have no field set (a new or a
    /// ``EventSlots/clear()``ed array: the pipeline reuses one). `identity` is set to what the process table needs
    /// from the SYSCALL record (nil for other events), read in the same pass over its keys: the pipeline hands it
    /// to ``ProcessEnricher`` directly (not a field, so the slots do not carry it).
    /// Mutating: the texts of short values are kept for the next events (``ShortTexts``), which repeat most of them.
    public mutating func normalize(_ event: AuditEvent, into slots: consuming EventSlots,
                                   demand: NormalizerDemand = .all, identity: inout SyscallIdentity?,
                                   counters: inout NormalizerCounters) -> EventSlots {
        var collector = EventCollector(limits: limits, demand: demand)
        swap(&collector.shortTexts, &shortTexts)  // lent to the collector for the event
        defer { swap(&collector.shortTexts, &shortTexts) }
        return normalize(event, into: slots, demand: demand, collector: &collector, identity: &identity,
                         counters: &counters)
    }

    private func normalize(_ event: AuditEvent, into slots: consuming EventSlots, demand: NormalizerDemand,
                           collector: inout EventCollector, identity: inout SyscallIdentity?,
                           counters: inout NormalizerCounters) -> EventSlots {
        if event.records.isEmpty { counters.emptyEvents += 1 }
        let facts = collector.collect(event, identity: &identity, counters: &counters)  // a let: lent, never copied
        var slots = slots
        if facts.eventType == .syscall && demand.isDisjoint(with: [.summary, .file]) {
            // A syscall event's summary shows only in `auditd.summary.*` and its object file in `file.*` (a
            // syscall's normalization maps no user): with neither written, it is not worked out.
            var builder = DocumentBuilder(hostFields: hostFields, demand: demand, names: MemoizedNames(lookup: names))
            builder.build(event: event, facts: facts, summary: Summary.none, into: &slots)
        } else {
            var summarizer = Summarizer(names: MemoizedNames(lookup: names), writesSummary: demand.contains(.summary))
            var summary = Summary()
            summarizer.summarize(facts, into: &summary)
            // The memo moves on to the builder (no copy): its answers stay the event's.
            var builder = DocumentBuilder(hostFields: hostFields, demand: demand, names: (consume summarizer).names)
            builder.build(event: event, facts: facts, summary: summary, into: &slots)
        }
        return slots
    }
}
