import AuditNetlink
import Detection

extension AuditRulePlan {
    /// The kernel rules a unicast daemon installs for this plan under `key`, with its argument filters.
    func auditRuleSet(key: String) -> AuditRuleSet {
        AuditRuleSet(key: key, syscalls: syscalls, filters: filters.map {
            AuditRuleSet.ArgumentFilter(syscall: $0.syscall, argument: $0.argument, values: $0.values)
        })
    }

    /// `socket (a0=2,10)`: what the log line names, filtered syscalls with their values.
    var installedSummary: String {
        syscalls.map { syscall in
            guard let filter = filters.first(where: { $0.syscall == syscall }) else { return syscall }
            return "\(syscall)(a\(filter.argument)=" + filter.values.map(String.init).joined(separator: "|") + ")"
        }.joined(separator: ",")
    }
}
