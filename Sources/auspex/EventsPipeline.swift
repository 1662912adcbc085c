import AuditRecords
import Detection
import EventModel
import Events
import Processes
import Reassembler

/// Records → enriched ECS documents (the daemon's `DocumentStage`) → NDJSON lines, with the counters the final
/// summary reports.
struct EventsPipeline {
    private var stage: DocumentStage
    private var json = SlotJSONWriter()
    private(set) var output: LineOutput
    /// Stop producing after this many documents (nil: no limit).
    let documentLimit: UInt64?

    init(output: LineOutput, documentLimit: UInt64?, host: HostInfo = .current(),
         names: any NameLookup = NameLookups.system(), live: Bool = false) {
        var settings = PipelineSettings(host: host)
        if live { settings.readLiveProcesses() }
        stage = DocumentStage(settings: settings, names: names)
        self.output = output
        self.documentLimit = documentLimit
    }

    var counters: PipelineCounters { stage.counters }
    var normalizerCounters: NormalizerCounters { stage.normalizerCounters }
    var limitReached: Bool { documentLimit.map { counters.documents >= $0 } ?? false }
    var outputFailed: Bool { output.failed }
    var reassemblerStatistics: Reassembler.Statistics { stage.reassemblerStatistics }

    /// Adds one parsed record (or counts a parse failure, reported with `location`).
    mutating func add(_ parsed: Result<AuditRecord, AuditParseError>, now: Int64, location: @autoclosure () -> String) {
        switch parsed {
        case .success(let record):
            emit(stage.add(record, now: now))
        case .failure(let error):
            stage.countMalformed()
            printError("auspex events: malformed \(location()): \(error)")
        }
    }

    /// Delivers events whose reassembly timed out by `now`.
    mutating func flush(now: Int64) {
        emit(stage.flush(now: now))
        output.flush()
    }

    /// End of input: delivers everything pending.
    mutating func finish() {
        emit(stage.finish())
        output.flush()
    }

    private mutating func emit(_ events: [AuditEvent]) {
        for event in events where !limitReached {
            guard let enriched = stage.enriched(event) else { continue }
            var line: [UInt8] = []
            line.reserveCapacity(2048)
            json.write(enriched.slots, to: &line)  // straight from the slots: no document
            line.append(UInt8(ascii: "\n"))
            output.append(line)
            stage.recycle(enriched)
        }
    }
}
