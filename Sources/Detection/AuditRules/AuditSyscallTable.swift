import Events
import Processes

/// Which syscalls the kernel must audit for an event to exist, by the `event.action` value that names it.
///
/// Computed from the tables that write the actions, so that it cannot drift from them: auditd_manager's vocabulary
/// (go-libaudit normalizations: `executed`, `connected-to`, …) and Elastic Defend's (`exec`, `connection_attempted`,
/// `session_id_change`, …), which auspex also emits where audit data can produce it, are
/// ``ProducedValues/syscallsByAction``. Only ``extraSyscallsByAction`` is written by hand.
/// Actions that come from non-syscall records are in ``actionsFromRecords`` instead. An action missing from both is
/// reported by ``AuditRuleDerivation`` rather than guessed.
let syscallsByAction: [String: [String]] = {
    var table = ProducedValues.syscallsByAction
    for (action, syscalls) in extraSyscallsByAction { table[action, default: []].formUnion(syscalls) }
    return table.mapValues { $0.sorted() }
}()

/// Actions no table of auspex writes, which rules still test for events audit can see.
let extraSyscallsByAction: [String: [String]] = [
    // Other sources' names for a process start, which multi-vendor rules list beside `exec` and `executed`
    // (`event.action in ("exec", "exec_event", "start", "ProcessRollup2", …)`): such rules still get their events.
    "exec_event": ["execve", "execveat"],
    "start": ["execve", "execveat"],
    "process_started": ["execve", "execveat"],
    "ProcessRollup2": ["execve", "execveat"],
    // Calls that other sources name by the syscall itself; audit's normalization gives them no action.
    "ptrace": ["ptrace"],
    "memfd_create": ["memfd_create"],
    "shmget": ["shmget"],
    // openat2 postdates go-libaudit's table, so auditd_manager gives it no action and no `opened-file` event comes
    // from it; kept as the hand-kept table had it, so the audit rules derived stay the same.
    "opened-file": ["openat2"],
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

/// Fields the daemon's process table fills from what it remembers of other events: those of the enricher's
/// ``ProcessEnricher/producedFields`` that describe another process (parent, session, entry and group leaders), the
/// image before an exec, or the entity id. A rule reading any of them needs the process life cycle audited, so that
/// processes forked, exec'd and exited between two `/proc` looks still get their ids and parents.
/// `process.parent.pid` is not among them: the SYSCALL record carries `ppid=` itself.
let processTrackingFields: Set<String> = Set(ProcessEnricher.producedFields.filter { field in
    field == "process.entity_id" || processTrackingNamespaces.contains { field.hasPrefix($0) }
})

/// The other processes (and the previous image) the table remembers, as field-name prefixes.
private let processTrackingNamespaces = [
    "process.parent.", "process.session_leader.", "process.entry_leader.", "process.group_leader.", "process.previous.",
]

/// The process life cycle the table follows: exec (image), fork family (new instance, parent), setsid (session and
/// entry leaders), exit_group (end of the instance, so its pid can be reused).
let processTrackingSyscalls: [String] = ["execve", "execveat", "fork", "vfork", "clone", "clone3", "setsid", "exit_group"]
