/// Puts a stream whose events arrive slightly out of order back into `(timestamp, tiebreaker, arrival)`
/// order before matching (spec §5.3): events wait until event time has moved `lateness` past them.
/// An event older than what was already released is late; it is passed on at once and counted.
struct ReorderBuffer {
    /// How far behind the newest event time an event may arrive and still be ordered (nanoseconds).
    let lateness: Int64
    /// Most events held at once; beyond it the oldest are released early (counted as `forced`).
    let capacity: Int
    private(set) var late = 0
    private(set) var forced = 0
    private var heap: [SlotEvent] = []
    private var newest: Int64 = .min
    private var released: Int64 = .min

    init(lateness: Int64, capacity: Int = 65_536) {
        self.lateness = max(0, lateness)
        self.capacity = max(1, capacity)
    }

    var count: Int { heap.count }

    /// Adds an event; appends to `ready` the events that can now go to the matchers, in order.
    mutating func push(_ event: SlotEvent, into ready: inout [SlotEvent]) {
        if event.timestamp < released {
            late += 1
            ready.append(event)
            return
        }
        insert(event)
        newest = max(newest, event.timestamp)
        while let first = heap.first,
              first.timestamp <= newest &- lateness || heap.count > capacity {
            if first.timestamp > newest &- lateness { forced += 1 }
            released = max(released, first.timestamp)
            ready.append(removeFirst())
        }
    }

    /// Releases everything held, in order (end of input, or a quiet period longer than `lateness`).
    mutating func flush(into ready: inout [SlotEvent]) {
        while !heap.isEmpty {
            let event = removeFirst()
            released = max(released, event.timestamp)
            ready.append(event)
        }
    }

    private mutating func insert(_ event: SlotEvent) {
        heap.append(event)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard BatchRunner.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func removeFirst() -> SlotEvent {
        let first = heap[0]
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, BatchRunner.precedes(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, BatchRunner.precedes(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
