/// Which syscalls the kernel must audit for an event to exist, by the `event.action` value that names it.
///
/// Both vocabularies are here: auditd_manager's (go-libaudit normalizations: `executed`, `connected-to`, …) and
/// Elastic Defend's (`exec`, `connection_attempted`, `session_id_change`, …), which auspex also emits where audit data
/// can produce it. Values other sources use for the same thing in multi-vendor rules (`start`, `process_started`,
/// `ProcessRollup2`, …) map to the same syscalls so that such rules still get their events.
/// Actions that come from non-syscall records are in ``actionsFromRecords`` instead. An action missing from both is
/// reported by ``AuditRuleDerivation`` rather than guessed.
let syscallsByAction: [String: [String]] = [
    // Process start.
    "executed": ["execve", "execveat"],
    "exec": ["execve", "execveat"],
    "exec_event": ["execve", "execveat"],
    "start": ["execve", "execveat"],
    "process_started": ["execve", "execveat"],
    "ProcessRollup2": ["execve", "execveat"],
    // Process life cycle and identity (Defend).
    "fork": ["fork", "vfork", "clone", "clone3"],
    "end": ["exit_group"],
    "session_id_change": ["setsid"],
    "uid_change": ["setuid", "setreuid", "setresuid", "setfsuid"],
    "gid_change": ["setgid", "setregid", "setresgid", "setfsgid"],
    "changed-identity-of": ["setuid", "setreuid", "setresuid", "setfsuid", "seteuid", "setgid", "setregid", "setresgid",
                            "setfsgid", "setegid"],
    "adjusted-scheduling-policy-of": ["sched_setattr", "sched_setparam", "sched_setscheduler"],
    "ptrace": ["ptrace"],
    "memfd_create": ["memfd_create"],
    "shmget": ["shmget"],
    "killed-pid": ["kill", "tkill", "tgkill"],
    // Network.
    "connected-to": ["connect"],
    "connection_attempted": ["connect"],
    "accepted-connection-from": ["accept", "accept4"],
    "connection_accepted": ["accept", "accept4"],
    "bound-socket": ["bind"],
    "listen-for-connections": ["listen"],
    "sent-to": ["send", "sendto", "sendmsg", "sendmmsg"],
    "received-from": ["recv", "recvfrom", "recvmsg", "recvmmsg"],
    // Kernel modules.
    "loaded-kernel-module": ["init_module", "finit_module"],
    "load_module": ["init_module", "finit_module"],
    "unloaded-kernel-module": ["delete_module"],
    // Files (rules on files usually also want file watches, which the derivation does not produce).
    // The open family is the costliest audit rule there is (every file any process opens), so it is only derived
    // when a loaded rule names an action that needs it. A kernel filter on O_CREAT is not used: the flags are a1
    // for open but a2 for openat (one rule per syscall and arch) and openat2 keeps them in a struct; the
    // created-or-not decision is made from the PATH record's nametype instead (Events' DefendVocabulary).
    "opened-file": ["open", "openat", "openat2", "creat", "truncate", "ftruncate", "fallocate", "readlink", "readlinkat"],
    "read-file": ["read"],
    "wrote-to-file": ["write"],
    "checked-metadata-of": ["stat", "stat64", "lstat", "fstat", "fstatat", "newfstatat", "access", "faccessat",
                            "getxattr", "lgetxattr", "fgetxattr"],
    "checked-filesystem-metadata-of": ["statfs", "fstatfs"],
    "creation": ["open", "openat", "openat2", "creat", "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat"],
    "modification": ["open", "openat", "openat2", "creat", "truncate", "ftruncate"],
    "open": ["open", "openat", "openat2"],
    "deleted": ["unlink", "unlinkat", "rmdir"],
    "deletion": ["unlink", "unlinkat", "rmdir"],
    "renamed": ["rename", "renameat", "renameat2"],
    "rename": ["rename", "renameat", "renameat2"],
    "changed-file-permissions-of": ["chmod", "fchmod", "fchmodat"],
    "changed-file-ownership-of": ["chown", "fchown", "fchownat", "lchown"],
    "changed-file-attributes-of": ["setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr"],
    "created-directory": ["mkdir", "mkdirat"],
    "linked": ["link", "linkat"],
    "symlinked": ["symlink", "symlinkat"],
    "make-device": ["mknod", "mknodat"],
    "changed-timestamp-of": ["utime", "utimes", "futimesat", "utimensat", "futimens"],
    "mounted": ["mount"],
    "unmounted": ["umount", "umount2"],
    "changed-system-time": ["settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "stime"],
    "changed-system-name": ["sethostname", "setdomainname"],
    "allocated-memory": ["mmap", "mmap2", "brk"],
]

/// ``syscallsByAction`` keyed by lower-cased action (no two actions differ only by case), the key the derivation
/// looks up: the case-insensitive operators match any case.
let syscallsByLowercasedAction: [String: [String]] = Dictionary(
    syscallsByAction.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { Array(Set($0 + $1)).sorted() })

/// Syscalls made once per I/O operation or memory mapping by nearly every process. Auditing one of them host-wide
/// floods the kernel backlog and costs every process on the machine, so the derivation names them in a note instead
/// of installing them; file watches or narrower rules of the operator's own serve such rules.
let highVolumeSyscalls: Set<String> = [
    "read", "write", "readlink", "readlinkat", "mmap", "mmap2", "brk",
    "stat", "stat64", "lstat", "fstat", "fstatat", "newfstatat", "access", "faccessat", "statfs", "fstatfs",
    "getxattr", "lgetxattr", "fgetxattr",
    "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg", "recvmmsg",
]

/// Syscalls an event category needs when a clause constrains neither `event.action` nor `auditd.data.syscall`:
/// `process where event.type == "start"` still means an exec, `network where …` a connection.
/// Categories with no syscall of their own (file, iam, authentication, any) are reported instead.
let syscallsByCategory: [String: [String]] = [
    "process": ["execve", "execveat"],
    "network": ["connect", "accept", "accept4", "bind"],
    "driver": ["init_module", "finit_module"],
]

/// Syscalls for a clause that constrains `event.type` but neither `event.action` nor `auditd.data.syscall`, keyed
/// `category/type`, in both conventions: `file where event.type == "deletion"` needs the unlink family, `process where
/// event.type == "end"` exit_group. Takes precedence over ``syscallsByCategory``.
let syscallsByCategoryAndType: [String: [String]] = [
    "file/creation": ["open", "openat", "openat2", "creat", "link", "linkat", "symlink", "symlinkat", "mknod",
                      "mknodat", "mkdir", "mkdirat"],
    "file/deletion": ["unlink", "unlinkat", "rmdir"],
    "file/change": ["open", "openat", "openat2", "creat", "truncate", "ftruncate", "rename", "renameat", "renameat2",
                    "chmod", "fchmod", "fchmodat", "chown", "fchown", "fchownat", "lchown"],
    "process/start": ["execve", "execveat"],
    "process/end": ["exit_group"],
    "process/change": ["setsid", "setuid", "setreuid", "setresuid", "setfsuid", "setgid", "setregid", "setresgid",
                       "setfsgid"],
    "driver/start": ["init_module", "finit_module"],
]

/// Names a wildcard on `auditd.data.syscall` (`"open*"`) is expanded against: the syscalls of the tables above plus
/// the others detection rules name. A wildcard matching none of them is reported.
let knownSyscalls: Set<String> = Set(syscallsByAction.values.joined()).union(syscallsByCategory.values.joined())
    .union(syscallsByCategoryAndType.values.joined()).union([
    "socket", "socketpair", "prctl", "mprotect", "mmap", "unshare", "setns", "splice", "pivot_root", "chroot",
    "capset", "personality", "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "io_uring_setup",
    "process_vm_writev", "process_vm_readv", "kexec_load", "kexec_file_load", "truncate", "ftruncate",
    "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat", "exit", "dup2", "dup3",
])

/// `event.action` values that user-space or kernel records (not syscalls) produce: no syscall rule makes them appear,
/// the programs that write them (shadow-utils, PAM, AppArmor) or file watches do.
let actionsFromRecords: Set<String> = [
    "added-user-account", "added-group-account-to", "deleted-user-account", "deleted-group-account-from",
    "changed-password", "modified-user-account", "modified-group-account", "logged-in", "logged-out", "authenticated",
    "started-session", "ended-session", "ran-command", "violated-apparmor-policy", "violated-selinux-policy",
    "violated-seccomp-policy", "changed-audit-configuration", "loaded-firewall-rule-to", "typed", "crashed-program",
]

/// Fields the daemon's process table fills (entity ids, ancestry, sessions). A rule reading any of them needs the
/// process life cycle audited, so that processes forked, exec'd and exited between two `/proc` looks still get their
/// ids and parents. `process.parent.pid` is not among them: the SYSCALL record carries `ppid=` itself.
let processTrackingFieldPrefixes: [String] = [
    "process.entity_id", "process.parent.entity_id", "process.parent.name", "process.parent.executable",
    "process.parent.args", "process.parent.command_line", "process.parent.working_directory",
    "process.parent.interactive", "process.parent.user.", "process.parent.group.", "process.session_leader.",
    "process.entry_leader.", "process.group_leader.", "process.previous.",
]

/// The process life cycle the table follows: exec (image), fork family (new instance, parent), setsid (session and
/// entry leaders), exit_group (end of the instance, so its pid can be reused).
let processTrackingSyscalls: [String] = ["execve", "execveat", "fork", "vfork", "clone", "clone3", "setsid", "exit_group"]
