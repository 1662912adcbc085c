import Foundation

/// One kernel record as the reader received it: the netlink type and a copy of the payload.
public struct RawRecord: Sendable {
    public var type: UInt16
    public var payload: [UInt8]

    init(type: UInt16, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }
}

/// The bounded queue between the kernel reader (`KernelReader`) and the thread that processes the records. The
/// reader never waits: a batch that does not fit is dropped record by record and counted. The consumer takes
/// everything queued at once.
public final class RecordQueue: @unchecked Sendable {
    let capacity: Int
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var items: [RawRecord] = []
    private var dropped: UInt64 = 0
    private var accepted: UInt64 = 0
    private var highWater = 0
    private var closed = false

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        items.reserveCapacity(min(self.capacity, 4096))
    }

    /// Appends what fits; the rest is counted as dropped. Never blocks on the consumer.
    func push(_ batch: [RawRecord]) {
        guard !batch.isEmpty else { return }
        condition.lock()
        let room = max(0, capacity - items.count)
        let taken = min(room, batch.count)
        items.append(contentsOf: batch.prefix(taken))
        accepted += UInt64(taken)
        dropped += UInt64(batch.count - taken)
        highWater = max(highWater, items.count)
        condition.signal()
        condition.unlock()
    }

    /// Everything queued, waiting up to `timeoutMilliseconds` for the first record; empty on timeout, or when
    /// the queue is closed and drained.
    public func takeAll(timeoutMilliseconds: Int) -> [RawRecord] {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed {
            if !condition.wait(until: deadline) { break }
        }
        let taken = items
        items.removeAll(keepingCapacity: true)
        return taken
    }

    /// No more pushes will come; a waiting consumer wakes up.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    public struct Counters: Sendable, Equatable {
        /// Records queued since the start.
        public var accepted: UInt64
        /// Records that did not fit: received from the kernel, then lost.
        public var dropped: UInt64
        /// Records queued now.
        public var depth: Int
        /// The most records queued at once.
        public var highWater: Int
    }

    public var counters: Counters {
        condition.lock()
        defer { condition.unlock() }
        return Counters(accepted: accepted, dropped: dropped, depth: items.count, highWater: highWater)
    }
}
