import AuditRecords

/// Which syscalls the kernel's current audit rules cover, read over netlink (AUDIT_LIST_RULES): multicast mode cannot
/// install rules, so it reports what is missing instead.
public enum KernelRuleListing {
    /// Syscall names the kernel's exit rules audit (`all` when one rule audits every syscall), or nil when the rules
    /// cannot be listed (no CAP_AUDIT_CONTROL).
    public static func auditedSyscalls() -> Set<String>? {
        guard let socket = try? AuditSocket(.unicast), let masks = try? socket.auditedSyscallMasks() else { return nil }
        return syscalls(in: masks)
    }

    /// Names for the numbers of each mask, on the mask's arch (the native one, x86_64 or aarch64, when it names none).
    static func syscalls(in masks: [AuditedSyscallMask], native: AuditArch = .native) -> Set<String> {
        var names = Set<String>()
        for mask in masks {
            if mask.coversAll { names.insert("all") }
            let arch = mask.arch == 0 ? native : AuditArch(rawValue: mask.arch)
            for number in mask.numbers { names.insert(arch.syscallName(number) ?? String(number)) }
        }
        return names
    }
}

extension AuditArch {
    /// The arch this binary was built for: what a rule without `-F arch=` applies to.
    static var native: AuditArch {
        #if arch(arm64)
        return .aarch64
        #else
        return .x86_64
        #endif
    }
}
