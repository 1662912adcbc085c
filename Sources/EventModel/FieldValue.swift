/// A JSON-compatible value held by one event field.
///
/// Both the event producers (audit → ECS) and the EQL engine speak this type, so a document
/// built by the normalizer can be matched, written as JSON, or read back from JSON unchanged.
public enum FieldValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([FieldValue])
    /// An object, keys in insertion order (e.g. one element of `auditd.paths`).
    case object([ObjectEntry])

    /// One key/value pair of an object value.
    public struct ObjectEntry: Hashable, Sendable {
        public var key: String
        public var value: FieldValue
        public init(_ key: String, _ value: FieldValue) {
            self.key = key
            self.value = value
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The string payload, or nil for any other case.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The integer payload (also for doubles that are whole numbers), or nil.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    /// Member lookup on an object value.
    public subscript(key: String) -> FieldValue? {
        guard case .object(let entries) = self else { return nil }
        return entries.first(where: { $0.key == key })?.value
    }
}

extension FieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: FieldValue...) { self = .array(elements) }
}
