import EventModel

/// Rejects what Elasticsearch rejects after parsing: field-vs-field comparisons, non-constant
/// patterns and lists, unknown functions, wrong arity or constant argument types, bad stage
/// and join-key counts, out-of-range `runs`, missing events without `maxspan`, pipes on samples.
enum Verifier {
    static let maxRuns = 100
    static let maxSampleFilters = 5

    static func verify(_ query: QueryAST) throws {
        switch query.body {
        case .event(let filter):
            try verify(filter)
        case .sequence(let sequence):
            try verify(sequence)
        case .sample(let sample):
            try verify(sample)
            if let pipe = query.pipes.first {
                throw error("sample queries accept no pipes", at: pipe.position)
            }
        }
    }

    static func error(_ message: String, at position: SourcePosition) -> EQLError {
        EQLError(line: position.line, column: position.column, message: message)
    }

    static func verify(_ filter: EventFilterAST) throws(EQLError) {
        try verify(filter.condition)
    }

    static func verify(_ sequence: SequenceAST) throws(EQLError) {
        for key in sequence.keys { try verify(key) }
        var expanded = 0
        var positives = 0
        for stage in sequence.stages {
            try verify(stage)
            let runs = stage.runs ?? 1
            expanded += runs
            if !stage.isMissing { positives += runs }
        }
        if let until = sequence.until { try verify(until) }
        guard expanded >= 2 else {
            throw error("a sequence needs at least 2 stages (counting runs), found \(expanded)", at: sequence.position)
        }
        guard positives >= 1 else {
            throw error("a sequence needs at least one stage that is not a missing event ![…]", at: sequence.position)
        }
        if sequence.maxspanNanos == nil, let missing = sequence.stages.first(where: \.isMissing) {
            throw error("missing events ![…] require \"with maxspan=…\" on the sequence", at: missing.position)
        }
        try checkKeyCounts(sequence.stages + (sequence.until.map { [$0] } ?? []), shared: sequence.keys.count)
    }

    static func verify(_ sample: SampleAST) throws(EQLError) {
        for key in sample.keys { try verify(key) }
        for stage in sample.stages {
            try verify(stage)
            if let position = stage.runsPosition { throw error("\"with runs\" is not allowed in a sample", at: position) }
        }
        guard sample.stages.count <= maxSampleFilters else {
            throw error("a sample accepts at most \(maxSampleFilters) filters, found \(sample.stages.count)",
                        at: sample.stages[maxSampleFilters].position)
        }
        if sample.keys.isEmpty, sample.stages.allSatisfy({ $0.keys.isEmpty }) {
            throw error("a sample needs join keys: \"sample by …\" or \"[…] by …\"", at: sample.position)
        }
        try checkKeyCounts(sample.stages, shared: sample.keys.count)
    }

    static func verify(_ stage: StageAST) throws(EQLError) {
        try verify(stage.filter)
        for key in stage.keys { try verify(key) }
        if let runs = stage.runs, let position = stage.runsPosition, !(1...maxRuns).contains(runs) {
            throw error("runs must be between 1 and \(maxRuns), found \(runs)", at: position)
        }
    }

    /// Every stage must contribute the same number of join keys (positional matching).
    static func checkKeyCounts(_ stages: [StageAST], shared: Int) throws(EQLError) {
        guard let first = stages.first else { return }
        for stage in stages.dropFirst() where stage.keys.count != first.keys.count {
            throw error("inconsistent number of join keys: expected \(shared + first.keys.count) "
                        + "(as in the first stage) but found \(shared + stage.keys.count)", at: stage.position)
        }
    }

    static func verify(_ expr: Expr) throws(EQLError) {
        switch expr.kind {
        case .literal, .field:
            break
        case .not(let e), .negate(let e):
            try verify(e)
        case .and(let a, let b), .or(let a, let b):
            try verify(a)
            try verify(b)
        case .arithmetic(let op, let a, let b):
            try verify(a)
            try verify(b)
            for side in [a, b] {
                if case .literal(let v) = side.kind, !v.isNull, !v.isNumber {
                    throw error("arithmetic \"\(op.rawValue)\" needs numbers, found \(describe(v))", at: side.position)
                }
            }
        case .comparison(let op, let a, let b):
            try verify(a)
            try verify(b)
            // `?x == ?y` is legal when the optional fields are unknown (they become null); the
            // compiler rejects it if both resolve to real fields.
            if a.containsRequiredField, b.containsRequiredField {
                throw error("comparing a field with another field is not supported (\"\(op.rawValue)\" between "
                            + "\(a.referencedFields[0]) and \(b.referencedFields[0]))", at: expr.position)
            }
        case .match(let op, let operand, let patterns):
            try verify(operand)
            for pattern in patterns {
                guard case .literal(let v) = pattern.kind, v.stringValue != nil else {
                    throw error("\"\(op.rawValue)\" needs string patterns, found \(describeExpr(pattern))",
                                at: pattern.position)
                }
            }
        case .membership(_, let operand, let items):
            try verify(operand)
            for item in items {
                try verify(item)
                if item.containsField {
                    throw error("\"in\" lists must hold constants; found the field \(item.referencedFields[0])",
                                at: item.position)
                }
            }
        case .call(let name, let insensitive, let args):
            for arg in args { try verify(arg) }
            try verifyCall(name: name, insensitive: insensitive, args: args, at: expr.position)
        }
    }

    static func verifyCall(name: String, insensitive: Bool, args: [Expr], at position: SourcePosition) throws(EQLError) {
        guard let function = EQLFunction(name: name) else {
            throw error("unknown function \"\(name)\"", at: position)
        }
        if insensitive, !function.acceptsInsensitive {
            throw error("\(function.rawValue) has no case-insensitive form \"\(name)~\"", at: position)
        }
        let (lo, hi) = function.arity
        if args.count < lo || (hi.map { args.count > $0 } ?? false) {
            throw error("\(function.rawValue) takes \(function.arityDescription), found \(args.count)", at: position)
        }
        for (i, arg) in args.enumerated() {
            guard case .literal(let v) = arg.kind, !v.isNull else { continue }
            let ok: Bool
            switch function.argumentKind(at: i) {
            case .string: ok = v.stringValue != nil
            case .number: ok = v.isNumber
            case .integer: if case .int = v { ok = true } else { ok = false }
            case .boolean: if case .bool = v { ok = true } else { ok = false }
            case .any: ok = true
            }
            if !ok {
                throw error("argument \(i + 1) of \(function.rawValue) has the wrong type: \(describe(v))",
                            at: arg.position)
            }
        }
        if function == .divide || function == .modulo, args.count == 2, case .literal(let v) = args[1].kind,
            v.intValue == 0
        {
            throw error("\(function.rawValue) by zero", at: args[1].position)
        }
    }

    static func describe(_ v: FieldValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .int(let i): return "number \(i)"
        case .double(let d): return "number \(d)"
        case .string(let s): return "string \"\(s)\""
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    static func describeExpr(_ e: Expr) -> String {
        switch e.kind {
        case .literal(let v): return describe(v)
        case .field(let name, _): return "the field \(name)"
        case .call(let name, _, _): return "a call to \(name)"
        default: return "an expression"
        }
    }
}

extension FieldValue {
    var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }
}
