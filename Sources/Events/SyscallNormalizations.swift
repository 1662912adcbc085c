import AuditRecords

/// The syscall normalization table (ecs-mapping.md §1.4, go-libaudit `normalizations.yaml`): syscall name →
/// `event.action`, object type and ECS categorization. Syscalls not listed fall to `SyscallNormalizations.fallback`
/// (category `process`, type `info`, no action), which is what auditd_manager stores for socket, setsid, prctl, …
enum SyscallNormalizations {
    /// The `'*'` catch-all.
    static let fallback = Normalization(action: nil, categories: ["process"], types: ["info"])

    /// The normalization for a syscall name, or `fallback`.
    static func lookup(_ syscall: String) -> Normalization {
        table[syscall] ?? fallback
    }

    /// The normalization of syscall `number` on `arch` (the name's, else `fallback`), by index: hashing the name
    /// cost more than the rest of the lookup. Nil for an architecture or number without a name.
    static func lookup(arch: AuditArch, number: Int) -> Normalization? {
        let byNumber: [Normalization?]
        switch arch {
        case .x86_64: byNumber = byNumberX86_64
        case .aarch64: byNumber = byNumberAarch64
        default: return arch.syscallName(number).map(lookup)
        }
        return number >= 0 && number < byNumber.count ? byNumber[number] : nil
    }

    private static let byNumberX86_64 = byNumber(on: .x86_64)
    private static let byNumberAarch64 = byNumber(on: .aarch64)

    /// Each number's normalization up to the last named syscall of `arch`.
    private static func byNumber(on arch: AuditArch) -> [Normalization?] {
        let table = (0..<2048).map { arch.syscallName($0).map(lookup) }
        return Array(table[..<((table.lastIndex { $0 != nil } ?? -1) + 1)])
    }

    /// Syscall name → normalization, built once from `entries`.
    static let table: [String: Normalization] = {
        var table: [String: Normalization] = [:]
        for (names, normalization) in entries {
            for name in names { table[name] = normalization }
        }
        return table
    }()

    private static func row(_ action: String, _ object: String, _ category: String, _ types: [String],
                            pathIndex: Int = 0, howIsSyscall: Bool = false) -> Normalization
    {
        Normalization(action: action, objectType: object, categories: [category], types: types,
                      objectPathIndex: pathIndex, how: howIsSyscall ? ["syscall"] : [])
    }

    /// Shared with the KERN_MODULE record type (one YAML entry covers both).
    static let kernelModuleLoad = Normalization(action: "loaded-kernel-module", objectType: "file", categories: ["driver"],
                                                types: ["start"], objectPrimary: ["name"])
    /// Shared with the TIME_ADJNTPVAL / TIME_INJOFFSET record types.
    static let systemTimeChange = row("changed-system-time", "system", "host", ["change"])

    /// One row per table line: the syscalls it covers and what they mean.
    static let entries: [([String], Normalization)] = [
        (["creat"], row("opened-file", "file", "file", ["creation"])),
        (["fallocate", "truncate", "ftruncate"], row("opened-file", "file", "file", ["change"])),
        (["open", "openat", "readlink", "readlinkat"], row("opened-file", "file", "file", ["info"])),
        (["read"], row("read-file", "file", "file", ["info"])),
        (["write"], row("wrote-to-file", "file", "file", ["change"])),
        (["setxattr", "fsetxattr", "lsetxattr", "removexattr", "fremovexattr", "lremovexattr"],
         row("changed-file-attributes-of", "file", "file", ["change"])),
        (["chmod", "fchmod", "fchmodat"], row("changed-file-permissions-of", "file", "file", ["change"])),
        (["chown", "fchown", "fchownat", "lchown"], row("changed-file-ownership-of", "file", "file", ["change"])),
        (["finit_module", "init_module"], kernelModuleLoad),
        (["delete_module"], row("unloaded-kernel-module", "file", "driver", ["end"])),
        (["mkdir", "mkdirat"], row("created-directory", "file", "file", ["creation"], pathIndex: 1)),
        (["mount"], row("mounted", "filesystem", "file", ["creation"], pathIndex: 1)),
        (["rename", "renameat", "renameat2"], row("renamed", "file", "file", ["change"], pathIndex: 2)),
        (["access", "faccessat", "fstatat", "newfstatat", "stat", "stat64", "fstat", "lstat", "getxattr",
          "lgetxattr", "fgetxattr"], row("checked-metadata-of", "file", "file", ["info"])),
        (["statfs", "fstatfs"], row("checked-filesystem-metadata-of", "filesystem", "file", ["info"])),
        (["link", "linkat"], row("linked", "file", "file", ["creation"])),
        (["symlink", "symlinkat"], row("symlinked", "file", "file", ["creation"])),
        (["umount", "umount2"], row("unmounted", "filesystem", "file", ["deletion"])),
        (["rmdir", "unlink", "unlinkat"], row("deleted", "file", "file", ["deletion"])),
        (["utime", "utimes", "futimesat", "futimens", "utimensat"], row("changed-timestamp-of", "file", "file", ["info"])),
        (["execve", "execveat"], row("executed", "file", "process", ["start"])),
        (["listen"], row("listen-for-connections", "socket", "network", ["start"])),
        (["accept", "accept4"], row("accepted-connection-from", "socket", "network", ["connection", "start"])),
        (["bind"], row("bound-socket", "socket", "network", ["start"])),
        (["connect"], row("connected-to", "socket", "network", ["connection", "start"])),
        (["recv", "recvfrom", "recvmsg", "recvmmsg"], row("received-from", "socket", "network", ["connection", "info"])),
        (["send", "sendto", "sendmsg", "sendmmsg"], row("sent-to", "socket", "network", ["connection", "info"])),
        (["kill", "tkill", "tgkill"], row("killed-pid", "process", "process", ["end"])),
        (["setuid", "seteuid", "setfsuid", "setreuid", "setgid", "setegid", "setfsgid", "setregid", "setresuid",
          "setresgid"], row("changed-identity-of", "process", "process", ["change"], howIsSyscall: true)),
        (["settimeofday", "clock_settime", "stime", "adjtimex", "clock_adjtime"], systemTimeChange),
        (["mknod", "mknodat"], row("make-device", "file", "file", ["creation"])),
        (["sethostname", "setdomainname"], row("changed-system-name", "system", "host", ["change"])),
        (["mmap", "mmap2", "brk"], row("allocated-memory", "memory", "process", ["info"])),
        (["sched_setparam", "sched_setscheduler", "sched_setattr"],
         row("adjusted-scheduling-policy-of", "process", "process", ["change"], howIsSyscall: true)),
        (["exit_group"], row("end", "process", "process", ["end"], howIsSyscall: true)),
    ]
}
