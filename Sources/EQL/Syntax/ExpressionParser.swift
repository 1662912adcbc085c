import EventModel

// Expression grammar, loosest binding first:
//   or → and → not → comparison (non-associative) → predicate (in, :, like, regex) → + - → * / % → unary → primary

extension Parser {
    mutating func parseExpression() throws(EQLError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maxDepth else {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)")
        }
        var operands = [try parseAnd()]
        while isName("or") {
            advance()
            operands.append(try parseAnd())
        }
        return balanced(operands) { .or($0, $1) }
    }

    mutating func parseAnd() throws(EQLError) -> Expr {
        var operands = [try parseNot()]
        while isName("and") {
            advance()
            operands.append(try parseNot())
        }
        return balanced(operands) { .and($0, $1) }
    }

    /// Joins a chain `a or b or c …` into a balanced tree (same order, log depth), so rules with
    /// hundreds of alternatives do not make later passes recurse hundreds of levels deep.
    private func balanced(_ operands: [Expr], _ join: (Expr, Expr) -> Expr.Kind) -> Expr {
        if operands.count == 1 { return operands[0] }
        let middle = operands.count / 2
        let left = balanced(Array(operands[..<middle]), join)
        let right = balanced(Array(operands[middle...]), join)
        return Expr(join(left, right), left.position)
    }

    mutating func parseNot() throws(EQLError) -> Expr {
        if isName("not") {
            let position = current.position
            advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Parser.maxDepth else {
                throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)")
            }
            return Expr(.not(try parseNot()), position)
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(EQLError) -> Expr {
        let left = try parsePredicate()
        guard let op = comparisonOperator() else {
            if isSymbol("=") { throw error("\"=\" is not an operator; use \"==\" to compare") }
            return left
        }
        let position = current.position
        advance()
        let right = try parsePredicate()
        if comparisonOperator() != nil {
            throw error("chained comparisons are not supported; combine them with \"and\"")
        }
        return Expr(.comparison(op, left, right), position)
    }

    private func comparisonOperator() -> ComparisonOperator? {
        guard case .symbol(let s) = current.kind else { return nil }
        return ComparisonOperator(rawValue: s)
    }

    /// `x in (…)`, `x not in (…)`, `x : …`, `x like …`, `x regex …` (and `~` forms).
    mutating func parsePredicate() throws(EQLError) -> Expr {
        let operand = try parseAdditive()
        let position = current.position
        switch current.kind {
        case .name("in"), .tildeName("in"):
            let insensitive = current.kind == .tildeName("in")
            advance()
            return Expr(.membership(caseInsensitive: insensitive, operand, try parseList(required: true)), position)
        case .name("not"):
            // `x not in (…)`; plain `not` after an operand is otherwise a syntax error.
            let next = tokens[min(index + 1, tokens.count - 1)].kind
            guard next == .name("in") || next == .tildeName("in") else {
                throw unexpected("\"in\" after \"not\" (or \"and\"/\"or\" before it)")
            }
            advance()
            advance()
            let list = try parseList(required: true)
            let membership = Expr(.membership(caseInsensitive: next == .tildeName("in"), operand, list), position)
            return Expr(.not(membership), position)
        case .symbol(":"):
            advance()
            return Expr(.match(.insensitiveEquals, operand, try parseList(required: false)), position)
        case .name("like"), .tildeName("like"), .name("regex"), .tildeName("regex"):
            let op: MatchOperator
            switch current.kind {
            case .name("like"): op = .like
            case .tildeName("like"): op = .likeInsensitive
            case .name("regex"): op = .regex
            default: op = .regexInsensitive
            }
            advance()
            return Expr(.match(op, operand, try parseList(required: false)), position)
        default:
            return operand
        }
    }

    /// `(e1, e2, …)`, or a single operand when a list is not required.
    mutating func parseList(required: Bool) throws(EQLError) -> [Expr] {
        guard isSymbol("(") else {
            if required { throw unexpected("\"(\" to start a list") }
            return [try parseAdditive()]
        }
        advance()
        var items = [try parseExpression()]
        while isSymbol(",") {
            advance()
            if isSymbol(")") { break }  // a trailing comma is harmless
            items.append(try parseExpression())
        }
        try expectSymbol(")", "\",\" or \")\" in the list")
        return items
    }

    mutating func parseAdditive() throws(EQLError) -> Expr {
        var left = try parseMultiplicative()
        var length = 0
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            let position = current.position
            length += 1
            if length > Parser.maxDepth { throw error("arithmetic chain too long (more than \(Parser.maxDepth) operators)") }
            advance()
            left = Expr(.arithmetic(ArithmeticOperator(rawValue: s)!, left, try parseMultiplicative()), position)
        }
        return left
    }

    mutating func parseMultiplicative() throws(EQLError) -> Expr {
        var left = try parseUnary()
        var length = 0
        while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "%" {
            let position = current.position
            length += 1
            if length > Parser.maxDepth { throw error("arithmetic chain too long (more than \(Parser.maxDepth) operators)") }
            advance()
            left = Expr(.arithmetic(ArithmeticOperator(rawValue: s)!, left, try parseUnary()), position)
        }
        return left
    }

    mutating func parseUnary() throws(EQLError) -> Expr {
        let position = current.position
        if isSymbol("-") {
            advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Parser.maxDepth else {
                throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)")
            }
            let operand = try parseUnary()
            // Fold negative literals right away so `-3` is a constant everywhere (lists, runs, …).
            switch operand.kind {
            case .literal(.int(let i)): return Expr(.literal(.int(0 &- i)), position)
            case .literal(.double(let d)): return Expr(.literal(.double(-d)), position)
            default: return Expr(.negate(operand), position)
            }
        }
        if isSymbol("+") {
            while isSymbol("+") { advance() }
            return try parseUnary()
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(EQLError) -> Expr {
        let position = current.position
        switch current.kind {
        case .string(let s):
            advance()
            return Expr(.literal(.string(s)), position)
        case .integer(let i):
            advance()
            return Expr(.literal(.int(i)), position)
        case .decimal(let d):
            advance()
            return Expr(.literal(.double(d)), position)
        case .symbol("("):
            advance()
            let inner = try parseExpression()
            try expectSymbol(")", "\")\" or an operator")
            return inner
        case .symbol("?"):
            advance()
            switch current.kind {
            case .name(let name) where !Parser.keywords.contains(name):
                advance()
                return Expr(.field(name: name, optional: true), position)
            case .quotedName(let name):
                advance()
                return Expr(.field(name: name, optional: true), position)
            case .string:
                throw error("?\"…\" raw strings are not supported; use \"\"\"…\"\"\"", at: position)
            default:
                throw unexpected("a field name after \"?\"")
            }
        case .quotedName(let name):
            advance()
            return Expr(.field(name: name, optional: false), position)
        case .tildeName(let name):
            advance()
            guard isSymbol("(") else { throw unexpected("\"(\" after the function name \(name)~") }
            return Expr(.call(name: name, insensitive: true, arguments: try parseArguments()), position)
        case .name("true"):
            advance()
            return Expr(.literal(.bool(true)), position)
        case .name("false"):
            advance()
            return Expr(.literal(.bool(false)), position)
        case .name("null"):
            advance()
            return Expr(.literal(.null), position)
        case .name(let name) where !Parser.keywords.contains(name):
            advance()
            if isSymbol("(") {
                return Expr(.call(name: name, insensitive: false, arguments: try parseArguments()), position)
            }
            return Expr(.field(name: name, optional: false), position)
        default:
            throw unexpected("a field, value or function call")
        }
    }

    /// `(a, b, …)` after a function name; may be empty.
    mutating func parseArguments() throws(EQLError) -> [Expr] {
        try expectSymbol("(")
        var args: [Expr] = []
        if isSymbol(")") {
            advance()
            return args
        }
        args.append(try parseExpression())
        while isSymbol(",") {
            advance()
            args.append(try parseExpression())
        }
        try expectSymbol(")", "\",\" or \")\" after the function argument")
        return args
    }
}
