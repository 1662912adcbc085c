@testable import EQL
@testable import EventModel

/// A schema that hands out a slot to every field it is asked about (like the JSON input path),
/// or only to a fixed list when `known` is given.
final class GrowingSchema: FieldSchema {
    private var slots: [String: Int] = [:]
    private let known: Set<String>?
    private let excluded: Set<String>

    init(known: [String]? = nil, excluding excluded: [String] = []) {
        self.known = known.map(Set.init)
        self.excluded = Set(excluded)
    }

    func slot(for field: String) -> Int? {
        if let known, !known.contains(field) { return nil }
        if excluded.contains(field) { return nil }
        if let slot = slots[field] { return slot }
        slots[field] = slots.count
        return slots.count - 1
    }

    /// An event with the given dotted fields, laid out by this schema.
    func event(_ fields: [String: FieldValue], ordinal: Int = 0) -> SlotEvent {
        var values: [FieldValue] = []
        for (name, value) in fields {
            guard let slot = slot(for: name) else { continue }
            if values.count <= slot { values += Array(repeating: .null, count: slot + 1 - values.count) }
            values[slot] = value
        }
        return SlotEvent(values: values, timestamp: 0, ordinal: ordinal)
    }
}

extension CompiledQuery {
    /// The filter of an event query (nil for sequences and samples).
    var eventFilter: CompiledFilter? {
        if case .event(let f) = body { return f }
        return nil
    }
}
