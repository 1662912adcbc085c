#if canImport(Glibc)
import Glibc
#endif
import CAuditNetlink

/// The kernel audit rules a reader installs: syscall exit rules on both ABIs, all tagged with one key so
/// that exactly these (and nothing an administrator wrote) are deleted again.
public struct AuditRuleSet: Equatable, Sendable {
    var key: String
    var syscalls: [String]
    /// ABIs to cover, as libaudit spells them ("b64", "b32").
    var arches: [String]
    /// Prepend `never` for the reader's own pid, so it does not audit itself.
    var excludeSelf: Bool
    /// Syscalls audited only for some argument values (`-S socket -F a0=2`): installed as one rule per value and
    /// left out of the combined rule.
    var filters: [ArgumentFilter]
    /// File watches (`-w PATH -p PERMISSIONS`), which cover every ABI.
    var watches: [Watch]

    public init(key: String, syscalls: [String], arches: [String] = ["b64", "b32"],
                excludeSelf: Bool = true, filters: [ArgumentFilter] = [], watches: [Watch] = []) {
        self.key = key
        self.syscalls = syscalls
        self.arches = arches
        self.excludeSelf = excludeSelf
        self.filters = filters
        self.watches = watches
    }

    /// `-w <path> -p <permissions>`, permissions some of `rwxa`.
    public struct Watch: Equatable, Sendable {
        var path: String
        var permissions: String

        public init(path: String, permissions: String) {
            self.path = path
            self.permissions = permissions
        }
    }

    /// `-S <syscall> -F a<argument>=<value>` for each value.
    public struct ArgumentFilter: Equatable, Sendable {
        var syscall: String
        var argument: Int
        var values: [UInt64]

        public init(syscall: String, argument: Int, values: [UInt64]) {
            self.syscall = syscall
            self.argument = argument
            self.values = values
        }
    }

    /// The syscalls of the combined rule: all but the filtered ones.
    var unfilteredSyscalls: [String] {
        let filtered = Set(filters.map(\.syscall))
        return syscalls.filter { !filtered.contains($0) }
    }

    static let defaultKey = "auspex"

    /// What `auspex events` needs: process starts, sockets and connections, sessions, forks, exits.
    public static let events = AuditRuleSet(key: defaultKey, syscalls: [
        "execve", "execveat", "socket", "connect", "accept", "accept4", "setsid",
        "clone", "clone3", "fork", "vfork", "exit_group",
    ])
}

/// What installing a rule set did.
public struct RuleInstallReport: Equatable, Sendable {
    /// Rules added to the kernel (one per arch that had at least one syscall, plus the self-exclusion).
    public var rulesAdded: Int = 0
    /// "arch:syscall" pairs libaudit does not know (e.g. accept on i386, which only has socketcall).
    public var skipped: [String] = []
}

extension AuditRuleSet {
    /// Replaces the kernel rules keyed `key` (and nothing an administrator wrote) with `set`, over a control socket
    /// of its own; nil `set` only deletes them. Returns what installing `set` did.
    @discardableResult
    public static func replaceInstalled(key: String, with set: AuditRuleSet?) throws(AuditNetlinkError) -> RuleInstallReport? {
        let control = try AuditSocket(.unicast)
        try control.deleteRules(key: key)
        guard let set else { return nil }
        return try control.install(set, selfPID: UInt32(getpid()))
    }

    /// How many kernel rules carry `key` (`auspex status`).
    public static func installedCount(key: String) throws(AuditNetlinkError) -> Int {
        try AuditSocket(.unicast).countRules(key: key)
    }
}

extension AuditSocket {
    /// Adds the rules of `set` (its self-exclusion first). Throws on the first rule the kernel refuses;
    /// rules already added stay and carry `set.key`, so `deleteRules(key:)` removes them.
    func install(_ set: AuditRuleSet, selfPID: UInt32) throws(AuditNetlinkError) -> RuleInstallReport {
        var report = RuleInstallReport()
        if set.excludeSelf {
            try AuditNetlinkError.check(auspex_rule_add_self_exclusion(descriptor, selfPID, set.key),
                                        "add audit rule never,exit pid=\(selfPID)")
            report.rulesAdded += 1
        }
        let syscalls = set.unfilteredSyscalls
        for arch in set.arches {
            if !syscalls.isEmpty {
                var skipped = [UInt8](repeating: 0, count: syscalls.count)
                let added = try withCStrings(syscalls) { names throws(AuditNetlinkError) in
                    try AuditNetlinkError.check(
                        auspex_rule_add_syscalls(descriptor, arch, names, UInt32(syscalls.count), set.key, &skipped),
                        "add audit rule arch=\(arch) key=\(set.key)")
                }
                if added > 0 { report.rulesAdded += 1 }
                for (index, flag) in skipped.enumerated() where flag != 0 {
                    report.skipped.append("\(arch):\(syscalls[index])")
                }
            }
            for filter in set.filters {
                var added: Int32 = 0
                for value in filter.values {
                    let pair = "a\(filter.argument)=\(value)"
                    added = try AuditNetlinkError.check(
                        auspex_rule_add_filtered_syscall(descriptor, arch, filter.syscall, pair, set.key),
                        "add audit rule arch=\(arch) -S \(filter.syscall) -F \(pair) key=\(set.key)")
                    if added == 0 { break } // no such syscall on this arch
                    report.rulesAdded += 1
                }
                if added == 0 { report.skipped.append("\(arch):\(filter.syscall)") }
            }
        }
        for watch in set.watches {
            try AuditNetlinkError.check(auspex_rule_add_watch(descriptor, watch.path, watch.permissions, set.key),
                                        "add audit watch -w \(watch.path) -p \(watch.permissions) key=\(set.key)")
            report.rulesAdded += 1
        }
        return report
    }

    /// Deletes every kernel rule whose key is exactly `key` (syscall rules and file watches alike); returns how many.
    @discardableResult
    func deleteRules(key: String) throws(AuditNetlinkError) -> Int {
        Int(try AuditNetlinkError.check(auspex_rules_delete_keyed(descriptor, key), "delete audit rules key=\(key)"))
    }

    /// Counts the kernel rules whose key is exactly `key`.
    func countRules(key: String) throws(AuditNetlinkError) -> Int {
        Int(try AuditNetlinkError.check(auspex_rules_count_keyed(descriptor, key), "list audit rules"))
    }

    /// The syscalls the kernel's exit,always rules audit, one entry per rule, whoever added them (auditd's rules in
    /// multicast mode). A rule narrowed by other fields (`-F auid>=1000`) still counts in full.
    func auditedSyscallMasks() throws(AuditNetlinkError) -> [AuditedSyscallMask] {
        var masks = [auspex_syscall_mask](repeating: auspex_syscall_mask(), count: 1024)
        let count = Int(try AuditNetlinkError.check(
            auspex_rules_list_syscall_masks(descriptor, &masks, UInt32(masks.count)), "list audit rules"))
        return masks.prefix(min(count, masks.count)).map(AuditedSyscallMask.init)
    }
}

/// The syscalls one kernel exit,always rule audits.
struct AuditedSyscallMask: Sendable, Equatable {
    /// The rule's `AUDIT_ARCH_*` value; 0 when it names none (the kernel then applies it to the native arch).
    var arch: UInt32
    /// The syscall numbers whose bit is set.
    var numbers: [Int]
    /// Whether every syscall bit is set (`-S all`).
    var coversAll: Bool

    init(_ mask: auspex_syscall_mask) {
        arch = mask.arch
        let words = withUnsafeBytes(of: mask.mask) { Array($0.bindMemory(to: UInt32.self)) }
        var numbers: [Int] = []
        for (index, word) in words.enumerated() where word != 0 {
            for bit in 0..<32 where word & (1 << UInt32(bit)) != 0 { numbers.append(index * 32 + bit) }
        }
        self.numbers = numbers
        // libaudit's `-S all` sets words 0…62; the kernel keeps the last word for syscall classes.
        coversAll = words.prefix(63).allSatisfy { $0 == UInt32.max }
    }
}

/// Kernel rule encoding without the kernel: what would be sent, and whether a listed rule is ours.
enum AuditRuleData {
    /// The `struct audit_rule_data` bytes of an exit,always rule for `syscalls` on `arch` tagged `key`.
    static func syscallRule(arch: String, syscalls: [String], key: String) throws(AuditNetlinkError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64 * 1024)
        let length = try withCStrings(syscalls) { names throws(AuditNetlinkError) in
            try AuditNetlinkError.check(
                auspex_rule_build_syscalls(arch, names, UInt32(syscalls.count), key, &out, out.count),
                "build audit rule arch=\(arch)")
        }
        return Array(out.prefix(Int(length)))
    }

    /// The `struct audit_rule_data` bytes of the file watch `-w path -p permissions` tagged `key`.
    static func watchRule(path: String, permissions: String, key: String) throws(AuditNetlinkError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64 * 1024)
        let length = try AuditNetlinkError.check(auspex_rule_build_watch(path, permissions, key, &out, out.count),
                                                 "build audit watch \(path)")
        return Array(out.prefix(Int(length)))
    }

    /// The syscalls of the rule in `bytes` (as AUDIT_LIST_RULES returns it): nil for a rule that is not
    /// exit,always, or bytes that are not a well-formed rule.
    static func syscallMask(_ bytes: [UInt8]) -> AuditedSyscallMask? {
        var mask = auspex_syscall_mask()
        return auspex_rule_data_syscall_mask(bytes, bytes.count, &mask) == 1 ? AuditedSyscallMask(mask) : nil
    }

    /// Whether the rule in `bytes` (as AUDIT_LIST_RULES returns it) has exactly the key `key`;
    /// nil when the bytes are not a well-formed rule.
    static func hasKey(_ bytes: [UInt8], _ key: String) -> Bool? {
        let result = auspex_rule_data_has_key(bytes, bytes.count, key)
        return result < 0 ? nil : result == 1
    }
}

/// Calls `body` with a C array of C strings that live for the duration of the call.
func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws(AuditNetlinkError) -> R
) throws(AuditNetlinkError) -> R {
    let owned = strings.map { strdup($0) }
    defer { owned.forEach { free($0) } }
    let pointers = owned.map { UnsafePointer($0) } + [nil] // never empty, so baseAddress is never nil
    return try pointers.withUnsafeBufferPointer { buffer throws(AuditNetlinkError) in
        try body(buffer.baseAddress!)
    }
}
