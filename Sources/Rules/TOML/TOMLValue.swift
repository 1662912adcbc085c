/// A parsed TOML value. Tables keep their keys in document order; date-times stay the validated source text with
/// their kind, since the loaders only need to know a value is one (and name its type in a message).
enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case dateTime(TOMLDateTime)
    case array([TOMLValue])
    case table(TOMLTable)

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var int: Int? { if case .integer(let value) = self { value } else { nil } }
    var double: Double? { if case .float(let value) = self { value } else { nil } }
    var bool: Bool? { if case .boolean(let value) = self { value } else { nil } }
    var array: [TOMLValue]? { if case .array(let value) = self { value } else { nil } }
    var table: TOMLTable? { if case .table(let value) = self { value } else { nil } }

    /// The value of `key` when this is a table.
    subscript(key: String) -> TOMLValue? { table?[key] }

    /// The type's name for messages, with its article: `a string`, `an integer`, `a date-time`.
    var typeWithArticle: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a floating-point number"
        case .boolean: return "a bool"
        case .dateTime(let value):
            switch value.kind {
            case .offsetDateTime, .localDateTime: return "a date-time"
            case .localDate: return "a date"
            case .localTime: return "a time"
            }
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// Floats compare by bit pattern, so `nan` equals itself and `-0.0` differs from `0.0`: equal means the same
    /// document value.
    static func == (left: TOMLValue, right: TOMLValue) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.dateTime(let a), .dateTime(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.table(let a), .table(let b)): return a == b
        default: return false
        }
    }
}

/// A TOML date, time or date-time: its source text, already checked against TOML 1.0 (RFC 3339 fields in range).
struct TOMLDateTime: Equatable, Sendable {
    enum Kind: Sendable { case offsetDateTime, localDateTime, localDate, localTime }
    var kind: Kind
    var text: String
}

/// A TOML table: keys in the order the document defines them, looked up by hash.
struct TOMLTable: Equatable, Sendable {
    private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    init() {}

    /// A table with these keys, in this order, and these values (one per key).
    init(keys: [String], values: [String: TOMLValue]) {
        self.keys = keys
        self.values = values
    }

    subscript(key: String) -> TOMLValue? { values[key] }

    var count: Int { keys.count }

    /// Adds a key the table does not have yet (the parser has checked that).
    mutating func append(_ key: String, _ value: TOMLValue) {
        keys.append(key)
        values[key] = value
    }

    static func == (left: TOMLTable, right: TOMLTable) -> Bool { left.values == right.values }
}
