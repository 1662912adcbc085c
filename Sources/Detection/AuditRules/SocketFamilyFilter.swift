import EQL

/// A kernel-side argument filter on one audited syscall: the syscall is audited only when argument `a<argument>`
/// equals one of `values` (auditctl `-S socket -F a0=2`, one kernel rule per value: a rule's fields are ANDed).
struct SyscallArgumentFilter: Sendable, Hashable {
    var syscall: String
    var argument: Int
    /// Sorted, distinct.
    var values: [UInt64]

    init(syscall: String, argument: Int, values: [UInt64]) {
        self.syscall = syscall
        self.argument = argument
        self.values = Array(Set(values)).sorted()
    }

    /// auditctl spelling of each rule, e.g. `-S socket -F a0=2`.
    var auditctlParts: [String] { values.map { "-S \(syscall) -F a\(argument)=\($0)" } }
}

/// Kernel-side filters derived from the loaded rules, where sound. Today one: `socket` audited only for the address
/// families (`a0`) the rules test, when EVERY filter that can see a socket event requires such a family.
///
/// A socket event (syscall `socket`) has no `event.action` and category `process` in both the audit and the Defend
/// view, and the process table does not read it. So an event filter can see one only when it is not bounded by
/// `event.action` / `auditd.data.syscall` tests that exclude `socket`, and its category is `process` or `any`. Each
/// such filter must hold only for events whose `auditd.data.a0` is one of a finite set of literal values (`==`,
/// `in`, `:` without wildcards, in every `or` branch); otherwise, or when in doubt, no filter. A socket event of
/// another family then matches no filter of any rule (no stage, no `until`, no missing-event stage), so dropping it
/// in the kernel changes no alert.
enum KernelFilterDerivation {
    static func socketFamilyFilter(forQueries queries: [String]) -> SyscallArgumentFilter? {
        var families: Set<UInt64> = []
        for query in queries {
            guard let facts = try? QueryFacts(query: query) else { continue } // a rule that does not parse is not loaded
            for filter in facts.filters {
                guard canSeeSocketEvents(filter) else { continue }
                guard let values = filter.requiredValues(of: "auditd.data.a0", foldingCase: true) else {
                    return nil
                }
                for value in values {
                    // The kernel prints a0 in lowercase hex without leading zeros; another spelling matches nothing.
                    guard let family = UInt64(value, radix: 16) else { continue }
                    families.insert(family)
                }
            }
        }
        // Socket events nobody reads (no rule needs `socket`) are not audited anyway; an empty set would mean a rule
        // that can never match one: leave such a case alone.
        guard !families.isEmpty, families.count <= 8 else { return nil }
        return SyscallArgumentFilter(syscall: "socket", argument: 0, values: Array(families))
    }

    /// Whether a socket event can pass `filter`.
    static func canSeeSocketEvents(_ filter: FilterFacts) -> Bool {
        let category = (filter.category ?? "any").lowercased()
        guard category == "process" || category == "any" else { return false }
        let tests = QueryScan.tests(of: filter)
        guard tests.isBounded else { return true }
        // Bounded: every accepted event passes an event.action test (a socket event has no action) or an
        // auditd.data.syscall test; only the latter can admit it.
        return tests.syscalls.contains { AuditRuleDerivation.wildcard($0, matches: "socket") }
    }
}
