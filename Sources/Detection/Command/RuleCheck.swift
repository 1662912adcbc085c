import Rules

/// `auspex check`: the configuration and the rules as the daemon would load them, reported without touching the
/// kernel: every problem as `file:line:col: severity: message`, the summary, the rules that can never match, the
/// kernel audit rules the rules need and, when asked, each rule's field coverage.
public enum RuleCheck {
    /// Prints the report on stdout for the rules of `paths` (nil: `[rules] paths`); true when the configuration or
    /// a rule has an error (warnings alone pass).
    public static func report(_ resolved: ResolvedConfiguration, paths: [String]?, quiet: Bool, coverage: Bool) -> Bool {
        let load = resolved.config.loadRules(paths: paths)
        let plan = AuditRulePlan(ruleSet: load.ruleSet)
        let dead = DeadRule.find(in: load.ruleSet.rules.map(\.source))
        let diagnostics = resolved.diagnostics + load.diagnostics + plan.diagnostics + dead.map(\.diagnostic)
            + load.exceptionLists.neverMatching(producible: ECSCatalog.canProduce)
        for diagnostic in diagnostics { print(diagnostic.description) }

        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let skipped = load.report.skippedCount
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
            for line in plan.auditctlLines(key: resolved.config.auditRuleKey) { print("  " + line) }
            if !plan.watches.isEmpty {
                print("  note: the file watches serve every rule reading opens (" + plan.watchedSyscalls.joined(separator: ", ")
                      + " not audited host-wide); in multicast mode, or when a watched path's directory is missing, "
                      + "`auspex run` needs those syscalls audited instead")
            }
            for note in plan.notes { print("  note: " + note) }
        }
        if coverage { RuleCoverage.print(load.report.rules) }
        return errors > 0
    }
}
