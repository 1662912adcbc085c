/// Signal names for SECCOMP `sig=` and ANOM_ABEND `sig=`, from the Linux 6.1 UAPI header asm/signal.h of x86
/// (shared by arm, arm64 and the asm-generic architectures; mips, sparc, alpha and parisc number some differently).
enum AuditSignal {
    /// `SIGSYS` for 31; nil outside 1…31 (real-time signals have no fixed name).
    static func name(_ signal: Int) -> String? {
        guard signal >= 1, signal <= names.count else { return nil }
        return names[signal - 1]
    }

    static let names = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS",
    ]
}
