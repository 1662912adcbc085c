import EventModel

// Scalar semantics shared by evaluation and folding (spec §4.2): typed equality with numeric
// promotion, case-sensitive byte-order string ordering, Java integer arithmetic.

enum ValueSemantics {
    /// `a == b` for two non-null scalars; nil when either is null. Numbers compare numerically;
    /// a string compared with a number is parsed (keyword fields holding "0" vs. `0`).
    static func equal(_ a: FieldValue, _ b: FieldValue) -> Bool? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return compareNumbers(a, b) == 0
        case (.string(let s), .int), (.string(let s), .double):
            guard let n = parseNumber(s) else { return false }
            return compareNumbers(n, b) == 0
        case (.int, .string(let s)), (.double, .string(let s)):
            guard let n = parseNumber(s) else { return false }
            return compareNumbers(a, n) == 0
        case (.bool(let x), .string(let s)), (.string(let s), .bool(let x)): return s == (x ? "true" : "false")
        default: return a == b
        }
    }

    /// Three-way order of two non-null scalars, or nil when they are not comparable (or either is null).
    static func order(_ a: FieldValue, _ b: FieldValue) -> Int? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.string(let x), .string(let y)): return compareBytes(x, y)
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double): return compareNumbers(a, b)
        case (.string(let s), .int), (.string(let s), .double):
            return parseNumber(s).flatMap { compareNumbers($0, b) }
        case (.int, .string(let s)), (.double, .string(let s)):
            return parseNumber(s).flatMap { compareNumbers(a, $0) }
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        default: return nil
        }
    }

    static func compare(_ op: ComparisonOperator, _ a: FieldValue, _ b: FieldValue) -> Bool? {
        switch op {
        case .equal: return equal(a, b)
        case .notEqual: return equal(a, b).map { !$0 }
        case .less: return order(a, b).map { $0 < 0 }
        case .lessOrEqual: return order(a, b).map { $0 <= 0 }
        case .greater: return order(a, b).map { $0 > 0 }
        case .greaterOrEqual: return order(a, b).map { $0 >= 0 }
        }
    }

    /// Unsigned byte order of UTF-8, which is code-point order (Java `compareTo` for BMP text).
    static func compareBytes(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    static func compareNumbers(_ a: FieldValue, _ b: FieldValue) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            guard let x = asDouble(a), let y = asDouble(b), !x.isNaN, !y.isNaN else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }

    static func asDouble(_ v: FieldValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// A number written as text, as a long when it is one, else a double.
    static func parseNumber(_ s: String) -> FieldValue? {
        if let i = Int64(s) { return .int(i) }
        guard let first = s.utf8.first, first != UInt8(ascii: " "), let d = Double(s), d.isFinite else { return nil }
        return .double(d)
    }

    /// Java arithmetic: long op long stays long (truncating division), otherwise double.
    /// Division or modulo by integer zero yields null (ES fails the query). A long `+ - *` that overflows yields
    /// null: Elasticsearch uses `Math.addExact` & co. and fails with "long overflow" instead of wrapping.
    static func arithmetic(_ op: ArithmeticOperator, _ a: FieldValue, _ b: FieldValue) -> FieldValue {
        if case .int(let x) = a, case .int(let y) = b {
            func exact(_ result: (partialValue: Int64, overflow: Bool)) -> FieldValue {
                result.overflow ? .null : .int(result.partialValue)
            }
            switch op {
            case .add: return exact(x.addingReportingOverflow(y))
            case .subtract: return exact(x.subtractingReportingOverflow(y))
            case .multiply: return exact(x.multipliedReportingOverflow(by: y))
            case .divide:
                guard y != 0 else { return .null }
                return .int(x.dividedReportingOverflow(by: y).partialValue)
            case .modulo:
                guard y != 0 else { return .null }
                return .int(x.remainderReportingOverflow(dividingBy: y).partialValue)
            }
        }
        guard let x = asDouble(a), let y = asDouble(b) else { return .null }
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide: return .double(x / y)
        case .modulo: return .double(x.truncatingRemainder(dividingBy: y))
        }
    }

    /// Missing for filtering purposes: null, or an array without a non-null element.
    static func isNullish(_ v: FieldValue) -> Bool {
        switch v {
        case .null: return true
        case .array(let items): return items.allSatisfy(\.isNull)
        default: return false
        }
    }

    /// Applies a scalar predicate with multi-value semantics: any element true → true;
    /// else null when there is no non-null element; else false.
    @inline(__always)
    static func any(_ v: FieldValue, _ predicate: (FieldValue) -> Bool?) -> Bool? {
        guard case .array(let items) = v else { return v.isNull ? nil : predicate(v) }
        var sawValue = false
        for item in items where !item.isNull {
            if let r = predicate(item) {
                if r { return true }
                sawValue = true
            }
        }
        return sawValue ? false : nil
    }

    /// Text form used by `string()`, `concat()` and when matching patterns against numbers.
    static func text(_ v: FieldValue) -> String? {
        switch v {
        case .null: return nil
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e7 ? String(format: d) : "\(d)"
        case .bool(let b): return b ? "true" : "false"
        case .array, .object: return nil
        }
    }
}

private extension String {
    /// Java's Double.toString for whole numbers below 1e7: "21.0".
    init(format d: Double) {
        self = "\(Int64(d)).0"
    }
}
