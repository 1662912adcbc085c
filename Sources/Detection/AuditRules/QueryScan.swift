import EQL

/// What an event filter of a query tests positively: the input of the audit-rule derivation.
struct FilterTests: Equatable {
    /// The filter's category as written (`any` for `any where`).
    var category: String
    /// Values `event.action` must equal (or match, with `:`/`like`) for the filter to hold.
    var actions: [String] = []
    /// Values `auditd.data.syscall` must equal or match.
    var syscalls: [String] = []
    /// Values `event.type` must equal or match.
    var types: [String] = []
    /// Whether every event the filter accepts passes one of the action or syscall tests above. False when an `or`
    /// branch tests neither (`event.action == "deleted" or file.path == "/etc/shadow"`): that branch's events need
    /// the category's syscalls as well.
    var isBounded = false
}

/// Reads a filter's facts (EQL's ``FilterFacts``) for the audit-rule derivation. Values inside an `or` count too; an
/// `or` with a branch that tests no action or syscall leaves the filter unbounded, so it gets its category's syscalls
/// as well: the scan errs towards auditing too much, never too little.
enum QueryScan {
    static func tests(of filter: FilterFacts) -> FilterTests {
        var tests = FilterTests(category: filter.category ?? "any")
        tests.actions = filter.testedValues(of: "event.action")
        tests.syscalls = filter.testedValues(of: "auditd.data.syscall")
        tests.types = filter.testedValues(of: "event.type")
        tests.isBounded = filter.isBounded(by: ["event.action", "auditd.data.syscall"])
        return tests
    }
}
