import AuditRecords

/// Groups records into events by serial number.
///
/// * A kernel event completes on its EOE record (never on PROCTITLE), when it is older than `timeout`, or when
///   more than `maxInFlight` events are pending (the oldest serial goes first).
/// * A user-space record (types 1100–1299, 2100–2999) is an event by itself and is delivered at once, without
///   closing or splitting a kernel event that happens to share its serial (AUDIT_LOGIN 1006 is a kernel record).
/// * Serials are compared with serial-number arithmetic (RFC 1982), so the 2^32 rollover is ordinary; gaps between
///   consecutive retired serials are counted as lost, and a late serial never produces a negative or wrapped gap.
///
/// `now` is any monotonic clock in nanoseconds (a replay may pass record timestamps).
public struct Reassembler: Sendable {
    /// Counters since creation.
    public struct Statistics: Sendable, Equatable {
        /// Serials never seen between two retired ones.
        public var lost: UInt64 = 0
        /// Events delivered (all reasons).
        public var completed: UInt64 = 0
        /// Kernel events completed by their EOE record.
        public var completedByEOE: UInt64 = 0
        /// User-space single-record events.
        public var userSpace: UInt64 = 0
        /// Events delivered because they were older than the timeout.
        public var timedOut: UInt64 = 0
        /// Events delivered early because more than `maxInFlight` were pending.
        public var evicted: UInt64 = 0
        /// Events delivered by `finish()`.
        public var flushedAtEnd: UInt64 = 0
        /// EOE records whose event was not pending (already delivered or never seen).
        public var orphanEOE: UInt64 = 0
    }

    public let maxInFlight: Int
    public let timeoutNanoseconds: Int64
    public private(set) var statistics = Statistics()

    public init(maxInFlight: Int = 50, timeoutNanoseconds: Int64 = 2_000_000_000) {
        self.maxInFlight = max(1, maxInFlight)
        self.timeoutNanoseconds = timeoutNanoseconds
    }

    /// Number of kernel events still waiting for completion.
    public var pendingCount: Int { 0 }

    /// Adds one record; returns the events it completed (possibly none).
    public mutating func push(_ record: AuditRecord, now: Int64) -> [AuditEvent] {
        []
    }

    /// Delivers events older than the timeout at `now`.
    public mutating func flush(now: Int64) -> [AuditEvent] {
        []
    }

    /// Delivers every pending event (end of input), oldest serial first.
    public mutating func finish() -> [AuditEvent] {
        []
    }
}
