import Foundation

/// A sink that writes on its own thread behind a bounded queue, so a slow or stalled destination
/// (journald not reading, a slow disk) never blocks the detection pipeline: when the queue is full the
/// alert is dropped and counted.
public final class QueuedSink: AlertSink, @unchecked Sendable {
    public let name: String
    public let capacity: Int
    private let writer: AlertWriter
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var ring: [Alert?]
    private var head = 0
    private var count = 0
    private var writing = false
    private var closed = false
    private var finished = false
    private var state = SinkCounters()

    /// Starts the writer thread. `capacity` bounds the alerts waiting for the destination.
    public init(name: String, writer: AlertWriter, capacity: Int = 1024) {
        self.name = name
        self.writer = writer
        self.capacity = max(1, capacity)
        self.ring = Array(repeating: nil, count: max(1, capacity))
        let thread = Thread { [self] in run() }
        thread.name = "auspex-sink-" + name
        thread.start()
    }

    public func deliver(_ alert: Alert) {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, count < capacity else {
            state.dropped += 1
            return
        }
        ring[(head + count) % capacity] = alert
        count += 1
        condition.signal()
    }

    public var counters: SinkCounters {
        condition.lock()
        defer { condition.unlock() }
        return state
    }

    /// Alerts waiting in the queue (not counting the one being written).
    public var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    @discardableResult
    public func flush(timeoutMilliseconds: Int) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while (count > 0 || writing) && !finished {
            if !condition.wait(until: deadline) { return count == 0 && !writing }
        }
        return count == 0 && !writing
    }

    @discardableResult
    public func close(timeoutMilliseconds: Int) -> Bool {
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
            let alert = ring[head]!
            ring[head] = nil
            head = (head + 1) % capacity
            count -= 1
            writing = true
            condition.unlock()

            let outcome = Result { try writer.write(alert) }

            condition.lock()
            writing = false
            state.record(outcome)
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// A sink that writes on the caller's thread (`auspex replay` to stdout, tests, a spool on a fast disk).
public final class DirectSink: AlertSink, @unchecked Sendable {
    public let name: String
    private let writer: AlertWriter
    private let lock = NSLock()
    private var closed = false
    private var state = SinkCounters()

    public init(name: String, writer: AlertWriter) {
        self.name = name
        self.writer = writer
    }

    public func deliver(_ alert: Alert) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else {
            state.dropped += 1
            return
        }
        state.record(Result { try writer.write(alert) })
    }

    public var counters: SinkCounters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    @discardableResult
    public func flush(timeoutMilliseconds: Int) -> Bool { true }

    @discardableResult
    public func close(timeoutMilliseconds: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if !closed {
            closed = true
            writer.close()
        }
        return true
    }
}

extension SinkCounters {
    mutating func record(_ outcome: Result<AlertWriteReport, any Error>) {
        switch outcome {
        case .success(let report):
            delivered += 1
            evicted += UInt64(report.evicted)
        case .failure(let error):
            failed += 1
            lastError = String(describing: error)
        }
    }
}
