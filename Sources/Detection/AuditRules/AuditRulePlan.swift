import Rules

/// The kernel audit rules a rule set needs: the syscalls its queries test (by `event.action`,
/// `auditd.data.syscall` or category), derived by `AuditRuleDerivation`.
public struct AuditRulePlan: Sendable {
    /// Syscall names, sorted: without the open family when ``watches`` serve it.
    private(set) var syscalls: [String]
    /// File watches installed instead of auditing ``watchedSyscalls`` host-wide (``FileWatchDerivation``); empty when
    /// the open family is audited (some rule needs opens of paths it does not name) or not needed.
    private(set) var watches: [FileWatch] = []
    /// The open-family syscalls the rules need that ``watches`` serve instead; sorted.
    private(set) var watchedSyscalls: [String] = []
    /// Per rule: `event.action` values no syscall produces.
    let unmappedActions: [(rule: LoadedRule, actions: [String])]
    /// Findings worth printing (file watches needed, wildcard syscalls that match nothing).
    let notes: [String]
    /// Kernel-side argument filters on some of `syscalls` (`-S socket -F a0=2`), where every rule allows them
    /// (``KernelFilterDerivation``).
    let filters: [SyscallArgumentFilter]

    public init(ruleSet: RuleSet) {
        var total = AuditRequirements()
        var unmapped: [(LoadedRule, [String])] = []
        for rule in ruleSet.rules {
            let requirements = AuditRuleDerivation.requirements(forQuery: rule.source.query)
            total.formUnion(requirements)
            total.formUnion(AuditRuleDerivation.processTrackingRequirements(forQuery: rule.source.query))
            if !requirements.unmappedActions.isEmpty { unmapped.append((rule.source, requirements.unmappedActions)) }
        }
        let opens = total.syscalls.filter(FileWatchDerivation.openFamily.contains)
        if !opens.isEmpty, let watches = FileWatchDerivation.watches(forQueries: ruleSet.rules.map(\.source.query)) {
            self.watches = watches
            watchedSyscalls = opens
            syscalls = total.syscalls.filter { !FileWatchDerivation.openFamily.contains($0) }
        } else {
            syscalls = total.syscalls
        }
        unmappedActions = unmapped
        notes = total.notes
        let socketFilter = total.syscalls.contains("socket")
            ? KernelFilterDerivation.socketFamilyFilter(forQueries: ruleSet.rules.map(\.source.query)) : nil
        filters = socketFilter.map { [$0] } ?? []
    }

    /// The same plan auditing the open family host-wide instead of watching files (a watched path's directory is
    /// missing, or the kernel rules are someone else's).
    func withoutWatches() -> AuditRulePlan {
        var plan = self
        plan.syscalls = Array(Set(syscalls).union(watchedSyscalls)).sorted()
        plan.watches = []
        plan.watchedSyscalls = []
        return plan
    }

    /// Whether there is any kernel rule to install.
    public var needsKernelRules: Bool { !syscalls.isEmpty || !watches.isEmpty }

    /// auditctl syntax for both ABIs, e.g. `-a always,exit -F arch=b64 -S connect,execve -F key=auspex`, then one
    /// line per filtered syscall and value (`-a always,exit -F arch=b64 -S socket -F a0=2 -F key=auspex`), then the
    /// file watches (`-w /etc/shadow -p r -k auspex`).
    func auditctlLines(key: String) -> [String] {
        var requirements = AuditRequirements()
        let filtered = Set(filters.map(\.syscall))
        requirements.syscalls = syscalls.filter { !filtered.contains($0) }
        return AuditRuleDerivation.auditctlLines(for: requirements, key: key, architectures: ["b64", "b32"])
            + ["b64", "b32"].flatMap { arch in
                filters.flatMap(\.auditctlParts).map { "-a always,exit -F arch=\(arch) \($0) -F key=\(key)" }
            }
            + watches.map { "\($0.auditctlParts) -k \(key)" }
    }

    /// Warnings about actions no audited syscall produces, located at each rule's query.
    var diagnostics: [Diagnostic] {
        unmappedActions.map { rule, actions in
            .warning(rule.file, rule.queryLocation,
                     "no audited syscall produces event.action " + actions.map { "'\($0)'" }.joined(separator: ", "))
        }
    }
}
