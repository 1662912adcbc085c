import EQL

/// What the event filters of a parsed query test positively: the input of the audit-rule derivation.
struct FilterTests: Equatable {
    /// The filter's category as written (`any` for `any where`).
    var category: String
    /// Values `event.action` must equal (or match, with `:`/`like`) for the filter to hold.
    var actions: [String] = []
    /// Values `auditd.data.syscall` must equal or match.
    var syscalls: [String] = []
    /// Values `event.type` must equal or match.
    var types: [String] = []
    /// Whether every event the filter accepts passes one of the action or syscall tests above. False when an `or`
    /// branch tests neither (`event.action == "deleted" or file.path == "/etc/shadow"`): that branch's events need
    /// the category's syscalls as well.
    var isBounded = false
}

/// Reads a query's syntax tree for the audit-rule derivation. Only positive tests count: a value under `not`, after
/// `!=` or in `not in` only excludes events, so it needs no syscall audited (`not x != "a"` is positive again).
/// Values inside an `or` count too; an `or` with a branch that tests no action or syscall also leaves the filter
/// unbounded, so it gets its category's syscalls as well: the scan errs towards auditing too much, never too little.
enum QueryScan {
    /// Every event filter a query evaluates: the query's own, or each `sequence`/`sample` stage, missing-event
    /// stages `![…]` (their absence is only known by seeing the events) and `until`.
    static func filters(of query: QueryAST) -> [EventFilterAST] {
        switch query.body {
        case .event(let filter): return [filter]
        case .sequence(let sequence): return (sequence.stages + (sequence.until.map { [$0] } ?? [])).map(\.filter)
        case .sample(let sample): return sample.stages.map(\.filter)
        }
    }

    static func tests(of filter: EventFilterAST) -> FilterTests {
        var tests = FilterTests(category: filter.category ?? "any")
        collect(filter.condition, positive: true, into: &tests)
        tests.isBounded = bounds(filter.condition, positive: true)
        return tests
    }

    /// Every field the query reads: in conditions and in `by` keys.
    static func referencedFields(of query: QueryAST) -> [String] {
        var keys: [Expr] = []
        switch query.body {
        case .event: break
        case .sequence(let sequence):
            keys = sequence.keys + (sequence.stages + (sequence.until.map { [$0] } ?? [])).flatMap(\.keys)
        case .sample(let sample): keys = sample.keys + sample.stages.flatMap(\.keys)
        }
        return filters(of: query).flatMap(\.condition.referencedFields) + keys.flatMap(\.referencedFields)
    }

    private static func collect(_ expr: Expr, positive: Bool, into tests: inout FilterTests) {
        switch expr.kind {
        case .not(let inner):
            collect(inner, positive: !positive, into: &tests)
        case .and(let left, let right), .or(let left, let right):
            collect(left, positive: positive, into: &tests)
            collect(right, positive: positive, into: &tests)
        case .comparison(let op, let left, let right):
            guard op == .equal && positive || op == .notEqual && !positive else { return }
            if case .field(let name, _) = left.kind, let value = right.stringLiteral {
                add([value], to: name, in: &tests)
            } else if case .field(let name, _) = right.kind, let value = left.stringLiteral {
                add([value], to: name, in: &tests)
            }
        case .match(let op, let subject, let patterns):
            // A regex cannot be expanded against the tables; its filter falls back to its category.
            guard positive, op != .regex, op != .regexInsensitive, case .field(let name, _) = subject.kind else { return }
            add(patterns.compactMap(\.stringLiteral), to: name, in: &tests)
        case .membership(_, let subject, let values):
            guard positive, case .field(let name, _) = subject.kind else { return }
            add(values.compactMap(\.stringLiteral), to: name, in: &tests)
        case .literal, .field, .arithmetic, .negate, .call:
            return
        }
    }

    /// Whether `expr` (negated when `positive` is false) holds only for events that pass a positive test of
    /// `event.action` or `auditd.data.syscall` found by ``collect``.
    private static func bounds(_ expr: Expr, positive: Bool) -> Bool {
        switch expr.kind {
        case .not(let inner):
            return bounds(inner, positive: !positive)
        case .and(let left, let right):
            // Negated, `a and b` is `not a or not b` (De Morgan): both sides must bound.
            return positive ? bounds(left, positive: true) || bounds(right, positive: true)
                : bounds(left, positive: false) && bounds(right, positive: false)
        case .or(let left, let right):
            return positive ? bounds(left, positive: true) && bounds(right, positive: true)
                : bounds(left, positive: false) || bounds(right, positive: false)
        case .comparison, .match, .membership:
            var leaf = FilterTests(category: "")
            collect(expr, positive: positive, into: &leaf)
            return !leaf.actions.isEmpty || !leaf.syscalls.isEmpty
        case .literal, .field, .arithmetic, .negate, .call:
            return false
        }
    }

    private static func add(_ values: [String], to field: String, in tests: inout FilterTests) {
        switch field {
        case "event.action": tests.actions += values
        case "auditd.data.syscall": tests.syscalls += values
        case "event.type": tests.types += values
        default: break
        }
    }
}

extension Expr {
    fileprivate var stringLiteral: String? {
        if case .literal(.string(let value)) = kind { return value }
        return nil
    }
}
