import EventModel

/// Compiles EQL query text against a field schema.
///
///     let query = try EQLCompiler(schema: catalog).compile("process where process.name == \"sh\"")
///
/// Stages: `Parser` (syntax) → `Verifier` (what Elasticsearch rejects) → slot resolution,
/// constant folding and matcher construction. Every failure is an `EQLError` with line:column.
public struct EQLCompiler {
    var schema: any FieldSchema

    /// The field holding the event category (`category where …`).
    public static let categoryField = "event.category"
    /// The field `ActionConstraint` is about.
    static let actionField = "event.action"
    /// Fields whose required values index rules beyond category and action (``CompiledFilter/guards``), most
    /// selective first: detection rules mostly pick a handful of program or file names out of every exec or open.
    static let guardFields = ["process.name", "process.parent.name", "process.executable", "file.name",
                              "file.extension", "file.path", "auditd.data.syscall", "process.args"]

    public init(schema: any FieldSchema) {
        self.schema = schema
    }

    /// Parses, verifies and compiles `query`. Throws `EQLError`. (Untyped `throws` on purpose:
    /// Swift 6.3 crashes compiling `catch let e as EQLError` against a typed-throws callee.)
    public func compile(_ query: String) throws -> CompiledQuery {
        try compile(Parser.parse(query))
    }

    /// Verifies and compiles an already parsed query. Throws `EQLError`.
    func compile(_ ast: QueryAST) throws -> CompiledQuery {
        try Verifier.verify(ast)  // the evaluators rely on verified arities and constant patterns
        var expressions = ExpressionCompiler(schema: schema)
        let body: CompiledQuery.Body
        switch ast.body {
        case .event(let filter):
            body = .event(try compile(filter, &expressions))
        case .sequence(let sequence):
            var stages: [CompiledStage] = []
            for stage in sequence.stages {
                stages.append(try compile(stage, sharedKeys: sequence.keys, &expressions))
            }
            var until: CompiledStage?
            if let u = sequence.until { until = try compile(u, sharedKeys: sequence.keys, &expressions) }
            body = .sequence(CompiledSequence(stages: stages, until: until, maxspanNanos: sequence.maxspanNanos))
        case .sample(let sample):
            var stages: [CompiledStage] = []
            for stage in sample.stages {
                stages.append(try compile(stage, sharedKeys: sample.keys, &expressions))
            }
            body = .sample(CompiledSample(stages: stages))
        }
        let pipes = ast.pipes.map { pipe -> CompiledQuery.Pipe in
            pipe.kind == .head ? .head(pipe.count) : .tail(pipe.count)
        }
        return CompiledQuery(body: body, pipes: pipes, unknownFields: expressions.unknownFields)
    }

    /// Folds a constant expression with three-valued logic (`"null and true"` → `.null`,
    /// `concat("a", 1)` → `"a1"`). Field references evaluate as missing.
    func evaluateConstant(_ expression: String) throws -> FieldValue {
        let expr = try Parser.parseExpression(expression)
        try Verifier.verify(expr)
        var expressions = ExpressionCompiler(schema: schema)
        return try expressions.value(expr).evaluate(SlotEvent(values: [], timestamp: 0, ordinal: 0))
    }

    private func compile(_ filter: EventFilterAST, _ expressions: inout ExpressionCompiler) throws(EQLError)
        -> CompiledFilter
    {
        let condition = try expressions.predicate(filter.condition)
        return CompiledFilter(category: filter.category, categorySlot: schema.slot(for: Self.categoryField),
                              condition: condition, actionSlot: expressions.actionSlot,
                              guardSlots: expressions.guardSlots)
    }

    private func compile(_ stage: StageAST, sharedKeys: [Expr], _ expressions: inout ExpressionCompiler)
        throws(EQLError) -> CompiledStage
    {
        let filter = try compile(stage.filter, &expressions)
        var keys: [KeyExpression] = []
        for key in sharedKeys + stage.keys {
            let optional: Bool
            if case .field(_, let isOptional) = key.kind { optional = isOptional } else { optional = false }
            keys.append(KeyExpression(text: key.sourceText, isOptional: optional, value: try expressions.value(key)))
        }
        return CompiledStage(filter: filter, keys: keys, runs: stage.runs ?? 1, isMissing: stage.isMissing)
    }
}

extension Expr {
    /// A readable rendering for key names and diagnostics (not a round-trip printer).
    var sourceText: String {
        switch kind {
        case .field(let name, let optional): return (optional ? "?" : "") + name
        case .literal(let v): return ValueSemantics.text(v) ?? "null"
        case .call(let name, let insensitive, let args):
            return name + (insensitive ? "~" : "") + "(" + args.map(\.sourceText).joined(separator: ", ") + ")"
        case .arithmetic(let op, let a, let b): return "\(a.sourceText) \(op.rawValue) \(b.sourceText)"
        case .negate(let a): return "-\(a.sourceText)"
        default: return "expression"
        }
    }
}
