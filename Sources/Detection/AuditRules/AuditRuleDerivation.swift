import EQL

/// What the kernel must audit for a set of rules to see their events.
struct AuditRequirements: Sendable, Hashable {
    /// Syscall names, sorted.
    var syscalls: [String] = []
    /// `event.action` values with no entry in the action table; their rules may never fire on audit data.
    var unmappedActions: [String] = []
    /// Syscalls the queries need that are too frequent to audit host-wide (``highVolumeSyscalls``); named in `notes`,
    /// never installed.
    var withheldSyscalls: [String] = []
    /// Other findings worth printing in `auspex check` (categories without syscalls, wildcards that matched nothing).
    var notes: [String] = []

    init() {}

    /// Adds another set of requirements.
    mutating func formUnion(_ other: AuditRequirements) {
        syscalls = Array(Set(syscalls).union(other.syscalls)).sorted()
        unmappedActions = Array(Set(unmappedActions).union(other.unmappedActions)).sorted()
        withheldSyscalls = Array(Set(withheldSyscalls).union(other.withheldSyscalls)).sorted()
        notes = Array(Set(notes).union(other.notes)).sorted()
    }
}

/// Derives the syscall audit rules from rule queries, read from what their filters test (EQL's `QueryFacts`, via
/// ``QueryScan``): each event filter contributes the syscalls of the `event.action` values and the
/// `auditd.data.syscall` names it tests positively, or, when it tests neither, the syscalls of its event category
/// (narrowed by `event.type`). Negated tests (`!=`, `not …`, `not in`) only exclude events, so they add nothing. It
/// errs towards auditing too much: a value in any positive test counts, even inside an `or`.
enum AuditRuleDerivation {
    static func requirements(forQueries queries: [String]) -> AuditRequirements {
        var total = AuditRequirements()
        for query in queries { total.formUnion(requirements(forQuery: query)) }
        return total
    }

    /// What the kernel must audit for `query`; nothing for a query that does not parse (its rule fails to load).
    static func requirements(forQuery query: String) -> AuditRequirements {
        guard let facts = try? QueryFacts(query: query) else { return AuditRequirements() }
        return requirements(forFilters: facts.filters.map(QueryScan.tests))
    }

    static func requirements(forFilters filters: [FilterTests]) -> AuditRequirements {
        var syscalls: Set<String> = []
        var unmapped: Set<String> = []
        var notes: Set<String> = []
        for tests in filters {
            syscalls.formUnion(Self.syscalls(of: tests, unmapped: &unmapped, notes: &notes))
        }
        let withheld = syscalls.intersection(highVolumeSyscalls)
        if !withheld.isEmpty {
            notes.insert("not audited host-wide, one record per call from every process: "
                         + withheld.sorted().joined(separator: ", ") + "; file watches (auditctl -w PATH -p rwa -k KEY) "
                         + "or audit rules of your own serve these events")
        }
        var requirements = AuditRequirements()
        requirements.syscalls = syscalls.subtracting(withheld).sorted()
        requirements.withheldSyscalls = withheld.sorted()
        requirements.unmappedActions = unmapped.sorted()
        requirements.notes = notes.sorted()
        return requirements
    }

    /// The syscalls whose events one filter can accept (before withholding the high-volume ones), from its
    /// `event.action` and `auditd.data.syscall` tests, or its category and `event.type` when it is not bounded by them.
    static func syscalls(of tests: FilterTests, unmapped: inout Set<String>, notes: inout Set<String>) -> Set<String> {
        var clauseSyscalls: Set<String> = []
        for action in tests.actions {
            // `:`, `in~` and `like~` match any case; `==` in another case never matches, so folding costs nothing.
            if let mapped = syscallsByLowercasedAction[action.lowercased()] {
                clauseSyscalls.formUnion(mapped)
            } else if actionsFromRecords.contains(action) {
                notes.insert("event.action \"\(action)\" comes from user-space or kernel records, not syscalls")
            } else if action.contains("*") || action.contains("?") {
                let matches = syscallsByAction.filter { wildcard(action, matches: $0.key) }.values.joined()
                if matches.isEmpty { unmapped.insert(action) }
                clauseSyscalls.formUnion(matches)
            } else {
                unmapped.insert(action)
            }
        }
        for name in tests.syscalls {
            if name.contains("*") || name.contains("?") {
                let matches = knownSyscalls.filter { wildcard(name, matches: $0) }
                if matches.isEmpty { notes.insert("auditd.data.syscall pattern \"\(name)\" matches no known syscall") }
                clauseSyscalls.formUnion(matches)
            } else {
                clauseSyscalls.insert(name.lowercased())
            }
        }
        if !tests.isBounded {
            let category = tests.category.lowercased()
            let byType = tests.types.compactMap { syscallsByCategoryAndType[category + "/" + $0] }
            if !byType.isEmpty {
                clauseSyscalls.formUnion(byType.joined())
            } else if let category = syscallsByCategory[tests.category] {
                clauseSyscalls.formUnion(category)
            } else {
                notes.insert("'\(tests.category) where' filters not bounded by event.action or "
                             + "auditd.data.syscall need file watches or non-syscall records; no syscall rule derived")
            }
        }
        return clauseSyscalls
    }

    /// The process life-cycle syscalls (exec, fork family, setsid, exit_group) when `query` reads a field the
    /// daemon's process table fills (entity ids, parent image, session/entry/group leaders); empty otherwise.
    /// Kept apart from ``requirements(forQuery:)``, which names what the query's own events need.
    static func processTrackingRequirements(forQuery query: String) -> AuditRequirements {
        var requirements = AuditRequirements()
        guard let facts = try? QueryFacts(query: query) else { return requirements }
        let readsTrackedField = facts.referencedFields.contains(where: processTrackingFields.contains)
        if readsTrackedField { requirements.syscalls = processTrackingSyscalls.sorted() }
        return requirements
    }

    /// The syscall rules in auditctl syntax, one line per architecture, e.g.
    /// `-a always,exit -F arch=b64 -S connect,execve,execveat -F key=auspex`.
    static func auditctlLines(for requirements: AuditRequirements, key: String,
                                     architectures: [String] = ["b64"]) -> [String] {
        guard !requirements.syscalls.isEmpty else { return [] }
        let list = requirements.syscalls.joined(separator: ",")
        return architectures.map { "-a always,exit -F arch=\($0) -S \(list) -F key=\(key)" }
    }

    /// `*` and `?` wildcard match over the whole string, case-insensitive like `:`.
    static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.lowercased().utf8), t = Array(text.lowercased().utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
