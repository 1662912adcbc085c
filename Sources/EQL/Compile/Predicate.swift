import EventModel

/// A compiled boolean condition with Elasticsearch per-event semantics (null leaf → false).
indirect enum Predicate: Sendable {
    case constant(Bool)

    func test(_ event: SlotEvent) -> Bool {
        switch self {
        case .constant(let b): return b
        }
    }
}

/// A compiled value expression (three-valued: may yield `.null`).
indirect enum ValueExpr: Sendable {
    case constant(FieldValue)
    case field(Int)

    func evaluate(_ event: SlotEvent) -> FieldValue {
        switch self {
        case .constant(let v): return v
        case .field(let slot): return event[slot]
        }
    }
}
