import EQL
import Rules

/// The detection rules in force: compiled against one ECS schema and indexed by category and action. Immutable;
/// a reload builds a new one and swaps it in only when it compiled without errors.
public struct RuleSet: Sendable {
    let rules: [CompiledRule]
    /// Rules in the set (each compiled in one view or both).
    public var count: Int { rules.count }
    /// The slot table every event is converted with for these rules.
    let schema: ECSSchema
    /// The index over ``matchers``: its rule numbers are positions in that list.
    let index: RuleIndex
    /// Every (rule, view) pair the engine runs, in rule order: one per rule, two for a rule evaluated in both views.
    let matchers: [(rule: Int, evaluation: Int)]
    /// Some rule is evaluated in two views: the engine then merges matches of the same events.
    let hasMultiViewRules: Bool
    /// Per matcher (same order as ``matchers``), the exception items that keep events from it, compiled in its view.
    let exceptions: [RuleExceptions]

    /// A set with no rules (the daemon still reads and counts events).
    static let empty = RuleSet(rules: [], schema: ECSSchema())

    init(rules: [CompiledRule], schema: ECSSchema, exceptions: [RuleExceptions] = []) {
        self.rules = rules
        self.schema = schema
        let matchers: [(rule: Int, evaluation: Int)] = rules.indices.flatMap { rule in
            rules[rule].evaluations.indices.map { (rule: rule, evaluation: $0) }
        }
        self.matchers = matchers
        self.hasMultiViewRules = matchers.count > rules.count
        self.index = RuleIndex(rules: matchers.map { rules[$0.rule].evaluations[$0.evaluation].indexEntry })
        self.exceptions = exceptions.count == matchers.count ? exceptions : matchers.map { _ in .none }
        self.hasExceptions = self.exceptions.contains { !$0.isEmpty }
    }

    /// True when some rule has exception items (the engine skips the test otherwise).
    let hasExceptions: Bool

    /// A schema per source view (audit, Defend), as rules compile against: for compiling raw queries the same way
    /// (the EQL fuzz target).
    public static func viewSchemas() -> [any FieldSchema] {
        let builder = ECSSchemaBuilder()
        return [SourceView.auditd, .defend].map { builder.schema(for: $0) }
    }

    /// Compiles loaded rules. A rule whose query does not compile is left out with an error located in its file;
    /// rules that test fields audit never produces, or use batch-only pipes, compile with a warning.
    /// `attachToRules`: `LIST_ID=TARGET` entries (`[exceptions] attach_to_rules`), TARGET a rule id or a tag.
    public static func compile(_ loaded: [LoadedRule], exceptions: ExceptionLists = ExceptionLists(),
                               attachToAllRules: [String] = [], attachToRules: [String] = []) -> (ruleSet: RuleSet, diagnostics: [Diagnostic]) {
        let builder = ECSSchemaBuilder()
        var compiled: [CompiledRule] = []
        var compiledExceptions: [RuleExceptions] = []
        var diagnostics: [Diagnostic] = []
        ruleLoop: for rule in loaded {
            var evaluations: [CompiledRule.Evaluation] = []
            for view in SourceView.views(indexPatterns: rule.index) {
                do {
                    let query = try EQLCompiler(schema: builder.schema(for: view)).compile(rule.query)
                    evaluations.append(CompiledRule.Evaluation(view: view, query: query))
                } catch let error as EQLError {
                    let location = rule.fileLocation(ofQueryLine: error.line, column: error.column)
                    diagnostics.append(.error(rule.file, location, "query: \(error.message)"))
                    continue ruleLoop
                } catch {
                    diagnostics.append(.error(rule.file, rule.queryLocation, "query: \(error)"))
                    continue ruleLoop
                }
            }
            let query = evaluations[0].query
            if let first = query.unknownFields.first {
                diagnostics.append(.warning(rule.file, location(of: first, in: rule),
                    "the audit source never produces " + query.unknownFields.map { "'\($0)'" }.joined(separator: ", ")
                    + "; conditions on \(query.unknownFields.count == 1 ? "it" : "them") see null"
                    + " and the rule may never match"))
            }
            if query.hasPipes {
                diagnostics.append(.warning(rule.file, rule.queryLocation,
                    "pipes (| head, | tail) select among batch results; a streaming engine ignores them"))
            }
            compiled.append(CompiledRule(source: rule, evaluations: evaluations))
            for evaluation in evaluations {
                compiledExceptions.append(exceptions.exceptions(for: rule, attachToAllRules: attachToAllRules,
                                                                attachToRules: attachToRules,
                                                                schema: builder.schema(for: evaluation.view)))
            }
        }
        return (RuleSet(rules: compiled, schema: builder.freeze(), exceptions: compiledExceptions), diagnostics)
    }

    /// Where `text` first appears in the rule's query, as a file location (the query start when not found).
    static func location(of text: String, in rule: LoadedRule) -> SourceLocation {
        guard let range = rule.query.range(of: text) else { return rule.queryLocation }
        let before = rule.query[..<range.lowerBound]
        let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
        return rule.fileLocation(ofQueryLine: line, column: column)
    }

    /// Loads rule files and directories, and the exception lists attached to them (`[exceptions]`), and compiles
    /// them: the whole path `auspex check`, `replay` and `run` share. Exception-file problems are diagnostics like
    /// rule problems.
    static func load(paths: [String], strictPermissions: Bool = true, exceptionPaths: [String] = [],
                            attachToAllRules: [String] = [], attachToRules: [String] = []) -> RuleSetLoad {
        let report = RuleLoader(strictPermissions: strictPermissions).load(paths: paths)
        let lists = exceptionPaths.isEmpty ? ExceptionLists()
            : ExceptionLists.load(paths: exceptionPaths, strict: strictPermissions)
        let (ruleSet, compileDiagnostics) = compile(report.rules, exceptions: lists, attachToAllRules: attachToAllRules,
                                                    attachToRules: attachToRules)
        let malformed = attachToRules.filter { !$0.contains("=") }.map { entry in
            Diagnostic.error("[exceptions] attach_to_rules", SourceLocation(line: 1, column: 1),
                             "'\(entry)' is not LIST_ID=RULE_ID or LIST_ID=TAG")
        }
        var load = RuleSetLoad(ruleSet: ruleSet, report: report,
                               diagnostics: report.diagnostics + lists.diagnostics + compileDiagnostics + malformed)
        load.exceptionLists = lists
        return load
    }
}

/// The outcome of loading and compiling rules from disk.
public struct RuleSetLoad: Sendable {
    public let ruleSet: RuleSet
    /// What the loader saw (files read, skipped, failed).
    public let report: RuleLoadReport
    /// Loader and compiler findings, in file order.
    public let diagnostics: [Diagnostic]
    /// The exception lists read (empty when none were asked for).
    public var exceptionLists = ExceptionLists()

    /// True when any file or rule failed (the daemon then keeps its previous rules on reload).
    public var hasErrors: Bool { diagnostics.containsErrors }
    /// Rules that did not make it into the set (bad file, duplicate id, query error).
    public var failedRuleCount: Int {
        report.failedFiles.count + report.rules.count - ruleSet.rules.count
    }
}
