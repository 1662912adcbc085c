import ArgumentParser
import Detection
import AuditNetlink
import AuditRecords
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// `auspex events`: audit records → ECS JSON documents, one per line on stdout; counters on stderr.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print audit events as ECS JSON, one document per line.",
        discussion: """
            Without --file, reads the live kernel: registers as the audit daemon (or, with --multicast, listens \
            beside auditd), installs the audit rules it needs (key "auspex") and removes them again on exit, \
            SIGINT and SIGTERM included. With --file, reads audit.log text. A summary goes to stderr.
            """)

    @Option(name: .long, help: ArgumentHelp("Read audit.log text from PATH ('-' for stdin) instead of the kernel.",
                                            valueName: "PATH"))
    var file: String?

    @Flag(help: "Read the kernel's multicast copy beside a running auditd instead of registering as the audit daemon.")
    var multicast = false

    @Flag(name: .customLong("no-rules"), help: "Install no audit rules; read what the kernel's current rules produce.")
    var noRules = false

    @Option(help: ArgumentHelp("Stop after N documents.", valueName: "N"))
    var count: UInt64?

    @Option(help: ArgumentHelp("Stop after SECONDS of reading the kernel.", valueName: "SECONDS"))
    var duration: Double?

    @Option(help: ArgumentHelp("Netlink receive buffer size.", valueName: "BYTES"))
    var receiveBuffer: Int = 8 << 20

    @Option(name: .customLong("kernel-state-file"),
            help: ArgumentHelp("Where the original kernel audit settings are recorded while they are changed, so that "
                + "the next run restores them after a SIGKILL or crash.", valueName: "PATH"))
    var kernelStateFile = KernelStateFile.defaultPath

    func validate() throws {
        if file != nil, multicast { throw ValidationError("--multicast reads the kernel; it cannot go with --file.") }
        if file != nil, noRules { throw ValidationError("--no-rules applies to the kernel; it cannot go with --file.") }
        if let count, count == 0 { throw ValidationError("--count must be at least 1.") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds.") }
        if !kernelStateFile.hasPrefix("/") { throw ValidationError("--kernel-state-file needs an absolute path.") }
        if receiveBuffer < 64 << 10 { throw ValidationError("--receive-buffer must be at least 65536 bytes.") }
    }

    func run() throws {
        let output = LineOutput(descriptor: 1)
        var pipeline = EventsPipeline(output: output, documentLimit: count, live: file == nil)
        if let file {
            try readFile(file, into: &pipeline)
            printSummary(pipeline, kernel: nil)
        } else {
            try readKernel(into: &pipeline)
        }
    }

    // MARK: audit.log text

    private func readFile(_ path: String, into pipeline: inout EventsPipeline) throws {
        let descriptor = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { if descriptor != 0 { close(descriptor) } }
        var reader = LogRecordReader(descriptor: descriptor)
        while !pipeline.limitReached, !pipeline.outputFailed, let parsed = reader.next() {
            pipeline.add(parsed, now: reader.now, location: "line \(reader.lineNumber)")
        }
        if let error = reader.error { printError("auspex events: reading \(path): \(String(cString: strerror(error)))") }
        pipeline.finish()
    }

    // MARK: live kernel

    private func readKernel(into pipeline: inout EventsPipeline) throws {
        let stop = try StopSignal() // before the session: a signal during setup must not skip the cleanup
        let options = LiveAuditSession.Options(mode: multicast ? .multicast : .unicast,
                                               rules: noRules ? nil : .events, receiveBufferBytes: receiveBuffer,
                                               kernelStatePath: kernelStateFile)
        let session: LiveAuditSession
        do {
            session = try LiveAuditSession(options: options)
        } catch {
            printError("auspex events: \(error)")
            throw ExitCode.failure
        }
        // The daemon's kernel loop: a reader thread drains the socket into a bounded queue (as large as `run`'s
        // default), so the socket does not overflow while documents are written; this thread makes the documents.
        let queueCapacity = AuspexConfig().eventQueueSize
        let queue = RecordQueue(capacity: queueCapacity)
        printError("auspex events: reading the kernel (\(multicast ? "multicast" : "unicast, pid \(getpid())")), "
            + "\(session.ruleReport.rulesAdded) audit rules added"
            + (session.ruleReport.skipped.isEmpty ? "" : " (not on this arch: \(session.ruleReport.skipped.joined(separator: " ")))")
            + ", receive buffer \(session.receiveBufferBytes) bytes, queue \(queueCapacity) records")
        session.notices.forEach { printError("auspex events: " + $0) }

        let reader = session.startReading(into: queue, wake: stop.wake)
        let deadline = duration.map { MonotonicClock.nanoseconds() + Int64($0 * 1e9) }
        var recordNumber: UInt64 = 0
        func process(_ batch: [RawRecord]) {
            for raw in batch where !pipeline.limitReached && !pipeline.outputFailed {
                recordNumber += 1
                pipeline.add(AuditParser.parseNetlink(type: raw.type, payload: raw.payload),
                             now: MonotonicClock.nanoseconds(), location: "record \(recordNumber) (type \(raw.type))")
            }
            pipeline.flush(now: MonotonicClock.nanoseconds())
        }
        while !stop.isRaised, !pipeline.limitReached, !pipeline.outputFailed, reader.failed == nil {
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
        if !pipeline.limitReached { pipeline.finish() }
        let kernel = KernelFigures(prior: session.prior, now: status, receive: reader.counters, queue: queue.counters)
        cleanupErrors.forEach { printError("auspex events: cleanup: \($0)") }
        if !readerStopped { printError("auspex events: the reader thread did not stop in 5 s") }
        if let failure = reader.failed { printError("auspex events: \(failure)") }
        printSummary(pipeline, kernel: kernel)
        if !readerStopped || reader.failed != nil || !cleanupErrors.isEmpty { throw ExitCode.failure }
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

    private func printSummary(_ pipeline: EventsPipeline, kernel: KernelFigures?) {
        let c = pipeline.counters
        var parts = ["records \(c.records)", "events \(c.events)", "documents \(c.documents)",
                     "malformed \(c.malformed)", "serial gaps \(pipeline.reassemblerStatistics.lost)"]
        if let kernel {
            parts.append("kernel lost \(kernel.lost.map(String.init) ?? "unknown")")
            parts.append("ENOBUFS \(kernel.receive.enobufs)")
            if kernel.receive.truncated > 0 { parts.append("truncated \(kernel.receive.truncated)") }
            parts.append("queue dropped \(kernel.queue.dropped)")
            parts.append("queue high water \(kernel.queue.highWater)")
        }
        let reassembly = pipeline.reassemblerStatistics
        if reassembly.oversized > 0 { parts.append("oversized events \(reassembly.oversized)") }
        if reassembly.nodesForgotten > 0 { parts.append("nodes forgotten \(reassembly.nodesForgotten)") }
        if pipeline.outputFailed { parts.append("output failed") }
        printError("auspex events: " + parts.joined(separator: ", "))
    }
}
