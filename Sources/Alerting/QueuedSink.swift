import Foundation

/// A sink that writes on its own thread behind a bounded queue, so a slow or stalled destination
/// (journald not reading, a slow disk) never blocks the detection pipeline: when the queue is full the
/// alert is dropped and counted. The thread hands the writer everything queued (up to `batchSize`) at
/// once, so the spool can share one directory fsync between the alerts of a burst.
final class QueuedSink: AlertSink, @unchecked Sendable {
    let name: String
    let capacity: Int
    /// Bound of the queued alerts' JSON bytes (`[alerts] queue_max_bytes`): many large alerts drop like many alerts.
    let maxBytes: Int
    let batchSize: Int
    private let writer: AlertWriter
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var ring: [Alert?]
    private var sizes: [Int]
    private var head = 0
    private var count = 0
    private var queuedBytes = 0
    private var writing = false
    private var closed = false
    private var finished = false
    private var state = SinkCounters()

    /// Starts the writer thread. `capacity` bounds the alerts waiting for the destination.
    /// The thread holds the sink until `close(timeoutMilliseconds:)` is called.
    init(name: String, writer: AlertWriter, capacity: Int = 1024, maxBytes: Int = 16 << 20, batchSize: Int = 64) {
        self.name = name
        self.writer = writer
        self.capacity = max(1, capacity)
        self.maxBytes = max(1, maxBytes)
        self.batchSize = max(1, batchSize)
        self.ring = Array(repeating: nil, count: max(1, capacity))
        self.sizes = Array(repeating: 0, count: max(1, capacity))
        let thread = Thread { [self] in run() }
        thread.name = "auspex-sink-" + name
        thread.start()
    }

    func deliver(_ alert: Alert) {
        let size = Self.size(of: alert)
        condition.lock()
        defer { condition.unlock() }
        // One alert always fits an empty queue, whatever its size.
        guard !closed, count < capacity, count == 0 || queuedBytes + size <= maxBytes else {
            state.dropped += 1
            return
        }
        ring[(head + count) % capacity] = alert
        sizes[(head + count) % capacity] = size
        count += 1
        queuedBytes += size
        condition.signal()
    }

    var counters: SinkCounters {
        condition.lock()
        defer { condition.unlock() }
        return state
    }

    /// JSON bytes of the alerts waiting in the queue.
    var bytesQueued: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedBytes
    }

    /// An alert's JSON size: measured when it was bounded, else measured here.
    static func size(of alert: Alert) -> Int {
        alert.encodedBytes > 0 ? alert.encodedBytes : AlertLimits.size(of: alert)
    }

    /// Alerts waiting in the queue (not counting the one being written).
    var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    @discardableResult
    func flush(timeoutMilliseconds: Int) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while (count > 0 || writing) && !finished {
            if !condition.wait(until: deadline) { return count == 0 && !writing }
        }
        return count == 0 && !writing
    }

    @discardableResult
    func close(timeoutMilliseconds: Int) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000)
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished {
            if !condition.wait(until: deadline) { break }
        }
        let done = finished
        condition.unlock()
        return done
    }

    private func run() {
        while true {
            condition.lock()
            while count == 0 && !closed { condition.wait() }
            guard count > 0 else {
                condition.unlock()
                writer.close()
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var batch: [Alert] = []
            batch.reserveCapacity(min(count, batchSize))
            while count > 0 && batch.count < batchSize {
                batch.append(ring[head]!)
                queuedBytes -= sizes[head]
                ring[head] = nil
                head = (head + 1) % capacity
                count -= 1
            }
            writing = true
            condition.unlock()

            let outcomes = writer.write(batch: batch)

            condition.lock()
            writing = false
            outcomes.forEach { state.record($0) }
            condition.broadcast()
            condition.unlock()
        }
    }
}

extension SinkCounters {
    mutating func record(_ outcome: Result<AlertWriteReport, any Error>) {
        switch outcome {
        case .success(let report):
            delivered += 1
            evicted += UInt64(report.evicted)
            retentionErrors += UInt64(report.retentionErrors)
        case .failure(let error):
            failed += 1
            lastError = String(describing: error)
        }
    }
}
