// Generated from the Linux 6.1 UAPI header asm/unistd_64.h
// (Debian linux-libc-dev 6.1), numbers 0…450. Where auditd/libaudit 3.0.9 (and go-libaudit, generated from
// the same tables) print another name, theirs is used so documents match auditd_manager: 17 pread64→pread; 18 pwrite64→pwrite.
extension SyscallTables {
    static let x86_64Syscalls: [String?] = [
        "read", "write", "open", "close", "stat", "fstat",  // 0
        "lstat", "poll", "lseek", "mmap", "mprotect", "munmap",  // 6
        "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "pread",  // 12
        "pwrite", "readv", "writev", "access", "pipe", "select",  // 18
        "sched_yield", "mremap", "msync", "mincore", "madvise", "shmget",  // 24
        "shmat", "shmctl", "dup", "dup2", "pause", "nanosleep",  // 30
        "getitimer", "alarm", "setitimer", "getpid", "sendfile", "socket",  // 36
        "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",  // 42
        "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair",  // 48
        "setsockopt", "getsockopt", "clone", "fork", "vfork", "execve",  // 54
        "exit", "wait4", "kill", "uname", "semget", "semop",  // 60
        "semctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl",  // 66
        "fcntl", "flock", "fsync", "fdatasync", "truncate", "ftruncate",  // 72
        "getdents", "getcwd", "chdir", "fchdir", "rename", "mkdir",  // 78
        "rmdir", "creat", "link", "unlink", "symlink", "readlink",  // 84
        "chmod", "fchmod", "chown", "fchown", "lchown", "umask",  // 90
        "gettimeofday", "getrlimit", "getrusage", "sysinfo", "times", "ptrace",  // 96
        "getuid", "syslog", "getgid", "setuid", "setgid", "geteuid",  // 102
        "getegid", "setpgid", "getppid", "getpgrp", "setsid", "setreuid",  // 108
        "setregid", "getgroups", "setgroups", "setresuid", "getresuid", "setresgid",  // 114
        "getresgid", "getpgid", "setfsuid", "setfsgid", "getsid", "capget",  // 120
        "capset", "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo", "rt_sigsuspend", "sigaltstack",  // 126
        "utime", "mknod", "uselib", "personality", "ustat", "statfs",  // 132
        "fstatfs", "sysfs", "getpriority", "setpriority", "sched_setparam", "sched_getparam",  // 138
        "sched_setscheduler", "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval", "mlock",  // 144
        "munlock", "mlockall", "munlockall", "vhangup", "modify_ldt", "pivot_root",  // 150
        "_sysctl", "prctl", "arch_prctl", "adjtimex", "setrlimit", "chroot",  // 156
        "sync", "acct", "settimeofday", "mount", "umount2", "swapon",  // 162
        "swapoff", "reboot", "sethostname", "setdomainname", "iopl", "ioperm",  // 168
        "create_module", "init_module", "delete_module", "get_kernel_syms", "query_module", "quotactl",  // 174
        "nfsservctl", "getpmsg", "putpmsg", "afs_syscall", "tuxcall", "security",  // 180
        "gettid", "readahead", "setxattr", "lsetxattr", "fsetxattr", "getxattr",  // 186
        "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr", "removexattr",  // 192
        "lremovexattr", "fremovexattr", "tkill", "time", "futex", "sched_setaffinity",  // 198
        "sched_getaffinity", "set_thread_area", "io_setup", "io_destroy", "io_getevents", "io_submit",  // 204
        "io_cancel", "get_thread_area", "lookup_dcookie", "epoll_create", "epoll_ctl_old", "epoll_wait_old",  // 210
        "remap_file_pages", "getdents64", "set_tid_address", "restart_syscall", "semtimedop", "fadvise64",  // 216
        "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete", "clock_settime",  // 222
        "clock_gettime", "clock_getres", "clock_nanosleep", "exit_group", "epoll_wait", "epoll_ctl",  // 228
        "tgkill", "utimes", "vserver", "mbind", "set_mempolicy", "get_mempolicy",  // 234
        "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",  // 240
        "kexec_load", "waitid", "add_key", "request_key", "keyctl", "ioprio_set",  // 246
        "ioprio_get", "inotify_init", "inotify_add_watch", "inotify_rm_watch", "migrate_pages", "openat",  // 252
        "mkdirat", "mknodat", "fchownat", "futimesat", "newfstatat", "unlinkat",  // 258
        "renameat", "linkat", "symlinkat", "readlinkat", "fchmodat", "faccessat",  // 264
        "pselect6", "ppoll", "unshare", "set_robust_list", "get_robust_list", "splice",  // 270
        "tee", "sync_file_range", "vmsplice", "move_pages", "utimensat", "epoll_pwait",  // 276
        "signalfd", "timerfd_create", "eventfd", "fallocate", "timerfd_settime", "timerfd_gettime",  // 282
        "accept4", "signalfd4", "eventfd2", "epoll_create1", "dup3", "pipe2",  // 288
        "inotify_init1", "preadv", "pwritev", "rt_tgsigqueueinfo", "perf_event_open", "recvmmsg",  // 294
        "fanotify_init", "fanotify_mark", "prlimit64", "name_to_handle_at", "open_by_handle_at", "clock_adjtime",  // 300
        "syncfs", "sendmmsg", "setns", "getcpu", "process_vm_readv", "process_vm_writev",  // 306
        "kcmp", "finit_module", "sched_setattr", "sched_getattr", "renameat2", "seccomp",  // 312
        "getrandom", "memfd_create", "kexec_file_load", "bpf", "execveat", "userfaultfd",  // 318
        "membarrier", "mlock2", "copy_file_range", "preadv2", "pwritev2", "pkey_mprotect",  // 324
        "pkey_alloc", "pkey_free", "statx", "io_pgetevents", "rseq", nil,  // 330
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
