import EventModel

// Compiled expression trees. Two evaluations exist on purpose (spec §4.4):
// * `Predicate.test` is the per-event filter: a leaf on a missing value is false and `not`
//   is plain negation, so `not x : "a"` matches events without `x` (Elasticsearch `must_not`).
// * `Predicate.evaluate` / `ValueExpr.evaluate` are three-valued (SQL null logic), used for
//   booleans in value position (`concat(a == b)`, `(x > 1) == null`) and for constant folding.

/// A compiled value expression; may yield `.null` or `.array` (multi-valued field).
indirect enum ValueExpr: Sendable {
    case constant(FieldValue)
    case field(Int)
    /// A field the schema never produces: always null, but still a field (not folded as a constant).
    case absentField
    case arithmetic(ArithmeticOperator, ValueExpr, ValueExpr)
    case negate(ValueExpr)
    case call(FunctionCall)
    /// A boolean condition used as a value: `.bool` or `.null`.
    case condition(Predicate)

    func evaluate(_ event: SlotEvent) -> FieldValue {
        switch self {
        case .constant(let v): return v
        case .field(let slot): return event[slot]
        case .absentField: return .null
        case .arithmetic(let op, let a, let b):
            let x = a.evaluate(event), y = b.evaluate(event)
            if x.isNull || y.isNull { return .null }
            return ValueSemantics.arithmetic(op, x, y)
        case .negate(let a):
            switch a.evaluate(event) {
            case .int(let i): return i == .min ? .null : .int(-i)  // ES: Math.negateExact, "long overflow"
            case .double(let d): return .double(-d)
            default: return .null
            }
        case .call(let call): return call.evaluate(event)
        case .condition(let p): return p.evaluate(event).map(FieldValue.bool) ?? .null
        }
    }

    /// True when the value does not depend on the event (it can be folded).
    var isConstant: Bool {
        switch self {
        case .constant: return true
        case .field, .absentField: return false
        case .arithmetic(_, let a, let b): return a.isConstant && b.isConstant
        case .negate(let a): return a.isConstant
        case .call(let call): return call.arguments.allSatisfy(\.isConstant)
        case .condition(let p): return p.isConstant
        }
    }

    var constantValue: FieldValue? {
        if case .constant(let v) = self { return v }
        return nil
    }
}

/// A function call with its arguments compiled (and constant `cidrMatch` networks parsed once).
struct FunctionCall: Sendable {
    let function: EQLFunction
    let insensitive: Bool
    let arguments: [ValueExpr]
    let cidrs: [CIDRBlock]?

    /// Evaluates the arguments into stack memory. A multi-valued argument maps the function over
    /// its elements (first array argument only), giving an array result.
    func evaluate(_ event: SlotEvent) -> FieldValue {
        // A `cidrMatch` with its networks parsed reads only the address: its other arguments (often dozens of
        // constant networks) are not copied out per event.
        let count = cidrs == nil ? arguments.count : min(1, arguments.count)
        return withUnsafeTemporaryAllocation(of: FieldValue.self, capacity: count) { buffer in
            var arrayIndex: Int?
            for i in 0..<count {
                let value = arguments[i].evaluate(event)
                if arrayIndex == nil, case .array = value { arrayIndex = i }
                (buffer.baseAddress! + i).initialize(to: value)
            }
            defer { buffer.baseAddress!.deinitialize(count: count) }
            guard let arrayIndex, case .array(let items) = buffer[arrayIndex] else {
                return function.evaluate(buffer, insensitive: insensitive, cidrs: cidrs)
            }
            var results: [FieldValue] = []
            results.reserveCapacity(items.count)
            for item in items {
                buffer[arrayIndex] = item
                results.append(function.evaluate(buffer, insensitive: insensitive, cidrs: cidrs))
            }
            buffer[arrayIndex] = .array(items)
            return .array(results)
        }
    }
}

/// A compiled condition.
indirect enum Predicate: Sendable {
    /// A folded condition; nil is the three-valued null (false as a filter).
    case constant(Bool?)
    case not(Predicate)
    case and([Predicate])
    case or([Predicate])
    /// `x == null`: null, or an array without non-null elements. Never null itself.
    case isNull(ValueExpr)
    /// `x <op> constant` (the compiler puts the constant on the right); `!=` is `.not(== …)`.
    case compare(ComparisonOperator, ValueExpr, FieldValue)
    /// Fast path of `.compare(.equal, .field(slot), .string(s))`, the most common leaf in rules.
    case fieldEqualsString(Int, String)
    case member(ValueExpr, ValueSet)
    case match(ValueExpr, PatternSet)
    /// A boolean-valued expression used as a condition (`process where flag`, `startsWith(…)`).
    case truthy(ValueExpr)

    /// Per-event filter semantics (Elasticsearch query DSL).
    func test(_ event: SlotEvent) -> Bool {
        switch self {
        case .constant(let b): return b == true
        case .not(let p): return !p.test(event)
        case .and(let ps):
            for p in ps where !p.test(event) { return false }
            return true
        case .or(let ps):
            for p in ps where p.test(event) { return true }
            return false
        case .fieldEqualsString(let slot, let expected):
            switch event[slot] {
            case .string(let s): return s == expected
            case .null: return false
            case let other: return leaf(other) == true
            }
        default:
            return evaluate(event) == true
        }
    }

    /// Three-valued semantics.
    func evaluate(_ event: SlotEvent) -> Bool? {
        switch self {
        case .constant(let b): return b
        case .not(let p): return p.evaluate(event).map { !$0 }
        case .and(let ps):
            var sawNull = false
            for p in ps {
                switch p.evaluate(event) {
                case false?: return false
                case nil: sawNull = true
                default: break
                }
            }
            return sawNull ? nil : true
        case .or(let ps):
            var sawNull = false
            for p in ps {
                switch p.evaluate(event) {
                case true?: return true
                case nil: sawNull = true
                default: break
                }
            }
            return sawNull ? nil : false
        case .isNull(let v): return ValueSemantics.isNullish(v.evaluate(event))
        case .fieldEqualsString(let slot, _): return leaf(event[slot])
        case .compare(_, let v, _), .member(let v, _), .match(let v, _), .truthy(let v):
            return leaf(v.evaluate(event))
        }
    }

    /// A leaf's verdict on its operand's value, any-element over arrays.
    @inline(__always)
    private func leaf(_ value: FieldValue) -> Bool? {
        switch self {
        case .compare(let op, _, let constant):
            return ValueSemantics.any(value) { ValueSemantics.compare(op, $0, constant) }
        case .fieldEqualsString(_, let expected):
            return ValueSemantics.any(value) {
                if case .string(let s) = $0 { return s == expected }
                return ValueSemantics.equal($0, .string(expected))
            }
        case .member(_, let set): return ValueSemantics.any(value) { set.contains($0) }
        case .match(_, let patterns): return ValueSemantics.any(value) { patterns.matches($0) }
        case .truthy:
            return ValueSemantics.any(value) {
                if case .bool(let b) = $0 { return b }
                return false
            }
        default: return nil
        }
    }

    var isConstant: Bool {
        switch self {
        case .constant: return true
        case .not(let p): return p.isConstant
        case .and(let ps), .or(let ps): return ps.allSatisfy(\.isConstant)
        case .isNull(let v), .compare(_, let v, _), .member(let v, _), .match(let v, _), .truthy(let v):
            return v.isConstant
        case .fieldEqualsString: return false
        }
    }
}
