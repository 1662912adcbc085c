import ArgumentParser
import Detection
import EventModel
import Foundation
import Rules

/// `auspex exception add --rule ID|--all --field F --value V [--operator excluded] [--list FILE]`: appends one item
/// to an exception list, in the NDJSON format Kibana exports and imports.
struct ExceptionAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an exception item for one rule or for every rule.",
        discussion: """
            Appends a `match` item (FIELD equals VALUE, or with --operator excluded: FIELD does not equal VALUE) \
            to the list of the rule (--rule: list auspex-rule-ID, a rule_default list) or of every rule (--all: \
            list auspex-all-rules), in the file auspex-local.ndjson of the first [exceptions] paths directory or \
            in --list FILE. The list container line is written first when no exception file defines the list yet; \
            its meta.auspex_rule_ids attaches it to the rule (or to every rule: "*"). The file is rewritten \
            atomically (mode 0644) and never through a symbolic link; it stays valid Kibana NDJSON (Security → \
            Shared exception lists → Import). The running daemon applies it on reload (SIGHUP). Warns when the \
            field is one audit data never produces or no loaded rule has the id.
            """)

    @Option(name: .long, help: ArgumentHelp("Rule id (rule_id) the item applies to.", valueName: "ID"))
    var rule: String?

    @Flag(name: .long, help: "Apply the item to every rule.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("ECS field to test, e.g. process.executable.", valueName: "FIELD"))
    var field: String

    @Option(name: .long, help: ArgumentHelp("Value the field must equal (exact, case-sensitive).", valueName: "VALUE"))
    var value: String

    @Option(name: .long, help: ArgumentHelp("included (the field equals the value, default) or excluded (it does not).",
                                            valueName: "included|excluded"))
    var `operator` = "included"

    @Option(name: .long, help: ArgumentHelp("Exception file to append to (default: auspex-local.ndjson in the first [exceptions] paths directory).",
                                            valueName: "FILE"))
    var list: String?

    @Option(name: .long, help: ArgumentHelp("Item name (default: a description of the entry).", valueName: "TEXT"))
    var name: String?

    @Option(name: .customLong("description"), help: ArgumentHelp("Item description.", valueName: "TEXT"))
    var itemDescription: String?

    @Option(name: .customLong("expire-time"),
            help: ArgumentHelp("RFC 3339 time after which the item stops applying (expire_time).", valueName: "TIME"))
    var expireTime: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file (default /etc/auspex/auspex.toml if present).",
                                            valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a configuration key.", valueName: "SECTION.KEY=VALUE"))
    var overrides: [String] = []

    func validate() throws {
        if (rule == nil) == !all { throw ValidationError("Give exactly one of --rule ID and --all.") }
        if let rule, rule.isEmpty || rule.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw ValidationError("--rule needs a rule id (no blanks or '/').")
        }
        if field.isEmpty || field.contains(where: { $0.isWhitespace }) || field.hasPrefix(".") || field.hasSuffix(".") {
            throw ValidationError("--field needs an ECS field name such as process.executable.")
        }
        if value.isEmpty { throw ValidationError("--value must not be empty.") }
        if !["included", "excluded"].contains(`operator`) {
            throw ValidationError("--operator must be included or excluded, not '\(`operator`)'.")
        }
        if let expireTime, UTCTime.parseRFC3339(expireTime) == nil {
            throw ValidationError("--expire-time must be an RFC 3339 time such as 2027-01-01T00:00:00Z.")
        }
        if let list, list.isEmpty { throw ValidationError("--list needs a file.") }
    }

    func run() throws {
        let resolved = ResolvedConfiguration.load(path: config, overrides: overrides)
        if resolved.hasErrors {
            for diagnostic in resolved.diagnostics { StandardError.line(diagnostic.description) }
            throw ExitCode(ExitStatus.config)
        }
        let settings = resolved.config.exceptions
        func clean(_ path: String) -> String {
            var path = path
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            return path
        }
        let target: String
        if let list {
            target = clean(list)
        } else {
            guard let directory = settings.paths.first(where: { !$0.hasSuffix(".ndjson") }) else {
                StandardError.line("error: [exceptions] paths names no directory; give --list FILE")
                throw ExitCode(ExitStatus.usage)
            }
            target = clean(directory) + "/" + ExceptionListWriter.defaultFileName
        }
        let scope: ExceptionListWriter.Scope = rule.map { .rule($0) } ?? .allRules

        // Warnings, as `auspex check` gives them.
        let baseField = field.hasSuffix(".caseless") ? String(field.dropLast(9)) : field
        if !ECSCatalog.canProduce(baseField) {
            StandardError.line("warning: the audit source never produces '\(baseField)'; the item "
                + (`operator` == "excluded" ? "holds for every event" : "never matches"))
        }
        let rules = RuleLoader(strictPermissions: resolved.config.rules.strictPermissions).load(paths: resolved.config.rules.paths).rules
        var ruleName: String?
        if let rule {
            ruleName = rules.first { $0.ruleID == rule }?.name
            if ruleName == nil {
                StandardError.line("warning: no rule in [rules] paths has the id '\(rule)'; the item applies once one does")
            }
        }
        if !settings.enabled { StandardError.line("warning: [exceptions] enabled is false; no exception applies") }
        let covered = settings.paths.contains { path in
            clean(path) == target || ((target as NSString).deletingLastPathComponent == clean(path) && target.hasSuffix(".ndjson"))
        }
        if !covered {
            StandardError.line("warning: \(target) is not read by auspex: it is not in [exceptions] paths "
                + "(or not a *.ndjson file in one of its directories)")
        }

        // The files read with the target: the container line is written only when none defines the list yet.
        var existing = ExceptionLists.load(paths: settings.paths + (covered ? [] : [target]))
        existing.diagnostics = existing.diagnostics.filter { $0.severity == .error }
        if !existing.diagnostics.isEmpty {
            StandardError.line("warning: the exception files have errors (see auspex check); adding the item anyway")
        }
        var item = ExceptionListWriter.Item(scope: scope, field: field, value: value)
        item.excluded = `operator` == "excluded"
        item.name = name
        item.description = itemDescription
        item.expireTime = expireTime
        let itemID: String
        do {
            itemID = try ExceptionListWriter.add(item, ruleName: ruleName, to: target, existing: existing)
        } catch {
            StandardError.line("error: \(error)")
            throw ExitCode(ExitStatus.failure)
        }
        print("added item \(itemID) to list \(scope.listID) in \(target)"
            + (rule.map { " (rule \($0))" } ?? " (every rule)") + "; reload auspex (SIGHUP) to apply it")
    }
}
