import ArgumentParser
import Detection
import Rules

/// `auspex check [--config FILE] [PATH…]`: validates configuration and rules without touching the kernel.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and detection rules.",
        discussion: """
            Loads the configuration (default /etc/auspex/auspex.toml, if present) and the rule files or directories \
            given (default: [rules] paths), compiles every EQL query as the daemon would and prints each problem as \
            file:line:col: severity: message (exception files of [exceptions] paths too), then a summary and the \
            kernel audit rules the rules need. Warns when a rule tests fields the audit source never produces, and \
            counts the rules that can never match (a category, action or type value no view produces, a field no \
            source produces). Exits 78 when the configuration or any rule has an \
            error, 0 otherwise (warnings alone pass).
            """)

    @Option(name: .long, help: ArgumentHelp("Configuration file to check.", valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a configuration key.", valueName: "SECTION.KEY=VALUE"))
    var overrides: [String] = []

    @Argument(help: ArgumentHelp("Rule files or directories (default: [rules] paths of the configuration).",
                                 valueName: "PATH"))
    var paths: [String] = []

    @Flag(name: .long, help: "Print only problems and the summary, not the derived audit rules.")
    var quiet = false

    @Flag(name: .long, help: "Print per rule whether audit data serves all, some (naming the missing) or none of its fields.")
    var coverage = false

    func run() throws {
        let resolved = ResolvedConfiguration.load(path: config, overrides: overrides)
        let paths = self.paths.isEmpty ? resolved.config.rules.paths : self.paths
        let load = resolved.config.loadRules(paths: paths)
        let plan = AuditRulePlan(ruleSet: load.ruleSet)
        let dead = DeadRule.find(in: load.ruleSet.rules.map(\.source))
        let diagnostics = resolved.diagnostics + load.diagnostics + plan.diagnostics + dead.map(\.diagnostic)
            + load.exceptionLists.neverMatching(producible: ECSCatalog.canProduce)
        for diagnostic in diagnostics { print(diagnostic.description) }

        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let skipped = load.report.skipped.count
        print("\(load.report.filesRead) rule files: \(load.ruleSet.rules.count) rules ok, \(load.failedRuleCount) failed"
            + (skipped > 0 ? ", \(skipped) skipped (not EQL)" : "")
            + "; configuration \(resolved.file ?? "defaults") \(resolved.hasErrors ? "has errors" : "ok")"
            + (load.exceptionLists.filesRead > 0
                ? "; \(load.exceptionLists.filesRead) exception files, \(load.exceptionLists.listIDs.count) lists, "
                    + "\(load.exceptionLists.itemCount) items" : "")
            + "; \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        print("\(dead.count) of \(load.ruleSet.rules.count) rules can never match (their data is not in audit events)")
        if !quiet, plan.needsKernelRules {
            print("audit rules needed (installed by `auspex run` in unicast mode):")
            for line in plan.auditctlLines(key: resolved.config.audit.ruleKey) { print("  " + line) }
            if !plan.watches.isEmpty {
                print("  note: the file watches serve every rule reading opens (" + plan.watchedSyscalls.joined(separator: ", ")
                      + " not audited host-wide); in multicast mode, or when a watched path's directory is missing, "
                      + "`auspex run` needs those syscalls audited instead")
            }
            for note in plan.notes { print("  note: " + note) }
        }
        if coverage { RuleCoverage.print(load.report.rules) }
        if errors > 0 { throw ExitCode(ExitStatus.config) }
    }
}
