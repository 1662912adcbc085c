import EventModel

// The seam between the EQL front end (Syntax/, Compile/) and the streaming matchers (Match/).
// The compiler turns a query into these types; the matchers consume them and nothing else.

/// Maps field names to slots. Given by the caller: the ECS catalog for audit events, or a growing
/// table when events come from JSON. A field with no slot compiles to a null constant.
public protocol FieldSchema {
    /// The slot of `field` (dotted ECS name, e.g. `process.parent.pid`), or nil when this source never has it.
    func slot(for field: String) -> Int?
}

/// One event as the matchers see it: values by slot, plus ordering keys.
public struct SlotEvent: Sendable {
    /// Field values indexed by slot; a slot past the end, or `.null`, is a missing field.
    public var values: [FieldValue]
    /// Event time in nanoseconds since the epoch (audit header time; `@timestamp` for JSON input).
    public var timestamp: Int64
    /// Second ordering key (audit serial, or the `--tiebreaker` field); `.null` when none.
    var tiebreaker: FieldValue
    /// Arrival order, the last ordering key; also the event's identity in results.
    public var ordinal: Int

    public init(values: [FieldValue], timestamp: Int64, tiebreaker: FieldValue = .null, ordinal: Int) {
        self.values = values
        self.timestamp = timestamp
        self.tiebreaker = tiebreaker
        self.ordinal = ordinal
    }

    @inlinable public subscript(slot: Int) -> FieldValue {
        slot < values.count ? values[slot] : .null
    }
}
