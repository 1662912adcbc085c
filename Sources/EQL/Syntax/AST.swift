import EventModel

// The parsed query, before verification and compilation. Positions point at the construct's
// first token so verifier and compiler errors can name a line and column.

/// A parsed EQL query.
struct QueryAST: Sendable {
    enum Body: Sendable {
        case event(EventFilterAST)
        case sequence(SequenceAST)
        case sample(SampleAST)
    }
    var body: Body
    var pipes: [PipeAST]
}

/// `category where condition`
struct EventFilterAST: Sendable {
    /// nil for `any`.
    var category: String?
    var condition: Expr
    var position: SourcePosition
}

/// `[category where condition] by keys with runs=N`, or `![…]` when `isMissing`.
struct StageAST: Sendable {
    var filter: EventFilterAST
    var keys: [Expr]
    var runs: Int?
    var runsPosition: SourcePosition?
    var isMissing: Bool
    var position: SourcePosition
}

struct SequenceAST: Sendable {
    var keys: [Expr]
    /// `with maxspan=…` in nanoseconds.
    var maxspanNanos: Int64?
    var stages: [StageAST]
    var until: StageAST?
    var position: SourcePosition
}

struct SampleAST: Sendable {
    var keys: [Expr]
    var stages: [StageAST]
    var position: SourcePosition
}

struct PipeAST: Sendable {
    enum Kind: String, Sendable { case head, tail }
    var kind: Kind
    var count: Int
    var position: SourcePosition
}

/// An expression node with its source position.
struct Expr: Sendable {
    indirect enum Kind: Sendable {
        case literal(FieldValue)
        /// A field reference; `optional` for `?name`.
        case field(name: String, optional: Bool)
        case not(Expr)
        case and(Expr, Expr)
        case or(Expr, Expr)
        /// `==`, `!=`, `<`, `<=`, `>`, `>=`
        case comparison(ComparisonOperator, Expr, Expr)
        /// `:` (case-insensitive equality with wildcards), `like`, `like~`, `regex`, `regex~`;
        /// a single pattern or a list, any-of.
        case match(MatchOperator, Expr, [Expr])
        /// `in`, `in~`; `not in` is `.not(.membership…)`.
        case membership(caseInsensitive: Bool, Expr, [Expr])
        case arithmetic(ArithmeticOperator, Expr, Expr)
        case negate(Expr)
        /// A function call; `insensitive` for `name~(…)`. The name is as written.
        case call(name: String, insensitive: Bool, arguments: [Expr])
    }
    var kind: Kind
    var position: SourcePosition

    init(_ kind: Kind, _ position: SourcePosition) {
        self.kind = kind
        self.position = position
    }
}

enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`3 < x` ≡ `x > 3`).
    var mirrored: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }
}

enum MatchOperator: String, Sendable {
    case insensitiveEquals = ":", like = "like", likeInsensitive = "like~", regex = "regex", regexInsensitive = "regex~"

    var isRegex: Bool { self == .regex || self == .regexInsensitive }
    var isCaseInsensitive: Bool { self != .like && self != .regex }
}

enum ArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
}

extension Expr {
    /// Field names referenced anywhere in this expression (`?` stripped).
    var referencedFields: [String] {
        var out: [String] = []
        visit { if case .field(let name, _) = $0.kind { out.append(name) } }
        return out
    }

    var containsField: Bool { !referencedFields.isEmpty }

    /// Whether a non-optional (`?`-less) field occurs in this expression.
    var containsRequiredField: Bool {
        var found = false
        visit { if case .field(_, false) = $0.kind { found = true } }
        return found
    }

    func visit(_ body: (Expr) -> Void) {
        body(self)
        switch kind {
        case .literal, .field: break
        case .not(let e), .negate(let e): e.visit(body)
        case .and(let a, let b), .or(let a, let b), .comparison(_, let a, let b), .arithmetic(_, let a, let b):
            a.visit(body); b.visit(body)
        case .match(_, let a, let list), .membership(_, let a, let list):
            a.visit(body); list.forEach { $0.visit(body) }
        case .call(_, _, let args): args.forEach { $0.visit(body) }
        }
    }
}
