/// What the kernel must audit for a set of rules to see their events.
public struct AuditRequirements: Sendable, Hashable {
    /// Syscall names, sorted.
    public var syscalls: [String] = []
    /// `event.action` values with no entry in the action table; their rules may never fire on audit data.
    public var unmappedActions: [String] = []
    /// Syscalls the queries need that are too frequent to audit host-wide (``highVolumeSyscalls``); named in `notes`,
    /// never installed.
    public var withheldSyscalls: [String] = []
    /// Other findings worth printing in `auspex check` (categories without syscalls, wildcards that matched nothing).
    public var notes: [String] = []

    public init() {}

    /// Adds another set of requirements.
    public mutating func formUnion(_ other: AuditRequirements) {
        syscalls = Array(Set(syscalls).union(other.syscalls)).sorted()
        unmappedActions = Array(Set(unmappedActions).union(other.unmappedActions)).sorted()
        withheldSyscalls = Array(Set(withheldSyscalls).union(other.withheldSyscalls)).sorted()
        notes = Array(Set(notes).union(other.notes)).sorted()
    }
}

/// Derives the syscall audit rules from rule queries by scanning their text: each event clause contributes the
/// syscalls of the `event.action` values and the `auditd.data.syscall` names it tests positively, or, when it tests
/// neither, the syscalls of its event category. Negated tests (`!=`, `not …`, `not in`) only exclude events, so they
/// add nothing. The scan errs towards auditing too much: a value in any positive test counts, even inside an `or`.
public enum AuditRuleDerivation {
    public static func requirements(forQueries queries: [String]) -> AuditRequirements {
        var total = AuditRequirements()
        for query in queries { total.formUnion(requirements(forQuery: query)) }
        return total
    }

    public static func requirements(forQuery query: String) -> AuditRequirements {
        var syscalls: Set<String> = []
        var unmapped: Set<String> = []
        var notes: Set<String> = []
        for clause in clauses(of: EQLTextScanner.tokens(query)) {
            let tests = positiveValues(in: clause.condition)
            var clauseSyscalls: Set<String> = []
            for action in tests.actions {
                if let mapped = syscallsByAction[action] {
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
            if tests.actions.isEmpty && tests.syscalls.isEmpty {
                let category = clause.category.lowercased()
                let byType = tests.types.compactMap { syscallsByCategoryAndType[category + "/" + $0] }
                if !byType.isEmpty {
                    clauseSyscalls.formUnion(byType.joined())
                } else if let category = syscallsByCategory[clause.category] {
                    clauseSyscalls.formUnion(category)
                } else {
                    notes.insert("'\(clause.category) where' clauses without event.action or auditd.data.syscall "
                                 + "need file watches or non-syscall records; no syscall rule derived")
                }
            }
            syscalls.formUnion(clauseSyscalls)
        }
        let withheld = syscalls.intersection(highVolumeSyscalls)
        if !withheld.isEmpty {
            notes.insert("not audited host-wide, one record per call from every process: "
                         + withheld.sorted().joined(separator: ", ") + "; file watches (auditctl -w PATH -p rwa -k KEY) or audit rules of your own serve these events")
        }
        var requirements = AuditRequirements()
        requirements.syscalls = syscalls.subtracting(withheld).sorted()
        requirements.withheldSyscalls = withheld.sorted()
        requirements.unmappedActions = unmapped.sorted()
        requirements.notes = notes.sorted()
        return requirements
    }

    /// The process life-cycle syscalls (exec, fork family, setsid, exit_group) when `query` reads a field the
    /// daemon's process table fills (entity ids, parent image, session/entry/group leaders); empty otherwise.
    /// Kept apart from ``requirements(forQuery:)``, which names what the query's own events need.
    public static func processTrackingRequirements(forQuery query: String) -> AuditRequirements {
        var requirements = AuditRequirements()
        let readsTrackedField = EQLTextScanner.tokens(query).contains { token in
            token.kind == .word && processTrackingFieldPrefixes.contains { token.text.trimmingPrefix("?").hasPrefix($0) }
        }
        if readsTrackedField { requirements.syscalls = processTrackingSyscalls.sorted() }
        return requirements
    }

    /// The syscall rules in auditctl syntax, one line per architecture, e.g.
    /// `-a always,exit -F arch=b64 -S connect,execve,execveat -F key=auspex`.
    public static func auditctlLines(for requirements: AuditRequirements, key: String,
                                     architectures: [String] = ["b64"]) -> [String] {
        guard !requirements.syscalls.isEmpty else { return [] }
        let list = requirements.syscalls.joined(separator: ",")
        return architectures.map { "-a always,exit -F arch=\($0) -S \(list) -F key=\(key)" }
    }

    // MARK: - Text scan

    struct Clause {
        var category: String
        var condition: ArraySlice<EQLToken>
    }

    /// The event clauses of a query: the bracketed filters of `sequence`/`sample` (including `until`), or the whole
    /// query for a single-event query. Each is `category where condition`.
    static func clauses(of tokens: [EQLToken]) -> [Clause] {
        guard let first = tokens.first, first.kind == .word, ["sequence", "sample"].contains(first.text.lowercased()) else {
            return clause(from: tokens[...]).map { [$0] } ?? []
        }
        var clauses: [Clause] = []
        var depth = 0
        var start = 0
        for (position, token) in tokens.enumerated() where token.kind == .symbol {
            if token.text == "[" {
                if depth == 0 { start = position + 1 }
                depth += 1
            } else if token.text == "]" {
                depth -= 1
                if depth == 0, let found = clause(from: tokens[start..<position]) { clauses.append(found) }
            }
        }
        return clauses
    }

    private static func clause(from tokens: ArraySlice<EQLToken>) -> Clause? {
        guard let whereIndex = tokens.firstIndex(where: { $0.kind == .word && $0.text.lowercased() == "where" }),
              whereIndex > tokens.startIndex
        else { return nil }
        let category = tokens[tokens.index(before: whereIndex)].text
        return Clause(category: category, condition: tokens[tokens.index(after: whereIndex)...])
    }

    /// String values that `event.action`, `auditd.data.syscall` and `event.type` are positively compared with.
    static func positiveValues(in condition: ArraySlice<EQLToken>)
        -> (actions: [String], syscalls: [String], types: [String]) {
        var actions: [String] = []
        var syscalls: [String] = []
        var types: [String] = []
        var position = condition.startIndex
        while position < condition.endIndex {
            let token = condition[position]
            defer { position += 1 }
            guard token.kind == .word,
                  token.text == "event.action" || token.text == "auditd.data.syscall" || token.text == "event.type"
            else { continue }
            let negated = position > condition.startIndex && condition[position - 1].text.lowercased() == "not"
            var cursor = position + 1
            guard cursor < condition.endIndex else { continue }
            let op = condition[cursor].text.lowercased()
            if op == "not" { continue }  // `not in`
            if op == "!=" || negated { continue }
            guard ["==", ":", "in", "in~", "like", "like~"].contains(op) else { continue }
            cursor += 1
            var values: [String] = []
            if cursor < condition.endIndex, condition[cursor].text == "(" {
                cursor += 1
                while cursor < condition.endIndex, condition[cursor].text != ")" {
                    if condition[cursor].kind == .string { values.append(condition[cursor].text) }
                    cursor += 1
                }
            } else if cursor < condition.endIndex, condition[cursor].kind == .string {
                values.append(condition[cursor].text)
            }
            switch token.text {
            case "event.action": actions += values
            case "event.type": types += values
            default: syscalls += values
            }
        }
        return (actions, syscalls, types)
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
