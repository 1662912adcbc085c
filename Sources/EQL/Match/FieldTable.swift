/// A field schema for JSON input: a slot is assigned to each dotted field name the first time it is seen.
/// Aliases let one name read another's slot (`event.category` → `event_type` for the Endgame data).
public struct FieldTable: FieldSchema, Sendable {
    private var slots: [String: Int] = [:]
    private var aliases: [String: String] = [:]
    /// Field names by slot.
    private(set) var names: [String] = []

    public init() {}

    public func slot(for field: String) -> Int? {
        if let slot = slots[field] { return slot }
        if let target = aliases[field] { return slots[target] }
        return nil
    }

    /// The slot of `field`, assigning a new one when it is new.
    public mutating func intern(_ field: String) -> Int {
        if let slot = slots[field] { return slot }
        if let target = aliases[field] { return intern(target) }
        slots[field] = names.count
        names.append(field)
        return names.count - 1
    }

    /// Makes `name` read the slot of `target` (the target's own values win over any `name` in events).
    mutating func alias(_ name: String, to target: String) {
        aliases[name] = target
    }
}
