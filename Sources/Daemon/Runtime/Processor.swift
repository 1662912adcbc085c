import Alerting
import AuditNetlink
import AuditRecords
import Detection
import Foundation
import Processes

/// The processing thread: takes raw records off the queue, runs them through the detection pipeline and hands
/// alerts to the sinks. It alone touches the pipeline; other threads talk to it through `replace(ruleSet:)` and
/// read `snapshot`.
final class Processor: @unchecked Sendable {
    private let queue: RecordQueue
    private let sinks: [AlertSink]
    private var pipeline: DetectionPipeline
    /// Suppression, rate limits and size bounds between the rules and the sinks (processing thread only).
    private var gate: AlertGate
    private var pendingPolicy: AlertPolicy?
    /// Records by type and alerts by rule (processing thread only).
    private var tally = ProcessorTally()
    /// Owned by the processing thread.
    private var lastSnapshot: Int64 = 0
    private let finished = DispatchSemaphore(value: 0)
    // Guarded by `lock`.
    private let lock = NSLock()
    private var pendingRuleSet: RuleSet?
    private var latest: ProcessorSnapshot
    private var iterations: UInt64 = 0

    init(queue: RecordQueue, pipeline: DetectionPipeline, sinks: [AlertSink], policy: AlertPolicy = AlertPolicy()) {
        self.queue = queue
        self.pipeline = pipeline
        self.sinks = sinks
        self.gate = AlertGate(policy: policy)
        latest = ProcessorSnapshot(pipeline, gate: gate, tally: tally)
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "auspex-processor"
        thread.start()
    }

    /// Hands new rules to the processing thread; it swaps them in before its next batch.
    func replace(ruleSet: RuleSet, policy: AlertPolicy? = nil) {
        lock.lock()
        pendingRuleSet = ruleSet
        if let policy { pendingPolicy = policy }
        lock.unlock()
    }

    var snapshot: ProcessorSnapshot {
        lock.lock()
        defer { lock.unlock() }
        return latest
    }

    /// Loop iterations so far: advances at least every 100 ms while the thread is alive, so the watchdog is fed
    /// only by a working pipeline.
    var heartbeat: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return iterations
    }

    /// Waits until the thread has drained the closed queue and finished the pipeline.
    @discardableResult
    func waitUntilFinished(timeoutSeconds: Double) -> Bool {
        finished.wait(timeout: .now() + timeoutSeconds) == .success
    }

    private func run() {
        var alerts: [Alert] = []
        while true {
            let batch = queue.takeAll(timeoutMilliseconds: 100)
            if let ruleSet = takePendingRuleSet() { pipeline.replace(ruleSet: ruleSet) }
            if let policy = takePendingPolicy() { gate.policy = policy }
            for raw in batch {
                tally.countRecord(type: raw.type)
                switch AuditParser.parseNetlink(type: raw.type, payload: raw.payload) {
                case .success(let record): pipeline.add(record, now: MonotonicClock.nanoseconds(), into: &alerts)
                case .failure: pipeline.countMalformed()
                }
            }
            pipeline.flush(now: MonotonicClock.nanoseconds(), into: &alerts)
            deliver(&alerts)
            publish(force: batch.isEmpty)
            if batch.isEmpty && queue.isClosed { break }
        }
        pipeline.finish(into: &alerts)
        deliver(&alerts)
        var summaries: [Alert] = []
        gate.finish(now: .now(), into: &summaries)
        send(summaries)
        publish(force: true)
        finished.signal()
    }

    /// Passes the rules' alerts through the gate (and closes suppression windows that ended) to the sinks.
    private func deliver(_ alerts: inout [Alert]) {
        let now = AlertTime.now()
        var out: [Alert] = []
        for alert in alerts { gate.offer(alert, now: now, into: &out) }
        gate.tick(now: now, into: &out)
        send(out)
        alerts.removeAll(keepingCapacity: true)
    }

    private func send(_ alerts: [Alert]) {
        for alert in alerts {
            tally.countAlert(alert)
            for sink in sinks { sink.deliver(alert) }
        }
    }

    private func takePendingPolicy() -> AlertPolicy? {
        lock.lock()
        defer { lock.unlock() }
        let policy = pendingPolicy
        pendingPolicy = nil
        return policy
    }

    private func takePendingRuleSet() -> RuleSet? {
        lock.lock()
        defer { lock.unlock() }
        let ruleSet = pendingRuleSet
        pendingRuleSet = nil
        return ruleSet
    }

    /// Counts the iteration and, at most every `snapshotInterval` (or when forced: idle, finished), rebuilds the
    /// counter snapshot: summing the counters of every rule after each batch would cost most under load.
    private func publish(force: Bool) {
        let now = MonotonicClock.nanoseconds()
        let snapshot = force || now - lastSnapshot >= Self.snapshotInterval ? ProcessorSnapshot(pipeline, gate: gate, tally: tally) : nil
        if snapshot != nil { lastSnapshot = now }
        lock.lock()
        if let snapshot { latest = snapshot }
        iterations += 1
        lock.unlock()
    }

    private static let snapshotInterval: Int64 = 100_000_000
}

/// The processing thread's counters at one moment.
struct ProcessorSnapshot: Sendable {
    var pipeline: PipelineCounters
    var engine: EngineCounters
    var expired: Int
    var evicted: Int
    var pendingKeys: Int
    var rules: Int
    var reassemblyLost: UInt64
    var reassemblyEvicted: UInt64
    /// The process table's counters and its current size.
    var processes: ProcessTable.Counters
    var processCount: Int
    /// Suppression, rate limits and bounds after the rules.
    var gate: AlertGateCounters
    /// Per rule id: alerts suppressed, alerts dropped by the rate limit; per rule and item: events excepted.
    var suppressedByRule: [String: UInt64]
    var rateLimitedByRule: [String: UInt64]
    var exceptionHits: [(rule: String, item: String, count: UInt64)]
    /// Records by type, alerts by rule and severity.
    var tally: ProcessorTally
    /// Events by the type of their first record.
    var eventTypes: RecordTypeCounts

    init(_ pipeline: DetectionPipeline, gate: AlertGate = AlertGate(), tally: ProcessorTally = ProcessorTally()) {
        self.tally = tally
        eventTypes = pipeline.eventTypes
        self.gate = gate.counters
        suppressedByRule = gate.suppressedByRule
        rateLimitedByRule = gate.rateLimitedByRule
        exceptionHits = pipeline.exceptionHits
        self.pipeline = pipeline.counters
        engine = pipeline.engineCounters
        let match = pipeline.matchCounters
        expired = match.expired
        evicted = match.evicted
        pendingKeys = pipeline.pendingKeys
        rules = pipeline.ruleSet.count
        reassemblyLost = pipeline.reassemblerStatistics.lost
        reassemblyEvicted = pipeline.reassemblerStatistics.evicted
        processes = pipeline.processes.counters
        processCount = pipeline.processes.processCount
    }
}
