import ArgumentParser
import Detection
import EventModel
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
        guard let target = ExceptionListWriter.target(list: list, config: resolved.config) else {
            StandardError.line("error: [exceptions] paths names no directory; give --list FILE")
            throw ExitCode(ExitStatus.usage)
        }
        let item = ExceptionListWriter.Item(rule: rule, field: field, value: value, excluded: `operator` == "excluded",
                                            name: name, description: itemDescription, expireTime: expireTime)
        let added: (itemID: String, listID: String)
        do {
            added = try ExceptionListWriter.add(item, to: target, config: resolved.config,
                                                producible: ECSCatalog.canProduce, warn: StandardError.line)
        } catch {
            StandardError.line("error: \(error)")
            throw ExitCode(ExitStatus.failure)
        }
        print("added item \(added.itemID) to list \(added.listID) in \(target)"
            + (rule.map { " (rule \($0))" } ?? " (every rule)") + "; reload auspex (SIGHUP) to apply it")
    }
}
