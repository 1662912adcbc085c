import EventModel

/// Recursive-descent parser for Elasticsearch EQL. Query structure lives here; expressions
/// are in ExpressionParser.swift.
struct Parser {
    var tokens: [Token]
    var index = 0
    /// Current nesting of parentheses, `not` and unary minus; bounded so hostile input cannot
    /// exhaust the stack.
    var depth = 0
    static let maxDepth = 200

    /// Words that cannot be used as bare field names (ES reserves them too; use backticks).
    static let keywords: Set<String> = [
        "and", "or", "not", "in", "like", "regex", "where", "sequence", "sample", "by", "with", "until",
        "any", "true", "false", "null",
    ]

    init(_ text: String) throws(EQLError) {
        tokens = try Lexer.tokenize(text)
    }

    /// Parses a whole query. Throws `EQLError`.
    static func parse(_ text: String) throws -> QueryAST {
        var parser = try Parser(text)
        return try parser.parseQuery()
    }

    /// Parses a standalone expression (used by constant-folding tests and tools).
    static func parseExpression(_ text: String) throws -> Expr {
        var parser = try Parser(text)
        let expr = try parser.parseExpression()
        try parser.expectEnd("an operator")
        return expr
    }

    // MARK: token helpers

    var current: Token { tokens[index] }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String, at position: SourcePosition? = nil) -> EQLError {
        let p = position ?? current.position
        return EQLError(line: p.line, column: p.column, message: message)
    }

    func unexpected(_ expected: String) -> EQLError {
        error("expected \(expected) but found \(current.display)")
    }

    func isName(_ word: String) -> Bool {
        if case .name(word) = current.kind { return true }
        return false
    }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(symbol) = current.kind { return true }
        return false
    }

    mutating func expectName(_ word: String) throws(EQLError) {
        guard isName(word) else { throw unexpected("\"\(word)\"") }
        advance()
    }

    mutating func expectSymbol(_ symbol: String, _ expected: String? = nil) throws(EQLError) {
        guard isSymbol(symbol) else { throw unexpected(expected ?? "\"\(symbol)\"") }
        advance()
    }

    mutating func expectEnd(_ expected: String) throws(EQLError) {
        guard current.kind == .end else { throw unexpected("\(expected) or end of query") }
    }

    // MARK: query structure

    mutating func parseQuery() throws(EQLError) -> QueryAST {
        let body: QueryAST.Body
        if current.kind == .end { throw error("empty query: expected an event query, \"sequence\" or \"sample\"") }
        if isName("sequence") {
            body = .sequence(try parseSequence())
        } else if isName("sample") {
            body = .sample(try parseSample())
        } else if isName("join") {
            throw error("\"join\" is not supported by Elasticsearch EQL; use \"sequence\"")
        } else {
            body = .event(try parseEventFilter())
        }
        var pipes: [PipeAST] = []
        while isSymbol("|") {
            let position = current.position
            advance()
            pipes.append(try parsePipe(at: position))
        }
        try expectEnd(pipes.isEmpty ? "\"and\", \"or\", another operator, \"|\"" : "\"|\"")
        return QueryAST(body: body, pipes: pipes)
    }

    /// `category where condition`
    mutating func parseEventFilter() throws(EQLError) -> EventFilterAST {
        let position = current.position
        let category: String?
        switch current.kind {
        case .name("any"): category = nil
        case .name(let name) where !Parser.keywords.contains(name) && !name.contains("."): category = name
        case .string(let s): category = s
        default: throw unexpected("an event category (e.g. process, \"any\" or a quoted category)")
        }
        advance()
        guard isName("where") else {
            throw unexpected("\"where\" after the event category")
        }
        advance()
        let condition = try parseExpression()
        return EventFilterAST(category: category, condition: condition, position: position)
    }

    mutating func parseSequence() throws(EQLError) -> SequenceAST {
        let position = current.position
        advance()
        var keys: [Expr] = []
        var maxspan: Int64?
        if isName("by") {
            advance()
            keys = try parseKeys()
        }
        if isName("with") {
            advance()
            maxspan = try parseMaxspan()
            if isName("by") { throw error("\"by\" must come before \"with maxspan\" in a sequence") }
        }
        var stages: [StageAST] = []
        while isSymbol("[") || isSymbol("!") {
            stages.append(try parseStage(allowMissing: true))
        }
        if stages.isEmpty { throw unexpected("\"[\" to start a sequence stage") }
        var until: StageAST?
        if isName("until") {
            advance()
            until = try parseStage(allowMissing: true)
        }
        return SequenceAST(keys: keys, maxspanNanos: maxspan, stages: stages, until: until, position: position)
    }

    mutating func parseSample() throws(EQLError) -> SampleAST {
        let position = current.position
        advance()
        var keys: [Expr] = []
        if isName("by") {
            advance()
            keys = try parseKeys()
        }
        var stages: [StageAST] = []
        while isSymbol("[") || isSymbol("!") {
            stages.append(try parseStage(allowMissing: false))
        }
        if stages.isEmpty { throw unexpected("\"[\" to start a sample filter") }
        return SampleAST(keys: keys, stages: stages, position: position)
    }

    /// `[filter] [by k…] [with runs=N]`, `![filter] …` when allowed.
    mutating func parseStage(allowMissing: Bool) throws(EQLError) -> StageAST {
        let position = current.position
        var isMissing = false
        if isSymbol("!") {
            guard allowMissing else { throw error("missing events \"![…]\" are only allowed in sequences") }
            isMissing = true
            advance()
        }
        try expectSymbol("[", "\"[\" to start a stage")
        let filter = try parseEventFilter()
        try expectSymbol("]", "\"]\" to close the stage, or an operator")
        var keys: [Expr] = []
        var runs: Int?
        var runsPosition: SourcePosition?
        for _ in 0..<2 {
            if isName("by"), keys.isEmpty {
                advance()
                keys = try parseKeys()
            } else if isName("with"), runs == nil {
                advance()
                guard isName("runs") else {
                    if isName("maxspan") { throw error("\"with maxspan\" belongs after \"sequence [by …]\", not after a stage") }
                    throw unexpected("\"runs\" after \"with\"")
                }
                runsPosition = current.position
                advance()
                try expectSymbol("=")
                guard case .integer(let n) = current.kind else { throw unexpected("an integer for runs") }
                runs = Int(clamping: n)
                advance()
            }
        }
        return StageAST(filter: filter, keys: keys, runs: runs, runsPosition: runsPosition, isMissing: isMissing,
                        position: position)
    }

    /// `k1, k2, …` after `by`.
    mutating func parseKeys() throws(EQLError) -> [Expr] {
        var keys = [try parseAdditive()]
        while isSymbol(",") {
            advance()
            keys.append(try parseAdditive())
        }
        return keys
    }

    /// `maxspan=N unit` → nanoseconds.
    mutating func parseMaxspan() throws(EQLError) -> Int64 {
        guard isName("maxspan") else {
            if isName("runs") { throw error("\"with runs\" belongs after a stage, not after \"sequence\"") }
            throw unexpected("\"maxspan\" after \"with\"")
        }
        advance()
        try expectSymbol("=")
        let valuePosition = current.position
        let value: Int64
        switch current.kind {
        case .integer(let n): value = n
        case .decimal: throw error("maxspan must be a whole number followed by a unit (ms, s, m, h, d)")
        case .symbol("-"): throw error("maxspan must be a positive integer")
        default: throw unexpected("a time span such as 5s, 1m or 500ms")
        }
        advance()
        guard case .name(let unit) = current.kind else {
            throw error("no time unit specified for maxspan=\(value); use ms, s, m, h or d", at: valuePosition)
        }
        let scale: Int64
        switch unit {
        case "ms": scale = 1_000_000
        case "s": scale = 1_000_000_000
        case "m": scale = 60_000_000_000
        case "h": scale = 3_600_000_000_000
        case "d": scale = 86_400_000_000_000
        default: throw error("unknown time unit \"\(unit)\" for maxspan; use ms, s, m, h or d")
        }
        advance()
        guard value > 0 else { throw error("maxspan must be greater than 0", at: valuePosition) }
        let (nanos, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw error("maxspan=\(value)\(unit) is too large", at: valuePosition) }
        return nanos
    }

    mutating func parsePipe(at position: SourcePosition) throws(EQLError) -> PipeAST {
        guard case .name(let name) = current.kind else { throw unexpected("a pipe name (head or tail)") }
        guard let kind = PipeAST.Kind(rawValue: name) else {
            throw error("unknown pipe \"\(name)\": Elasticsearch EQL supports only head and tail")
        }
        advance()
        let count: Int
        switch current.kind {
        case .integer(let n):
            count = Int(clamping: n)
            advance()
        case .symbol("-"):
            throw error("\(name) needs a non-negative integer")
        case .end, .symbol("|"):
            count = 10
        default:
            throw unexpected("a non-negative integer after \(name)")
        }
        return PipeAST(kind: kind, count: count, position: position)
    }
}
