/// The EQL functions Elasticsearch supports (spec §4.3), with their arity and argument kinds.
/// Names are matched case-insensitively (`cidrmatch`, `CONCAT`, `startsWith~`).
enum EQLFunction: String, CaseIterable, Sendable {
    case add, subtract, multiply, divide, modulo
    case between, cidrMatch, concat, endsWith, indexOf, length, number, startsWith, string, stringContains, substring

    /// Expected kind of a constant argument, checked by the verifier when the argument is a literal.
    enum ArgumentKind { case string, number, integer, boolean, any }

    private static let byLowercasedName: [String: EQLFunction] =
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercased(), $0) })

    init?(name: String) {
        guard let f = EQLFunction.byLowercasedName[name.lowercased()] else { return nil }
        self = f
    }

    /// Allowed argument counts; `nil` upper bound means variadic.
    var arity: (min: Int, max: Int?) {
        switch self {
        case .add, .subtract, .multiply, .divide, .modulo: return (2, 2)
        case .between: return (3, 4)
        case .cidrMatch: return (2, nil)
        case .concat: return (1, nil)
        case .endsWith, .startsWith, .stringContains: return (2, 2)
        case .indexOf: return (2, 3)
        case .length, .string: return (1, 1)
        case .number: return (1, 2)
        case .substring: return (2, 3)
        }
    }

    /// Only the string-matching functions have a case-insensitive `~` form.
    var acceptsInsensitive: Bool {
        switch self {
        case .between, .endsWith, .indexOf, .startsWith, .stringContains: return true
        default: return false
        }
    }

    /// Whether the function yields a boolean (usable directly as a condition).
    var isPredicate: Bool {
        switch self {
        case .cidrMatch, .endsWith, .startsWith, .stringContains: return true
        default: return false
        }
    }

    func argumentKind(at position: Int) -> ArgumentKind {
        switch self {
        case .add, .subtract, .multiply, .divide, .modulo: return .number
        case .between: return position == 3 ? .boolean : .string
        case .cidrMatch, .endsWith, .startsWith, .stringContains, .length: return .string
        case .concat, .string: return .any
        case .indexOf: return position == 2 ? .integer : .string
        case .number: return position == 1 ? .integer : .string
        case .substring: return position == 0 ? .string : .integer
        }
    }

    var arityDescription: String {
        let (lo, hi) = arity
        guard let hi else { return "at least \(lo) argument\(lo == 1 ? "" : "s")" }
        if lo == hi { return "\(lo) argument\(lo == 1 ? "" : "s")" }
        return "\(lo) to \(hi) arguments"
    }
}
