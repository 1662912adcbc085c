// Generated from the Linux 6.1 UAPI header asm-generic/unistd.h (with arm64's __ARCH_WANT_RENAMEAT, _NEW_STAT, _SET_GET_RLIMIT, _TIME32_SYSCALLS, _SYS_CLONE3, _MEMFD_SECRET)
// (Debian linux-libc-dev 6.1), numbers 0…450. Where auditd/libaudit 3.0.9 (and go-libaudit, generated from
// the same tables) print another name, theirs is used so documents match auditd_manager: 61 getdents64→getdents; 67 pread64→pread; 68 pwrite64→pwrite; 80 fstat→newfstat.
extension SyscallTables {
    static let aarch64Syscalls: [String?] = [
        "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "setxattr",  // 0
        "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr", "listxattr",  // 6
        "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "getcwd",  // 12
        "lookup_dcookie", "eventfd2", "epoll_create1", "epoll_ctl", "epoll_pwait", "dup",  // 18
        "dup3", "fcntl", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "ioctl",  // 24
        "ioprio_set", "ioprio_get", "flock", "mknodat", "mkdirat", "unlinkat",  // 30
        "symlinkat", "linkat", "renameat", "umount2", "mount", "pivot_root",  // 36
        "nfsservctl", "statfs", "fstatfs", "truncate", "ftruncate", "fallocate",  // 42
        "faccessat", "chdir", "fchdir", "chroot", "fchmod", "fchmodat",  // 48
        "fchownat", "fchown", "openat", "close", "vhangup", "pipe2",  // 54
        "quotactl", "getdents", "lseek", "read", "write", "readv",  // 60
        "writev", "pread", "pwrite", "preadv", "pwritev", "sendfile",  // 66
        "pselect6", "ppoll", "signalfd4", "vmsplice", "splice", "tee",  // 72
        "readlinkat", "newfstatat", "newfstat", "sync", "fsync", "fdatasync",  // 78
        "sync_file_range", "timerfd_create", "timerfd_settime", "timerfd_gettime", "utimensat", "acct",  // 84
        "capget", "capset", "personality", "exit", "exit_group", "waitid",  // 90
        "set_tid_address", "unshare", "futex", "set_robust_list", "get_robust_list", "nanosleep",  // 96
        "getitimer", "setitimer", "kexec_load", "init_module", "delete_module", "timer_create",  // 102
        "timer_gettime", "timer_getoverrun", "timer_settime", "timer_delete", "clock_settime", "clock_gettime",  // 108
        "clock_getres", "clock_nanosleep", "syslog", "ptrace", "sched_setparam", "sched_setscheduler",  // 114
        "sched_getscheduler", "sched_getparam", "sched_setaffinity", "sched_getaffinity", "sched_yield", "sched_get_priority_max",  // 120
        "sched_get_priority_min", "sched_rr_get_interval", "restart_syscall", "kill", "tkill", "tgkill",  // 126
        "sigaltstack", "rt_sigsuspend", "rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigtimedwait",  // 132
        "rt_sigqueueinfo", "rt_sigreturn", "setpriority", "getpriority", "reboot", "setregid",  // 138
        "setgid", "setreuid", "setuid", "setresuid", "getresuid", "setresgid",  // 144
        "getresgid", "setfsuid", "setfsgid", "times", "setpgid", "getpgid",  // 150
        "getsid", "setsid", "getgroups", "setgroups", "uname", "sethostname",  // 156
        "setdomainname", "getrlimit", "setrlimit", "getrusage", "umask", "prctl",  // 162
        "getcpu", "gettimeofday", "settimeofday", "adjtimex", "getpid", "getppid",  // 168
        "getuid", "geteuid", "getgid", "getegid", "gettid", "sysinfo",  // 174
        "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",  // 180
        "msgget", "msgctl", "msgrcv", "msgsnd", "semget", "semctl",  // 186
        "semtimedop", "semop", "shmget", "shmctl", "shmat", "shmdt",  // 192
        "socket", "socketpair", "bind", "listen", "accept", "connect",  // 198
        "getsockname", "getpeername", "sendto", "recvfrom", "setsockopt", "getsockopt",  // 204
        "shutdown", "sendmsg", "recvmsg", "readahead", "brk", "munmap",  // 210
        "mremap", "add_key", "request_key", "keyctl", "clone", "execve",  // 216
        "mmap", "fadvise64", "swapon", "swapoff", "mprotect", "msync",  // 222
        "mlock", "munlock", "mlockall", "munlockall", "mincore", "madvise",  // 228
        "remap_file_pages", "mbind", "get_mempolicy", "set_mempolicy", "migrate_pages", "move_pages",  // 234
        "rt_tgsigqueueinfo", "perf_event_open", "accept4", "recvmmsg", nil, nil,  // 240
        nil, nil, nil, nil, nil, nil,  // 246
        nil, nil, nil, nil, nil, nil,  // 252
        nil, nil, "wait4", "prlimit64", "fanotify_init", "fanotify_mark",  // 258
        "name_to_handle_at", "open_by_handle_at", "clock_adjtime", "syncfs", "setns", "sendmmsg",  // 264
        "process_vm_readv", "process_vm_writev", "kcmp", "finit_module", "sched_setattr", "sched_getattr",  // 270
        "renameat2", "seccomp", "getrandom", "memfd_create", "bpf", "execveat",  // 276
        "userfaultfd", "membarrier", "mlock2", "copy_file_range", "preadv2", "pwritev2",  // 282
        "pkey_mprotect", "pkey_alloc", "pkey_free", "statx", "io_pgetevents", "rseq",  // 288
        "kexec_file_load", nil, nil, nil, nil, nil,  // 294
        nil, nil, nil, nil, nil, nil,  // 300
        nil, nil, nil, nil, nil, nil,  // 306
        nil, nil, nil, nil, nil, nil,  // 312
        nil, nil, nil, nil, nil, nil,  // 318
        nil, nil, nil, nil, nil, nil,  // 324
        nil, nil, nil, nil, nil, nil,  // 330
        nil, nil, nil, nil, nil, nil,  // 336
        nil, nil, nil, nil, nil, nil,  // 342
        nil, nil, nil, nil, nil, nil,  // 348
        nil, nil, nil, nil, nil, nil,  // 354
        nil, nil, nil, nil, nil, nil,  // 360
        nil, nil, nil, nil, nil, nil,  // 366
        nil, nil, nil, nil, nil, nil,  // 372
        nil, nil, nil, nil, nil, nil,  // 378
        nil, nil, nil, nil, nil, nil,  // 384
        nil, nil, nil, nil, nil, nil,  // 390
        nil, nil, nil, nil, nil, nil,  // 396
        nil, nil, nil, nil, nil, nil,  // 402
        nil, nil, nil, nil, nil, nil,  // 408
        nil, nil, nil, nil, nil, nil,  // 414
        nil, nil, nil, nil, "pidfd_send_signal", "io_uring_setup",  // 420
        "io_uring_enter", "io_uring_register", "open_tree", "move_mount", "fsopen", "fsconfig",  // 426
        "fsmount", "fspick", "pidfd_open", "clone3", "close_range", "openat2",  // 432
        "pidfd_getfd", "faccessat2", "process_madvise", "epoll_pwait2", "mount_setattr", "quotactl_fd",  // 438
        "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "memfd_secret", "process_mrelease", "futex_waitv",  // 444
        "set_mempolicy_home_node",  // 450
    ]
}
