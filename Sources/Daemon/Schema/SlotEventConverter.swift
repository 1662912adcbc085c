import EQL
import EventModel

/// `ECSSchema.slotEvent(from:…)` for a stream: the normalizer writes its fields in a stable order, so the slot of
/// the field at each position is remembered and a name is hashed only when the layout changes. Owned by one thread.
public struct SlotEventConverter {
    public let schema: ECSSchema
    /// The field names seen at each position of the previous documents, and their slots (-1: none).
    private var names: [String] = []
    private var slots: [Int] = []

    public init(schema: ECSSchema) {
        self.schema = schema
    }

    public mutating func convert(_ document: Document, timestamp: Int64, tiebreaker: FieldValue = .null,
                                 ordinal: Int) -> SlotEvent {
        var values = [FieldValue](repeating: .null, count: schema.slotCount)
        for (position, field) in document.fields.enumerated() {
            let slot: Int
            if position < names.count, names[position] == field.name {
                slot = slots[position]
            } else {
                slot = schema.slotByName[field.name] ?? -1
                if position < names.count {
                    names[position] = field.name
                    slots[position] = slot
                } else {
                    names.append(field.name)
                    slots.append(slot)
                }
            }
            if slot >= 0 { values[slot] = field.value }
        }
        schema.fillDerived(&values)
        return SlotEvent(values: values, timestamp: timestamp, tiebreaker: tiebreaker, ordinal: ordinal)
    }
}
