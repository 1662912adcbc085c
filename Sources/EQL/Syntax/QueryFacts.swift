/// What a query tests, read from its syntax tree, for callers that derive something from the queries (the audit
/// rules a rule set needs) without walking the tree themselves. Only positive tests count: a value under `not`, after
/// `!=` or in `not in` only excludes events (`not x != "a"` is positive again).
public struct QueryFacts: Sendable {
    /// Every event filter the query evaluates: the query's own, or each `sequence`/`sample` stage, missing-event
    /// stages `![…]` (their absence is only known by seeing the events) and `until`.
    public let filters: [FilterFacts]
    /// Every field the query reads, in conditions and in `by` keys (`?` stripped).
    public let referencedFields: [String]

    /// Parses `query`; throws `EQLError` when it does not parse.
    public init(query: String) throws {
        let ast = try Parser.parse(query)
        let stages: [StageAST], keys: [Expr]
        switch ast.body {
        case .event(let filter):
            (stages, keys) = ([], [])
            filters = [FilterFacts(filter)]
        case .sequence(let sequence):
            stages = sequence.stages + (sequence.until.map { [$0] } ?? [])
            keys = sequence.keys + stages.flatMap(\.keys)
            filters = stages.map { FilterFacts($0.filter) }
        case .sample(let sample):
            stages = sample.stages
            keys = sample.keys + stages.flatMap(\.keys)
            filters = stages.map { FilterFacts($0.filter) }
        }
        referencedFields = filters.flatMap(\.condition.referencedFields) + keys.flatMap(\.referencedFields)
    }
}

/// What one event filter (`category where condition`) tests.
public struct FilterFacts: Sendable {
    /// The category as written; nil for `any`.
    public let category: String?
    let condition: Expr

    init(_ filter: EventFilterAST) {
        category = filter.category
        condition = filter.condition
    }

    /// The literal string values `field` is tested positively against (`==`, `:`, `like`, `in`), even inside an
    /// `or`; regex patterns are left out.
    public func testedValues(of field: String) -> [String] {
        var values: [String] = []
        Self.collect(condition, positive: true) { name, found in if name == field { values += found } }
        return values
    }

    /// Whether every event the filter accepts passes a positive test of one of `fields` (see ``testedValues(of:)``).
    /// False when an `or` branch tests none of them.
    public func isBounded(by fields: Set<String>) -> Bool {
        Self.bounds(condition, positive: true, by: fields)
    }

    /// The literal values `field` must take for the filter to hold; nil when it can hold for other values too.
    /// Values of case-insensitive tests are lower-cased when `foldingCase`, kept as written otherwise.
    public func requiredValues(of field: String, foldingCase: Bool) -> Set<String>? {
        Self.requiredValues(of: field, in: condition, positive: true, foldingCase: foldingCase)
    }

    private static func collect(_ expr: Expr, positive: Bool, _ found: (String, [String]) -> Void) {
        switch expr.kind {
        case .not(let inner):
            collect(inner, positive: !positive, found)
        case .and(let left, let right), .or(let left, let right):
            collect(left, positive: positive, found)
            collect(right, positive: positive, found)
        case .comparison(let op, let left, let right):
            guard op == .equal && positive || op == .notEqual && !positive else { return }
            if case .field(let name, _) = left.kind, let value = right.stringLiteral {
                found(name, [value])
            } else if case .field(let name, _) = right.kind, let value = left.stringLiteral {
                found(name, [value])
            }
        case .match(let op, let subject, let patterns):
            // A regex cannot be expanded into values.
            guard positive, op != .regex, op != .regexInsensitive, case .field(let name, _) = subject.kind else { return }
            found(name, patterns.compactMap(\.stringLiteral))
        case .membership(_, let subject, let values):
            guard positive, case .field(let name, _) = subject.kind else { return }
            found(name, values.compactMap(\.stringLiteral))
        case .literal, .field, .arithmetic, .negate, .call:
            return
        }
    }

    /// Whether `expr` (negated when `positive` is false) holds only for events that pass a positive test of one of
    /// `fields` found by ``collect``.
    private static func bounds(_ expr: Expr, positive: Bool, by fields: Set<String>) -> Bool {
        switch expr.kind {
        case .not(let inner):
            return bounds(inner, positive: !positive, by: fields)
        case .and(let left, let right):
            // Negated, `a and b` is `not a or not b` (De Morgan): both sides must bound.
            return positive ? bounds(left, positive: true, by: fields) || bounds(right, positive: true, by: fields)
                : bounds(left, positive: false, by: fields) && bounds(right, positive: false, by: fields)
        case .or(let left, let right):
            return positive ? bounds(left, positive: true, by: fields) && bounds(right, positive: true, by: fields)
                : bounds(left, positive: false, by: fields) || bounds(right, positive: false, by: fields)
        case .comparison, .match, .membership:
            var tested = false
            collect(expr, positive: positive) { name, values in if fields.contains(name), !values.isEmpty { tested = true } }
            return tested
        case .literal, .field, .arithmetic, .negate, .call:
            return false
        }
    }

    private static func requiredValues(of field: String, in expr: Expr, positive: Bool,
                                       foldingCase: Bool) -> Set<String>? {
        func union(_ a: Set<String>?, _ b: Set<String>?) -> Set<String>? {
            guard let a, let b else { return nil }
            return a.union(b)
        }
        func intersection(_ a: Set<String>?, _ b: Set<String>?) -> Set<String>? {
            guard let a else { return b }
            guard let b else { return a }
            return a.intersection(b)
        }
        switch expr.kind {
        case .not(let inner):
            return requiredValues(of: field, in: inner, positive: !positive, foldingCase: foldingCase)
        case .and(let left, let right):
            let l = requiredValues(of: field, in: left, positive: positive, foldingCase: foldingCase)
            let r = requiredValues(of: field, in: right, positive: positive, foldingCase: foldingCase)
            return positive ? intersection(l, r) : union(l, r)
        case .or(let left, let right):
            let l = requiredValues(of: field, in: left, positive: positive, foldingCase: foldingCase)
            let r = requiredValues(of: field, in: right, positive: positive, foldingCase: foldingCase)
            return positive ? union(l, r) : intersection(l, r)
        case .comparison(let op, let left, let right):
            guard op == .equal && positive || op == .notEqual && !positive else { return nil }
            if case .field(field, _) = left.kind, let value = right.stringLiteral { return [value] }
            if case .field(field, _) = right.kind, let value = left.stringLiteral { return [value] }
            return nil
        case .match(let op, let subject, let patterns):
            guard positive, op == .insensitiveEquals || op == .like || op == .likeInsensitive,
                  case .field(field, _) = subject.kind else { return nil }
            var values: Set<String> = []
            for pattern in patterns {
                guard let value = pattern.stringLiteral, !value.contains("*"), !value.contains("?") else { return nil }
                values.insert(foldingCase ? value.lowercased() : value)
            }
            return values
        case .membership(_, let subject, let list):
            guard positive, case .field(field, _) = subject.kind else { return nil }
            var values: Set<String> = []
            for item in list {
                guard let value = item.stringLiteral else { return nil }
                values.insert(foldingCase ? value.lowercased() : value)
            }
            return values
        case .literal, .field, .arithmetic, .negate, .call:
            return nil
        }
    }
}

extension Expr {
    fileprivate var stringLiteral: String? {
        if case .literal(.string(let value)) = kind { return value }
        return nil
    }
}
