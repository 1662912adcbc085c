#if canImport(Glibc)
import Glibc
#endif
import EQL
import EventModel
import Processes

/// `ECSSchema.slotEvent(from:…)` for a stream: the normalizer writes its fields in a stable order per kind of event,
/// so the slots of the last few names seen at each position are remembered and a name is hashed only when it is
/// new there. Owned by one thread.
public struct SlotEventConverter {
    public let schema: ECSSchema
    /// Per field position, the names recently seen there (most recent first) and their slots (-1: none).
    private var recent: [[(name: String, slot: Int)]] = []
    /// Layouts differ by event kind (exec, open, connect, …): a few names per position cover a mixed stream.
    private static let namesPerPosition = 4

    public init(schema: ECSSchema) {
        self.schema = schema
    }

    /// `fork`: what the event's fork-family call created, for the Defend view (nil: read from the document alone).
    public mutating func convert(_ document: Document, fork: ForkOutcome? = nil, timestamp: Int64,
                                 tiebreaker: FieldValue = .null, ordinal: Int) -> SlotEvent {
        var values = [FieldValue](repeating: .null, count: schema.slotCount)
        if recent.count < document.fields.count {
            recent.append(contentsOf: repeatElement([], count: document.fields.count - recent.count))
        }
        for (position, field) in document.fields.enumerated() {
            let slot = self.slot(of: field.name, at: position)
            if slot >= 0 { values[slot] = field.value }
        }
        schema.fillDerived(&values, fork: fork)
        return SlotEvent(values: values, timestamp: timestamp, tiebreaker: tiebreaker, ordinal: ordinal)
    }

    private mutating func slot(of name: String, at position: Int) -> Int {
        for entry in recent[position] where Self.sameBytes(entry.name, name) { return entry.slot }
        let slot = schema.slotByName[name] ?? -1
        if recent[position].count >= Self.namesPerPosition { recent[position].removeLast() }
        recent[position].insert((name, slot), at: 0)
        return slot
    }

    /// Byte equality, much cheaper than `==` (Unicode canonical equivalence) for names built per event such as
    /// `auditd.data.*`. A miss only costs a table lookup, which applies `==`, so the slot found is the same.
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }
}
