import Alerting
import AuditRecords
import EQL
import EventModel
import Events
import Processes
import Reassembler

/// Bounds and identity the pipeline is built with (from auspex.toml `[audit]`, `[engine]`, `[host]`).
public struct PipelineSettings: Sendable {
    var host: HostInfo
    var matcherLimits: MatcherLimits
    /// Kernel events being reassembled at once before the oldest is emitted early.
    var maxEventsInFlight: Int
    /// Age at which an event without EOE is emitted.
    var reassemblyTimeoutNanos: Int64
    /// Where the process table reads `/proc` (live: `LiveProcSource`, scanned at start; replay: none).
    var processSource: ProcView = .absent()
    /// Cap of the process table (`[engine] max_processes`).
    var maxProcesses: Int

    /// The process table reads the running system: `/proc`, scanned at start (live use, not replays).
    mutating func readLiveProcesses() {
        processSource = .live()
    }

    /// `liveProcesses`: the process table reads the running system (`/proc`, scanned at start), as `run` and
    /// `events` on the kernel do; replays read none.
    public init(host: HostInfo, matcherLimits: MatcherLimits = MatcherLimits(), maxEventsInFlight: Int = 1024,
                reassemblyTimeoutNanos: Int64 = 2_000_000_000, maxProcesses: Int = 65_536, liveProcesses: Bool = false) {
        self.host = host
        self.matcherLimits = matcherLimits
        self.maxEventsInFlight = maxEventsInFlight
        self.reassemblyTimeoutNanos = reassemblyTimeoutNanos
        self.maxProcesses = maxProcesses
        if liveProcesses { readLiveProcesses() }
    }
}

/// Parsed records → reassembled audit events → ECS slots → rule matches → alerts. The whole detection path
/// but the reader and the sinks; `auspex replay` drives it from a file, `auspex run` from the processing thread.
public struct DetectionPipeline {
    private(set) var engine: DetectionEngine
    private(set) var documents: DocumentStage
    let alertBuilder: AlertBuilder
    private var matches: [RuleMatch] = []
    /// The event the rules are offered, rewritten in place for each (``DocumentStage/enrich(_:into:)``).
    private var current = EnrichedEvent(slots: EventSlots(document: Document()))
    /// The events one record completed, kept empty between records for its storage.
    private var completedEvents: [AuditEvent] = []
    /// Events by the type of their first record (`SYSCALL` for syscall events), for status and metrics.
    public private(set) var eventTypes = RecordTypeCounts()

    public init(ruleSet: RuleSet, settings: PipelineSettings, names: any NameLookup = NameLookups.system()) {
        engine = DetectionEngine(ruleSet: ruleSet, limits: settings.matcherLimits)
        documents = DocumentStage(settings: settings, names: names)
        documents.follow(ruleSet.schema)
        alertBuilder = AlertBuilder(host: settings.host)
    }

    public var ruleSet: RuleSet { engine.ruleSet }
    /// What the rules did (evaluations, state dropped on reload, events excepted), cumulative.
    public var engineCounters: EngineCounters { engine.counters }
    /// Events kept from rules by exception items, per rule and item (`list_id/item_id`), ordered by rule, then item.
    public var exceptionHits: [(rule: String, item: String, count: UInt64)] { engine.sortedExceptionHits }
    /// State counters summed over every rule (sequences started, expired, evicted, …).
    public var matchCounters: MatchCounters { engine.matchCounters }
    /// Join keys holding partial sequences or samples, over all rules.
    public var pendingKeys: Int { engine.pendingKeys }
    public var counters: PipelineCounters { documents.counters }
    var normalizerCounters: NormalizerCounters { documents.normalizerCounters }
    public var processes: ProcessEnricher { documents.processes }
    public var reassemblerStatistics: Reassembler.Statistics { documents.reassemblerStatistics }

    /// Adds one parsed record (taken, not copied: reassembly keeps it). `now` drives reassembly timeouts: monotonic
    /// time when live, record time in replay.
    public mutating func add(_ record: consuming AuditRecord, now: Int64, into alerts: inout [Alert]) {
        documents.add(record, now: now, into: &completedEvents)
        // Most records complete no event: the array is moved out (for process) and back only when one did.
        guard !completedEvents.isEmpty else { return }
        var completed = completedEvents  // its storage serves every record
        completedEvents = []
        process(completed, into: &alerts)
        // One by one: `removeAll` destroyed them through the runtime's generic array destroy (~240 instructions).
        while completed.popLast() != nil {}
        completedEvents = completed
    }

    /// Counts a record that did not parse.
    public mutating func countMalformed() {
        documents.countMalformed()
    }

    /// Emits events whose reassembly timed out by `now`.
    public mutating func flush(now: Int64, into alerts: inout [Alert]) {
        process(documents.flush(now: now), into: &alerts)
    }

    /// End of input: every pending event is emitted and sequences waiting on a trailing missing stage complete.
    public mutating func finish(into alerts: inout [Alert]) {
        process(documents.finish(), into: &alerts)
        engine.finish(into: &matches)
        emitAlerts(into: &alerts)
    }

    /// Swaps in new rules (partial sequences of the old ones are dropped and counted).
    public mutating func replace(ruleSet: RuleSet) {
        engine.replace(with: ruleSet)
        documents.follow(ruleSet.schema)
    }

    private mutating func process(_ events: [AuditEvent], into alerts: inout [Alert]) {
        for event in events {
            if let first = event.records.first { eventTypes.count(first.type.rawValue) }
            guard documents.enrich(event, into: &current) else { continue }
            let time = (event.records.first?.timestamp ?? event.timestamp).nanosecondsSinceEpoch
            engine.process(&current, timestamp: time, serial: event.serial, into: &matches)
            if !matches.isEmpty { emitAlerts(into: &alerts) }
        }
    }

    private mutating func emitAlerts(into alerts: inout [Alert]) {
        for match in matches {
            let shown = match.documents { documents.document(of: $0) }
            alerts.append(alertBuilder.alert(for: match, documents: shown, in: engine.ruleSet))
            documents.countAlert()
        }
        matches.removeAll(keepingCapacity: true)
    }
}

/// What the pipeline did, cumulative.
public struct PipelineCounters: Sendable, Equatable {
    public var records: UInt64 = 0
    public var malformed: UInt64 = 0
    /// Reassembled audit events.
    public var events: UInt64 = 0
    /// Non-empty documents offered to the rules.
    public var documents: UInt64 = 0
    public var alerts: UInt64 = 0

    init() {}
}
