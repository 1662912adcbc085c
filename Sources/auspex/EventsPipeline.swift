import AuditRecords
import EventModel
import Events
import Processes
import Reassembler

/// Records → events → ECS documents → NDJSON lines, with the counters the final summary reports.
struct EventsPipeline {
    struct Counters {
        var records: UInt64 = 0
        var malformed: UInt64 = 0
        var events: UInt64 = 0
        var documents: UInt64 = 0
    }

    private(set) var counters = Counters()
    private var reassembler = Reassembler()
    private let normalizer: Normalizer
    private var processes: ProcessEnricher
    private(set) var normalizerCounters = NormalizerCounters()
    private(set) var output: LineOutput
    /// Stop producing after this many documents (nil: no limit).
    let documentLimit: UInt64?

    init(output: LineOutput, documentLimit: UInt64?, host: HostInfo = .current(),
         names: any NameLookup = SystemNameLookup(), live: Bool = false) {
        processes = ProcessEnricher(source: live ? LiveProcSource() : AbsentProcSource(), scan: live)
        self.output = output
        self.documentLimit = documentLimit
        normalizer = Normalizer(host: host, names: names)
    }

    var limitReached: Bool { documentLimit.map { counters.documents >= $0 } ?? false }
    var outputFailed: Bool { output.failed }
    var reassemblerStatistics: Reassembler.Statistics { reassembler.statistics }

    /// Adds one parsed record (or counts a parse failure, reported with `location`).
    mutating func add(_ parsed: Result<AuditRecord, AuditParseError>, now: Int64, location: @autoclosure () -> String) {
        switch parsed {
        case .success(let record):
            counters.records += 1
            emit(reassembler.push(record, now: now))
        case .failure(let error):
            counters.malformed += 1
            printError("auspex events: malformed \(location()): \(error)")
        }
    }

    /// Delivers events whose reassembly timed out by `now`.
    mutating func flush(now: Int64) {
        emit(reassembler.flush(now: now))
        output.flush()
    }

    /// End of input: delivers everything pending.
    mutating func finish() {
        emit(reassembler.finish())
        output.flush()
    }

    private mutating func emit(_ events: [AuditEvent]) {
        for event in events where !limitReached {
            counters.events += 1
            var document = normalizer.normalize(event, counters: &normalizerCounters)
            if document.isEmpty { continue }
            processes.enrich(&document, event: event)
            var line: [UInt8] = []
            JSONWriter.write(document, to: &line)  // straight from the flat fields: no nested copy
            line.append(UInt8(ascii: "\n"))
            output.append(line)
            counters.documents += 1
        }
    }
}
