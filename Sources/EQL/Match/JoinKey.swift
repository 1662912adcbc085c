import EventModel

/// The join-key values of one event for one stage, normalised so that equal keys hash equally
/// (`1234` and `1234.0` are the same key; strings stay case-sensitive).
struct JoinKey: Hashable, Sendable {
    var values: [FieldValue]

    init(_ values: [FieldValue]) { self.values = values.map(JoinKey.normalize) }

    /// The empty key of `sequence` / `sample` without `by`.
    static let empty = JoinKey([])

    @inlinable static func normalize(_ value: FieldValue) -> FieldValue {
        if case .double(let d) = value, let i = value.intValue, Double(i) == d { return .int(i) }
        return value
    }

    /// Every key combination of one event: the cartesian product of the key fields' values.
    ///
    /// Arrays contribute each distinct non-null element; a null, `[]` or `[null]` value is a missing key,
    /// which drops the event (empty result) unless that key is optional, where it joins as `null`.
    static func combinations(_ fields: [FieldValue], optional: (Int) -> Bool) -> [JoinKey] {
        var product: [[FieldValue]] = [[]]
        product.reserveCapacity(1)
        for (index, field) in fields.enumerated() {
            let choices = distinctValues(field)
            if choices.isEmpty {
                guard optional(index) else { return [] }
                for i in product.indices { product[i].append(.null) }
                continue
            }
            if choices.count == 1 {
                for i in product.indices { product[i].append(choices[0]) }
                continue
            }
            var next: [[FieldValue]] = []
            next.reserveCapacity(product.count * choices.count)
            for prefix in product {
                for choice in choices { next.append(prefix + [choice]) }
            }
            product = next
        }
        return product.map { JoinKey(rawNormalized: $0) }
    }

    init(rawNormalized values: [FieldValue]) { self.values = values }

    private static func distinctValues(_ value: FieldValue) -> [FieldValue] {
        switch value {
        case .null: return []
        case .array(let elements):
            var seen: [FieldValue] = []
            for element in elements where !element.isNull {
                let normalized = normalize(element)
                if !seen.contains(normalized) { seen.append(normalized) }
            }
            return seen
        default: return [normalize(value)]
        }
    }
}

extension JoinKey: Comparable {
    /// Elasticsearch's composite-aggregation order: element-wise, null first, false before true,
    /// numbers numerically, strings by UTF-8 bytes.
    static func < (lhs: JoinKey, rhs: JoinKey) -> Bool {
        for (a, b) in zip(lhs.values, rhs.values) {
            let order = FieldValueOrder.compare(a, b)
            if order != 0 { return order < 0 }
        }
        return lhs.values.count < rhs.values.count
    }
}

/// A total order over field values, used for tiebreakers and for sorting sample keys.
enum FieldValueOrder {
    /// -1, 0 or 1. Null sorts first; then booleans, numbers, strings, and anything else.
    static func compare(_ a: FieldValue, _ b: FieldValue) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.int(let x), .int(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.string(let x), .string(let y)): return ValueSemantics.compareBytes(x, y)
        default:
            if let x = ValueSemantics.asDouble(a), let y = ValueSemantics.asDouble(b) { return x == y ? 0 : (x < y ? -1 : 1) }
            let (ra, rb) = (rank(a), rank(b))
            if ra != rb { return ra < rb ? -1 : 1 }
            return 0
        }
    }


    private static func rank(_ v: FieldValue) -> Int {
        switch v {
        case .null: return 0
        case .bool: return 1
        case .int, .double: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }
}
