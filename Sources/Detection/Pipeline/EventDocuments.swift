import AuditNetlink
import AuditRecords
import EventModel
import Events
import Processes
import Reassembler
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// `auspex events`: records (audit.log text, or the live kernel) → enriched ECS documents (the daemon's
/// `DocumentStage`) → NDJSON lines on a descriptor, with the counters the final summary reports on stderr.
public struct EventDocuments {
    private var stage: DocumentStage
    private var json = SlotJSONWriter()
    private(set) var output: LineOutput
    /// Stop producing after this many documents (nil: no limit).
    let documentLimit: UInt64?
    /// Where malformed records, read errors and the summary go.
    private let report: (String) -> Void

    /// Documents go to `descriptor`, reassembled and enriched by `settings` as the daemon would; problems and the
    /// summary go to `report` (stderr by default).
    public init(descriptor: Int32, documentLimit: UInt64?, settings: PipelineSettings,
                names: any NameLookup = NameLookups.system(), report: @escaping (String) -> Void = StandardError.line) {
        stage = DocumentStage(settings: settings, names: names)
        self.output = LineOutput(descriptor: descriptor)
        self.documentLimit = documentLimit
        self.report = report
    }

    var counters: PipelineCounters { stage.counters }
    var limitReached: Bool { documentLimit.map { counters.documents >= $0 } ?? false }
    var outputFailed: Bool { output.failed }
    var reassemblerStatistics: Reassembler.Statistics { stage.reassemblerStatistics }

    // MARK: audit.log text

    /// Reads audit.log text from `descriptor` (named `name` in a read error) to its end, the document limit or a
    /// failed write, then delivers what is pending and reports the summary.
    public mutating func readLog(descriptor: Int32, name: String) {
        var reader = LogRecordReader(descriptor: descriptor)
        while !limitReached, !outputFailed, let parsed = reader.next() {
            add(parsed, now: reader.now, location: "line \(reader.lineNumber)")
        }
        if let error = reader.error {
            report("auspex events: reading \(name): \(String(cString: strerror(error)))")
        }
        finish()
        printSummary(kernel: nil)
    }

    // MARK: live kernel

    /// Reads the live kernel until SIGINT or SIGTERM, `duration` seconds, the document limit or a failed write, as
    /// the audit daemon (or, `multicast`, beside auditd), with the audit rules the documents need unless
    /// `installRules` is false; then restores the kernel and prints the summary. False when the session could not
    /// start, the reader failed or did not stop, or the cleanup failed (each reported on stderr).
    public mutating func readKernel(multicast: Bool, installRules: Bool, receiveBufferBytes: Int, kernelStateFile: String,
                                    duration: Double?) throws -> Bool {
        let stop = try StopSignal() // before the session: a signal during setup must not skip the cleanup
        let session: LiveAuditSession
        do {
            session = try LiveAuditSession(multicast: multicast, rules: installRules ? .events : nil,
                                           receiveBufferBytes: receiveBufferBytes, kernelStatePath: kernelStateFile)
        } catch {
            StandardError.line("auspex events: \(error)")
            return false
        }
        // The daemon's kernel loop: a reader thread drains the socket into a bounded queue (as large as `run`'s
        // default), so the socket does not overflow while documents are written; this thread makes the documents.
        let queueCapacity = AuspexConfig().eventQueueSize
        let queue = RecordQueue(capacity: queueCapacity)
        StandardError.line("auspex events: reading the kernel (\(multicast ? "multicast" : "unicast, pid \(getpid())")), "
            + "\(session.ruleReport.rulesAdded) audit rules added"
            + (session.ruleReport.skipped.isEmpty ? "" : " (not on this arch: \(session.ruleReport.skipped.joined(separator: " ")))")
            + ", receive buffer \(session.receiveBufferBytes) bytes, queue \(queueCapacity) records")
        session.notices.forEach { StandardError.line("auspex events: " + $0) }

        let reader = session.startReading(into: queue, wake: stop.wake)
        let deadline = duration.map { MonotonicClock.nanoseconds() + Int64($0 * 1e9) }
        var recordNumber: UInt64 = 0
        func process(_ batch: [RawRecord]) {
            for raw in batch where !limitReached && !outputFailed {
                recordNumber += 1
                add(AuditParser.parseNetlink(type: raw.type, payload: raw.payload),
                    now: MonotonicClock.nanoseconds(), location: "record \(recordNumber) (type \(raw.type))")
            }
            flush(now: MonotonicClock.nanoseconds())
        }
        while !stop.isRaised, !limitReached, !outputFailed, reader.failed == nil {
            let now = MonotonicClock.nanoseconds()
            if let deadline, now >= deadline { break }
            // Short waits so reassembly timeouts are flushed even when the kernel is quiet.
            let wait = min(250, deadline.map { ($0 - now) / 1_000_000 + 1 } ?? 250)
            process(queue.takeAll(timeoutMilliseconds: Int(wait)))
        }
        let readerStopped = reader.stop(timeoutSeconds: 5)
        let status = try? session.status()
        // As the daemon stops: our audit rules go, the pid is released, then the queue is drained (what the reader
        // queued was received from the kernel: it is processed, not lost).
        let cleanupErrors = session.stop()
        queue.close()
        process(queue.takeAll(timeoutMilliseconds: 0))
        if !limitReached { finish() }
        let kernel = KernelFigures(prior: session.prior, now: status, receive: reader.counters, queue: queue.counters)
        cleanupErrors.forEach { StandardError.line("auspex events: cleanup: \($0)") }
        if !readerStopped { StandardError.line("auspex events: the reader thread did not stop in 5 s") }
        if let failure = reader.failed { StandardError.line("auspex events: \(failure)") }
        printSummary(kernel: kernel)
        return readerStopped && reader.failed == nil && cleanupErrors.isEmpty
    }

    // MARK: summary

    struct KernelFigures {
        var lost: UInt32?
        var receive: ReceiveCounters
        var queue: RecordQueue.Counters
        init(prior: AuditStatus, now: AuditStatus?, receive: ReceiveCounters, queue: RecordQueue.Counters) {
            lost = now.map { $0.lost &- prior.lost }
            self.receive = receive
            self.queue = queue
        }
    }

    /// The counters: records, events, documents, malformed, serial gaps (and the kernel's figures).
    private func printSummary(kernel: KernelFigures?) {
        let c = counters
        var parts = ["records \(c.records)", "events \(c.events)", "documents \(c.documents)",
                     "malformed \(c.malformed)", "serial gaps \(reassemblerStatistics.lost)"]
        if let kernel {
            parts.append("kernel lost \(kernel.lost.map(String.init) ?? "unknown")")
            parts.append("ENOBUFS \(kernel.receive.enobufs)")
            if kernel.receive.truncated > 0 { parts.append("truncated \(kernel.receive.truncated)") }
            parts.append("queue dropped \(kernel.queue.dropped)")
            parts.append("queue high water \(kernel.queue.highWater)")
        }
        let reassembly = reassemblerStatistics
        if reassembly.oversized > 0 { parts.append("oversized events \(reassembly.oversized)") }
        if reassembly.nodesForgotten > 0 { parts.append("nodes forgotten \(reassembly.nodesForgotten)") }
        if outputFailed { parts.append("output failed") }
        report("auspex events: " + parts.joined(separator: ", "))
    }

    // MARK: records → lines

    /// Adds one parsed record (or counts a parse failure, reported with `location`).
    mutating func add(_ parsed: Result<AuditRecord, AuditParseError>, now: Int64, location: @autoclosure () -> String) {
        switch parsed {
        case .success(let record):
            emit(stage.add(record, now: now))
        case .failure(let error):
            stage.countMalformed()
            report("auspex events: malformed \(location()): \(error)")
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
