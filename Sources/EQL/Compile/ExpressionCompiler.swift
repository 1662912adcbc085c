import EventModel

/// Turns verified expression ASTs into `Predicate`/`ValueExpr` trees: resolves fields to slots,
/// folds constants, prebuilds sets and matchers.
struct ExpressionCompiler {
    let schema: any FieldSchema
    /// Referenced fields without a slot, in first-seen order.
    private(set) var unknownFields: [String] = []
    private var unknownSet: Set<String> = []
    /// The slot `event.action` resolved to, once a condition read it (for `ActionConstraint`).
    private(set) var actionSlot: Int?
    /// The ``EQLCompiler/guardFields`` a condition read, with their slots.
    private var guardSlotByField: [String: Int] = [:]
    /// Their slots, in ``EQLCompiler/guardFields`` order (for ``CompiledFilter/guards``).
    var guardSlots: [Int] { EQLCompiler.guardFields.compactMap { guardSlotByField[$0] } }
    private let emptyEvent = SlotEvent(values: [], timestamp: 0, ordinal: 0)

    init(schema: any FieldSchema) {
        self.schema = schema
    }

    func error(_ message: String, at p: SourcePosition) -> EQLError {
        EQLError(line: p.line, column: p.column, message: message)
    }

    // MARK: conditions

    mutating func predicate(_ expr: Expr) throws(EQLError) -> Predicate {
        let compiled = try buildPredicate(expr)
        // Fold whole constant subtrees with three-valued logic, as Elasticsearch does before querying.
        if compiled.isConstant, !isTrivialConstant(compiled) { return .constant(compiled.evaluate(emptyEvent)) }
        return compiled
    }

    private func isTrivialConstant(_ p: Predicate) -> Bool {
        if case .constant = p { return true }
        return false
    }

    private mutating func buildPredicate(_ expr: Expr) throws(EQLError) -> Predicate {
        switch expr.kind {
        case .literal(let v):
            if case .bool(let b) = v { return .constant(b) }
            if v.isNull { return .constant(nil) }
            throw error("a condition must be boolean, found \(Verifier.describe(v))", at: expr.position)
        case .not(let inner):
            return .not(try predicate(inner))
        case .and, .or:
            return try junction(expr)
        case .comparison(let op, let a, let b):
            return try comparison(op, a, b, at: expr.position)
        case .membership(let insensitive, let operand, let items):
            let value = try self.value(operand)
            var constants: [FieldValue] = []
            for item in items {
                guard let c = try self.value(item).constantValue else {
                    throw error("\"in\" lists must hold constants", at: item.position)
                }
                constants.append(c)
            }
            return .member(value, ValueSet(constants, caseInsensitive: insensitive))
        case .match(let op, let operand, let patternExprs):
            let value = try self.value(operand)
            var patterns: [String] = []
            for p in patternExprs {
                guard case .literal(.string(let s)) = p.kind else {
                    throw error("\"\(op.rawValue)\" needs string patterns", at: p.position)
                }
                patterns.append(s)
            }
            if op.isRegex {
                var matchers: [RegexMatcher] = []
                for (p, source) in zip(patternExprs, patterns) {
                    do {
                        matchers.append(try RegexMatcher(lucene: source, caseInsensitive: op.isCaseInsensitive))
                    } catch {
                        throw self.error(error.message, at: p.position)
                    }
                }
                return .match(value, PatternSet(regexes: matchers, caseInsensitive: op.isCaseInsensitive))
            }
            return .match(value, PatternSet(wildcards: patterns, caseInsensitive: op.isCaseInsensitive))
        case .arithmetic, .negate:
            throw error("a condition must be boolean, found an arithmetic expression", at: expr.position)
        case .call(let name, _, _):
            if let function = EQLFunction(name: name), !function.isPredicate {
                throw error("a condition must be boolean, found \(function.rawValue)(…), which is not", at: expr.position)
            }
            return .truthy(try value(expr))
        case .field:
            return .truthy(try value(expr))
        }
    }

    /// Flattens nested `and`/`or` chains and drops neutral constants.
    private mutating func junction(_ expr: Expr) throws(EQLError) -> Predicate {
        let isAnd: Bool
        if case .and = expr.kind { isAnd = true } else { isAnd = false }
        var operands: [Expr] = []
        func collect(_ e: Expr) {
            switch e.kind {
            case .and(let a, let b) where isAnd: collect(a); collect(b)
            case .or(let a, let b) where !isAnd: collect(a); collect(b)
            default: operands.append(e)
            }
        }
        collect(expr)
        var parts: [Predicate] = []
        for operand in operands {
            let p = try predicate(operand)
            switch p {
            case .constant(let b?) where b == isAnd: continue            // `true and x` → x
            case .constant(let b?) where b != isAnd: return .constant(b)  // `false and x` → false
            default: parts.append(p)
            }
        }
        if parts.isEmpty { return .constant(isAnd) }
        if parts.count == 1 { return parts[0] }
        return isAnd ? .and(parts) : .or(parts)
    }

    private mutating func comparison(_ op: ComparisonOperator, _ a: Expr, _ b: Expr, at position: SourcePosition)
        throws(EQLError) -> Predicate
    {
        var left = try value(a)
        var right = try value(b)
        var op = op
        if left.constantValue != nil, right.constantValue == nil {
            swap(&left, &right)
            op = op.mirrored
        }
        guard let constant = right.constantValue else {
            throw error("comparing a field with another field is not supported (\"\(op.rawValue)\" between "
                        + "\(a.referencedFields.first ?? "?") and \(b.referencedFields.first ?? "?"))", at: position)
        }
        if constant.isNull {
            switch op {
            case .equal: return .isNull(left)
            case .notEqual: return .not(.isNull(left))
            default: return .constant(nil)
            }
        }
        if op == .notEqual { return .not(leaf(.equal, left, constant)) }
        return leaf(op, left, constant)
    }

    private func leaf(_ op: ComparisonOperator, _ value: ValueExpr, _ constant: FieldValue) -> Predicate {
        if op == .equal, case .field(let slot) = value, case .string(let s) = constant {
            return .fieldEqualsString(slot, s)
        }
        return .compare(op, value, constant)
    }

    // MARK: values

    mutating func value(_ expr: Expr) throws(EQLError) -> ValueExpr {
        let compiled = try buildValue(expr)
        if case .constant = compiled { return compiled }
        if compiled.isConstant { return .constant(compiled.evaluate(emptyEvent)) }
        return compiled
    }

    private mutating func buildValue(_ expr: Expr) throws(EQLError) -> ValueExpr {
        switch expr.kind {
        case .literal(let v):
            return .constant(v)
        case .field(let name, let optional):
            if let slot = schema.slot(for: name) {
                if name == EQLCompiler.actionField { actionSlot = slot }
                if EQLCompiler.guardFields.contains(name) { guardSlotByField[name] = slot }
                return .field(slot)
            }
            if unknownSet.insert(name).inserted { unknownFields.append(name) }
            // An optional field unknown to the source is a null literal (ES); a plain one is a field
            // that is always missing, so negations still match.
            return optional ? .constant(.null) : .absentField
        case .arithmetic(let op, let a, let b):
            return .arithmetic(op, try value(a), try value(b))
        case .negate(let a):
            return .negate(try value(a))
        case .call(let name, let insensitive, let args):
            guard let function = EQLFunction(name: name) else {
                throw error("unknown function \"\(name)\"", at: expr.position)
            }
            var compiled: [ValueExpr] = []
            for arg in args { compiled.append(try value(arg)) }
            var cidrs: [CIDRBlock]?
            if function == .cidrMatch {
                let networks = compiled.dropFirst().compactMap(\.constantValue)
                if networks.count == compiled.count - 1 {
                    var blocks: [CIDRBlock] = []
                    for (arg, network) in zip(args.dropFirst(), networks) {
                        guard case .string(let text) = network, let block = CIDRBlock(text) else {
                            throw error("cidrMatch: invalid network \(Verifier.describe(network)); "
                                        + "expected e.g. \"10.0.0.0/8\" or \"fe80::/10\"", at: arg.position)
                        }
                        blocks.append(block)
                    }
                    cidrs = blocks
                }
            }
            return .call(FunctionCall(function: function, insensitive: insensitive, arguments: compiled, cidrs: cidrs))
        case .not, .and, .or, .comparison, .membership, .match:
            return .condition(try predicate(expr))
        }
    }
}
