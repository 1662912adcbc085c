import EQL
import Rules

/// Whether audit data (normalizer + process enrichment) can serve every field a rule reads: `auspex check
/// --coverage`. A field counts as served when the rule's view (auditd or Defend, from its `index`) gives it a slot.
struct RuleCoverage: Sendable {
    enum Level: String, Sendable {
        /// Every field the query reads can come from audit.
        case all
        /// Some fields can, `missing` cannot.
        case some
        /// None of them can (or the query reads no field audit has).
        case none
    }

    let file: String
    let name: String
    let view: SourceView
    let level: Level
    /// Fields the rule reads, in first-use order.
    let fields: [String]
    /// Fields no audit document carries (conditions on them see null).
    let missing: [String]

    /// The coverage of each rule, compiled afresh against the audit schema while recording the fields it reads.
    /// Rules whose query does not compile are left out (the loader/compiler diagnostics report them).
    static func of(_ rules: [LoadedRule]) -> [RuleCoverage] {
        let builder = ECSSchemaBuilder()
        return rules.compactMap { rule in
            let view = SourceView(indexPatterns: rule.index)
            let recorder = RecordingSchema(inner: builder.schema(for: view))
            guard let query = try? EQLCompiler(schema: recorder).compile(rule.query) else { return nil }
            let missing = Set(query.unknownFields)
            // The compiler reads event.category for every `category where`; it counts only when written out.
            let fields = recorder.box.fields.filter {
                $0 != EQLCompiler.categoryField || rule.query.contains(EQLCompiler.categoryField)
            }
            let level: Level = missing.isEmpty ? .all : (fields.allSatisfy(missing.contains) ? .none : .some)
            return RuleCoverage(file: rule.file, name: rule.name, view: view, level: level, fields: fields,
                                missing: fields.filter(missing.contains))
        }
    }

    /// One line per rule: `all  file`, `some file (missing: a, b)`.
    var line: String {
        let padded = level.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
        return padded + file + (missing.isEmpty ? "" : " (missing: " + missing.joined(separator: ", ") + ")")
    }

    /// Prints the coverage of `rules`, one line each, then the summary (`auspex check --coverage`).
    static func print(_ rules: [LoadedRule]) {
        let coverage = of(rules)
        for rule in coverage { Swift.print(rule.line) }
        Swift.print(summary(coverage))
    }

    /// `coverage: N all, N some, N none`.
    static func summary(_ coverage: [RuleCoverage]) -> String {
        let count = { (level: Level) in coverage.filter { $0.level == level }.count }
        return "coverage: \(count(.all)) all, \(count(.some)) some, \(count(.none)) none"
    }
}

/// Passes slot requests through and remembers every distinct field name asked for.
private struct RecordingSchema: FieldSchema {
    final class Box { var fields: [String] = []; var seen: Set<String> = [] }
    let inner: any FieldSchema
    let box = Box()

    func slot(for field: String) -> Int? {
        if box.seen.insert(field).inserted { box.fields.append(field) }
        return inner.slot(for: field)
    }
}
