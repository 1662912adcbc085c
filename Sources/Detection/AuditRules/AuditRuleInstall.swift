import AuditNetlink
#if canImport(Glibc)
import Glibc
#endif

extension AuditRulePlan {
    /// The kernel rules a unicast daemon installs for this plan under `key`, with its argument filters and watches.
    public func auditRuleSet(key: String) -> AuditRuleSet {
        AuditRuleSet(key: key, syscalls: syscalls, filters: filters.map {
            AuditRuleSet.ArgumentFilter(syscall: $0.syscall, argument: $0.argument, values: $0.values)
        }, watches: watches.map { AuditRuleSet.Watch(path: $0.path, permissions: $0.permissions) })
    }

    /// `socket (a0=2,10)`: what the log line names, filtered syscalls with their values, then the watches
    /// (`watch /etc/shadow (r)`).
    public var installedSummary: String {
        let syscallPart = syscalls.map { syscall in
            guard let filter = filters.first(where: { $0.syscall == syscall }) else { return syscall }
            return "\(syscall)(a\(filter.argument)=" + filter.values.map(String.init).joined(separator: "|") + ")"
        }.joined(separator: ",")
        guard !watches.isEmpty else { return syscallPart }
        return syscallPart + "; watches " + watches.map { "\($0.path) (\($0.permissions))" }.joined(separator: ", ")
            + " instead of " + watchedSyscalls.joined(separator: ",")
    }

    /// The plan the daemon installs: its watches only when it installs the kernel rules itself and every watched
    /// path can be watched (its directory exists and the path is no symbolic link: the kernel watches the link, not
    /// the file opened through it); otherwise the open family host-wide. `log` hears why watches were given up.
    public func installable(installsRules: Bool, log: (String) -> Void) -> AuditRulePlan {
        guard !watches.isEmpty else { return self }
        guard installsRules else { return withoutWatches() }
        let unwatchable = watches.map(\.path).filter { !Self.isWatchable($0) }
        guard unwatchable.isEmpty else {
            log("cannot watch " + unwatchable.joined(separator: ", ") + " (missing directory or symbolic link); "
                + "auditing " + watchedSyscalls.joined(separator: ",") + " host-wide instead")
            return withoutWatches()
        }
        return self
    }

    /// Multicast mode installs nothing: which syscalls the rules need that the kernel's rules (someone else's,
    /// listed with CAP_AUDIT_CONTROL) do not audit, as one line for the log; nil when the rules need none.
    public func kernelCoverage(key: String) -> String? {
        guard !syscalls.isEmpty else { return nil }
        guard let audited = KernelRuleListing.auditedSyscalls() else {
            return "multicast: cannot list the kernel's audit rules (needs CAP_AUDIT_CONTROL); the rules need these syscalls "
                + "audited: " + syscalls.joined(separator: ",")
        }
        let missing = audited.contains("all") ? [] : syscalls.filter { !audited.contains($0) }
        if missing.isEmpty { return "multicast: the kernel's audit rules cover every syscall the rules need" }
        return "multicast: no kernel audit rule covers " + missing.joined(separator: ",")
            + "; rules needing them will not fire. Add to auditd's rules: "
            + auditctlLines(key: key).joined(separator: " ; ")
    }

    private static func isWatchable(_ path: String) -> Bool {
        var info = stat()
        if lstat(path, &info) == 0 { return info.st_mode & S_IFMT != S_IFLNK }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/") else { return false }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return stat(directory, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
