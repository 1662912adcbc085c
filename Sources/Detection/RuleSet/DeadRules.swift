import EQL
import Events
import Rules

/// Rules that can never match: in every view the rule is evaluated in, some filter it needs (an event query's, a
/// sequence's stages other than `![…]` and `until`, every sample stage) requires an `event.category`,
/// `event.action` or `event.type` value that view never produces, or a field no source produces. `auspex check`
/// reports each with its reason.
struct DeadRule: Sendable, Equatable {
    let file: String
    let name: String
    /// Where the rule's query starts.
    let location: SourceLocation
    /// Why, per view: `auditd view: event.action must be one of exec, start; that view writes none of them`.
    let reasons: [String]

    var reason: String { reasons.joined(separator: "; ") }

    /// The values each view can give the three fields (the Defend view relabels module loads `process`, writes
    /// `info` for a refused file change or exec, `start`/`change`/`creation` for forks, sessions and new files).
    static func produced(_ field: String, in view: SourceView) -> Set<String> {
        let values = ProducedValues.values(of: field, defendView: view == .defend)
        switch (field, view) {
        case ("event.type", .defend): return values.union(["info", "start", "change", "creation"])
        case ("event.category", .defend): return values.union(DefendVocabulary.relabeledAuditCategories.keys)
        default: return values
        }
    }

    static let checkedFields = ["event.category", "event.action", "event.type"]

    /// The rules of `rules` that can never match, in order. `views` chooses the views a rule is evaluated in
    /// (the engine's choice by default). Rules whose query does not compile are left out (the compiler reports them).
    static func find(in rules: [LoadedRule],
                            views: (LoadedRule) -> [SourceView] = { SourceView.views(indexPatterns: $0.index) })
        -> [DeadRule] {
        rules.compactMap { rule in
            var reasons: [String] = []
            for view in views(rule) {
                let builder = ECSSchemaBuilder()
                let schema = builder.schema(for: view)
                guard let query = try? EQLCompiler(schema: schema).compile(rule.query) else { return nil }
                guard let reason = reason(query, schema: schema, view: view) else { return nil }
                reasons.append("\(view.rawValue) view: " + reason)
            }
            return reasons.isEmpty ? nil : DeadRule(file: rule.file, name: rule.name, location: rule.queryLocation, reasons: reasons)
        }
    }

    /// Why `query` can never match in `view`, nil when it may.
    static func reason(_ query: CompiledQuery, schema: any FieldSchema, view: SourceView) -> String? {
        // event.action holds one value, so its conjuncts intersect; the category and type are lists.
        let fields = checkedFields.compactMap { field in
            schema.slot(for: field).map { (field: field, slot: $0, values: produced(field, in: view), singleValued: field == "event.action") }
        }
        return query.neverMatchReason(categories: produced("event.category", in: view), produced: fields)
    }

    /// As `auspex check` prints it: a warning at the rule's query.
    var diagnostic: Diagnostic {
        .warning(file, location, "'\(name)' can never match: \(reason)")
    }
}
