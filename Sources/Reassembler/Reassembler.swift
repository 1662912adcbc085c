import AuditRecords
import DequeModule

/// Groups records into events by serial number (and `node=`, for merged multi-host logs).
///
/// * A kernel event completes on its EOE record (never on PROCTITLE), when it is older than the timeout, or when
///   more than `maxInFlight` events are pending (the oldest serial goes first).
/// * A user-space record (USER 1005, types 1100–1299, 2100–2999) is an event by itself and is delivered at once, without
///   closing or splitting a kernel event that shares its serial (AUDIT_LOGIN 1006 is a kernel record and waits
///   for its SYSCALL and EOE like any other).
/// * Serials are compared with serial-number arithmetic (RFC 1982), so the 2^32 rollover is ordinary. Serials
///   retire in serial order once delivered; a gap between consecutive retired serials counts as lost events, and a
///   serial arriving after a later one has retired never produces a wrapped gap.
///
/// `now` is any monotonic clock in nanoseconds (a file replay may pass record timestamps).
public struct Reassembler: Sendable {
    /// Counters since creation.
    public struct Statistics: Sendable, Equatable {
        /// Serials never seen between two retired ones. A serial that shows up after a later one retired (records of
        /// concurrent events reach netlink out of serial order on several CPUs) is taken back out and counted in
        /// `late` instead: it was not lost.
        public var lost: UInt64 = 0
        /// Serials first counted as lost that arrived afterwards.
        var late: UInt64 = 0
        /// Events delivered (all reasons).
        var completed: UInt64 = 0
        /// Kernel events completed by their EOE record.
        var completedByEOE: UInt64 = 0
        /// User-space single-record events.
        var userSpace: UInt64 = 0
        /// Events delivered because they were older than the timeout.
        var timedOut: UInt64 = 0
        /// Events delivered early because more than `maxInFlight` were pending.
        public var evicted: UInt64 = 0
        /// Events delivered by `finish()`.
        var flushedAtEnd: UInt64 = 0
        /// EOE records whose event was not pending (already delivered or never seen).
        var orphanEOE: UInt64 = 0
        /// Events delivered early because they reached `maxRecordsPerEvent` (a serial that never ends; later
        /// records of the serial start another event).
        public var oversized: UInt64 = 0
        /// `node=` names whose last retired serial was forgotten because more than `maxTrackedNodes` were seen
        /// (their next gap is not counted as lost).
        public var nodesForgotten: UInt64 = 0

        init() {}
    }

    let maxInFlight: Int
    let timeoutNanoseconds: Int64
    /// Records one pending event may collect before it is delivered anyway.
    let maxRecordsPerEvent: Int
    /// `node=` names (plus the local one) whose last retired serial is remembered for loss counting.
    let maxTrackedNodes: Int
    public private(set) var statistics = Statistics()

    /// Serials seen and not yet retired, oldest first in serial-number order.
    /// A deque: the head retires in O(1) (an array's removeFirst shifted every pending slot, ~30k instructions per
    /// event on a log without EOE, where up to `maxInFlight` events wait).
    private var slots: Deque<Slot> = []
    private var pending = 0
    /// Slots of records with a `node=` name (merged logs): serials of several kernels do not share one order.
    private var nodeSlots = 0
    /// Earliest expiry among pending slots, so pushes skip the expiry scan until something can expire.
    private var earliestExpiry = Int64.max
    /// Whether the pending slots' expiries rise with their index, as they do while serials arrive in order on a
    /// clock that does not go back: an expiry pass may then stop at the first pending slot not yet due instead of
    /// reading every slot (~200 instructions per event on a log completed by timeouts). A full pass restores it.
    private var expiriesInSlotOrder = true
    /// At least the latest expiry of any pending slot (what a new slot's expiry must reach to keep the order).
    private var latestExpiry = Int64.min
    /// Per `node=` name, the last retired serial and the recent serials counted in `lost`, so a late arrival can be
    /// taken back. With `localRetired`, at most `maxTrackedNodes` entries.
    private var lastRetired: [NodeKey: NodeSerials] = [:]
    /// The same for the local kernel (records without `node=`: netlink, a local log), kept apart from the
    /// dictionary: nearly every event retires here, and a dictionary lookup per event cost ~200 instructions.
    private var localRetired: NodeSerials?
    /// Gaps wider than this are counted but not remembered; beyond `maxRemembered` serials memory is reset.
    private static let maxRememberedGap: Int64 = 1024
    private static let maxRemembered = 16_384

    private struct NodeKey: Hashable, Sendable {
        let bytes: [UInt8]
    }

    private struct NodeSerials: Sendable {
        var serial: UInt32
        var missing: Set<UInt32> = []
    }

    /// - Parameters:
    ///   - maxInFlight: pending kernel events allowed before the oldest is delivered early (go-libaudit/Auditbeat: 50).
    ///   - timeoutNanoseconds: age at which a pending event is delivered without EOE (Auditbeat: 2 s).
    ///   - maxRecordsPerEvent: records a pending event may hold before it is delivered (counted as `oversized`):
    ///     in a file whose clock stands still, a serial without EOE must not grow without bound.
    ///   - maxTrackedNodes: `node=` names remembered for loss counting (beyond it the oldest is forgotten).
    public init(maxInFlight: Int = 50, timeoutNanoseconds: Int64 = 2_000_000_000, maxRecordsPerEvent: Int = 4096,
                maxTrackedNodes: Int = 4096) {
        self.maxInFlight = max(1, maxInFlight)
        self.timeoutNanoseconds = max(0, timeoutNanoseconds)
        self.maxRecordsPerEvent = max(1, maxRecordsPerEvent)
        self.maxTrackedNodes = max(1, maxTrackedNodes)
    }

    /// Nodes whose last retired serial is remembered (at most `maxTrackedNodes`).
    var trackedNodes: Int { lastRetired.count + (localRetired == nil ? 0 : 1) }

    /// Number of kernel events still waiting for completion.
    var pendingCount: Int { pending }

    /// Adds one record; returns the events it completed (possibly none).
    mutating func push(_ record: AuditRecord, now: Int64) -> [AuditEvent] {
        var delivered: [AuditEvent] = []
        push(record, now: now, into: &delivered)
        return delivered
    }

    /// Adds one record, appending the events it completed to `delivered` (a caller's reused array: no array
    /// allocated per completed event). The record is taken, not copied: a pending event keeps it.
    public mutating func push(_ record: consuming AuditRecord, now: Int64, into delivered: inout [AuditEvent]) {
        let serial = record.serial, type = record.type
        let index = slotIndex(serial: serial, node: record.nodeBytes)

        if type == .eoe {
            if let index, slots[index].isPending {
                delivered.append(complete(at: index))
                statistics.completedByEOE += 1
            } else {
                statistics.orphanEOE += 1
                if index == nil { insertSlot(Slot(serial: serial, node: record.nodeBytes.map(Array.init))) }
            }
        } else if type.isUserSpace {
            // auditd numbers its own DAEMON_* records (1200–1299) outside the kernel's serial space: no marker.
            if index == nil && !(1200...1299).contains(type.rawValue) {
                insertSlot(Slot(serial: serial, node: record.nodeBytes.map(Array.init)))
            }
            delivered.append(AuditEvent(serial: serial, timestamp: record.timestamp, records: [record]))
            statistics.userSpace += 1
            statistics.completed += 1
        } else if let index, slots[index].isPending {
            if slots[index].append(record) >= maxRecordsPerEvent {
                delivered.append(complete(at: index))
                statistics.oversized += 1
            }
        } else {
            // A new event, or a record arriving after its event was completed by EOE: start a (new) pending event.
            let expiry = now.addingReportingOverflow(timeoutNanoseconds)
            let expiresAt = expiry.overflow ? Int64.max : expiry.partialValue
            let pendingIndex: Int
            if let index {
                slots[index].records = Self.firstRecords(record)
                slots[index].expiresAt = expiresAt
                pendingIndex = index
            } else {
                var slot = Slot(serial: serial, node: record.nodeBytes.map(Array.init))
                slot.records = Self.firstRecords(record)
                slot.expiresAt = expiresAt
                pendingIndex = insertSlot(slot)
            }
            if pendingIndex != slots.count - 1 || expiresAt < latestExpiry { expiriesInSlotOrder = false }
            latestExpiry = max(latestExpiry, expiresAt)
            pending += 1
            earliestExpiry = min(earliestExpiry, expiresAt)
        }
        retire(now: now, into: &delivered)
    }

    /// Delivers events older than the timeout at `now`.
    public mutating func flush(now: Int64) -> [AuditEvent] {
        var delivered: [AuditEvent] = []
        retire(now: now, into: &delivered)
        return delivered
    }

    /// Delivers every pending event (end of input), oldest serial first, and retires all serials.
    public mutating func finish() -> [AuditEvent] {
        var delivered: [AuditEvent] = []
        while !slots.isEmpty {
            if slots[0].isPending {
                delivered.append(complete(at: 0))
                statistics.flushedAtEnd += 1
            }
            retireHead()
        }
        earliestExpiry = .max
        return delivered
    }

    // MARK: - Slots

    private struct Slot: Sendable {
        let serial: UInt32
        let node: [UInt8]?
        /// Records of the pending event; empty once delivered (the slot then only marks the serial as seen).
        var records: [AuditRecord] = []
        /// When the pending event times out; `.max` once delivered (and while only a marker).
        var expiresAt = Int64.max
        var isPending: Bool { !records.isEmpty }

        /// Adds a record to the pending event; returns how many it holds (one access to the slot, in place).
        mutating func append(_ record: consuming AuditRecord) -> Int {
            records.append(record)
            return records.count
        }

        /// The pending event, its records moved out: the slot stays as a delivered marker.
        mutating func takeEvent() -> AuditEvent {
            var taken: [AuditRecord] = []
            swap(&taken, &records)
            expiresAt = .max
            return AuditEvent(serial: serial, timestamp: taken[0].timestamp, records: taken)
        }
    }

    /// Markers of delivered serials wait behind a pending head; bound them so a stuck clock cannot grow memory.
    private var slotLimit: Int { maxInFlight * 8 + 64 }

    /// The slot of `serial` on `node`, searched from the newest. While every slot is the local kernel's (one serial
    /// space, kept in order), a serial after the newest slot's — a new event, the common case — is answered
    /// without a scan: on a log without EOE up to `maxInFlight` events wait, and a scan per new event cost ~16k
    /// instructions.
    private func slotIndex(serial: UInt32, node: ArraySlice<UInt8>?) -> Int? {
        guard let newest = slots.last?.serial else { return nil }
        if node == nil && nodeSlots == 0 && Serial.isBefore(newest, serial) { return nil }
        var index = slots.count - 1
        while index >= 0 {
            if slots[index].serial == serial && Self.sameNode(slots[index].node, node) { return index }
            index -= 1
        }
        return nil
    }

    private static func sameNode(_ stored: [UInt8]?, _ node: ArraySlice<UInt8>?) -> Bool {
        switch (stored, node) {
        case (nil, nil): return true
        case let (stored?, node?): return stored.elementsEqual(node)
        default: return false
        }
    }

    /// Inserts `slot` in serial order; returns its index.
    @discardableResult
    private mutating func insertSlot(_ slot: consuming Slot) -> Int {
        var index = slots.count
        while index > 0, Serial.isBefore(slot.serial, slots[index - 1].serial) { index -= 1 }
        if slot.node != nil { nodeSlots += 1 }
        slots.insert(slot, at: index)  // moved in, last: no copy of its arrays
        return index
    }

    /// A new event's records: room for a typical syscall event (SYSCALL, EXECVE, CWD, PATH ×2, PROCTITLE) from
    /// the start, where growing one record at a time reallocated the array three times per event.
    private static func firstRecords(_ record: consuming AuditRecord) -> [AuditRecord] {
        var records: [AuditRecord] = []
        records.reserveCapacity(8)
        records.append(record)
        return records
    }

    /// Turns the pending slot at `index` into a delivered marker and returns its event.
    private mutating func complete(at index: Int) -> AuditEvent {
        pending -= 1
        statistics.completed += 1
        return slots[index].takeEvent()  // one access to the slot, in place
    }

    private mutating func retire(now: Int64, into delivered: inout [AuditEvent]) {
        if now >= earliestExpiry { expire(now: now, into: &delivered) }
        // The head is read in place (a copy of the slot retained and released its arrays on every record).
        while !slots.isEmpty {
            if slots[0].isPending {
                guard pending > maxInFlight || slots.count > slotLimit else { break }
                delivered.append(complete(at: 0))
                statistics.evicted += 1
            }
            retireHead()
        }
    }

    /// Delivers the pending events due at `now`, in slot (serial) order.
    private mutating func expire(now: Int64, into delivered: inout [AuditEvent]) {
        var next = Int64.max
        if expiriesInSlotOrder {
            // The first pending slot not yet due has the earliest expiry left; the ones after it are later still.
            for index in slots.indices {
                let expiresAt = slots[index].expiresAt
                if expiresAt <= now {
                    if slots[index].isPending {
                        delivered.append(complete(at: index))
                        statistics.timedOut += 1
                    }
                } else if slots[index].isPending {
                    next = expiresAt
                    break
                }
            }
            earliestExpiry = next
            return
        }
        // Every slot, noting whether the pending ones left are back in expiry order.
        var inOrder = true
        var latest = Int64.min
        for index in slots.indices {
            let expiresAt = slots[index].expiresAt
            if expiresAt > now {
                // A delivered marker's expiry is `.max`, which leaves `next` as it is.
                next = min(next, expiresAt)
                if slots[index].isPending {
                    if expiresAt < latest { inOrder = false }
                    latest = max(latest, expiresAt)
                }
            } else if slots[index].isPending {
                delivered.append(complete(at: index))
                statistics.timedOut += 1
            }
        }
        earliestExpiry = next
        expiriesInSlotOrder = inOrder
        latestExpiry = latest
    }

    /// Removes the head slot and counts the serials missing between it and the previous retired one; a serial that
    /// retires after a later one and was counted missing is taken back as `late`.
    private mutating func retireHead() {
        let head = slots.removeFirst()
        guard let node = head.node else {
            if localRetired != nil {
                Self.retire(head.serial, after: &localRetired!, statistics: &statistics)
            } else {
                makeRoomForNode()
                localRetired = NodeSerials(serial: head.serial)
            }
            return
        }
        nodeSlots -= 1
        let key = NodeKey(bytes: node)
        if let index = lastRetired.index(forKey: key) {
            // Mutated in place through the index: a copy of the entry would copy its set on every insert.
            Self.retire(head.serial, after: &lastRetired.values[index], statistics: &statistics)
        } else {
            makeRoomForNode()
            lastRetired[key] = NodeSerials(serial: head.serial)
        }
    }

    /// Before a node is first remembered: when `maxTrackedNodes` are, forget one (a `node=` name; the local kernel
    /// only when no name is left).
    private mutating func makeRoomForNode() {
        guard trackedNodes >= maxTrackedNodes else { return }
        if let victim = lastRetired.keys.first { lastRetired[victim] = nil } else { localRetired = nil }
        statistics.nodesForgotten += 1
    }

    /// Counts the serials missing between `entry`'s last retired serial and `serial`, or takes `serial` back from
    /// the missing ones when it is older.
    private static func retire(_ serial: UInt32, after entry: inout NodeSerials, statistics: inout Statistics) {
        let previous = entry.serial
        let gap = Serial.distance(from: previous, to: serial)
        if gap > 0 {
            statistics.lost += UInt64(gap - 1)
            if gap > 1, gap - 1 <= maxRememberedGap {
                if entry.missing.count + Int(gap - 1) > maxRemembered { entry.missing.removeAll() }
                for step in 1..<UInt32(gap) { entry.missing.insert(previous &+ step) }
            }
            entry.serial = serial
        } else if gap < 0, entry.missing.remove(serial) != nil {
            statistics.lost -= 1
            statistics.late += 1
        }
    }
}

/// RFC 1982 serial-number arithmetic on 32-bit audit serials.
enum Serial {
    /// Signed distance from `a` to `b` (positive when `b` is after `a`), valid within ±2^31.
    static func distance(from a: UInt32, to b: UInt32) -> Int64 { Int64(Int32(bitPattern: b &- a)) }

    static func isBefore(_ a: UInt32, _ b: UInt32) -> Bool { distance(from: a, to: b) > 0 }
}
