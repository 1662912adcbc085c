#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP as events of the main loop: the signals are blocked in every thread (create this
/// before starting any) and taken with `sigtimedwait`, so no code runs in signal-handler context. Sendable: the
/// mask is set once, in `init`, and only read after.
public final class SignalChannel: @unchecked Sendable {
    public enum Event: Equatable, Sendable {
        case stop(signal: Int32)
        case reload
    }

    private var mask = sigset_t()

    /// Blocks the signals for this thread and every thread started after it.
    public init() throws {
        sigemptyset(&mask)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, number) }
        guard pthread_sigmask(SIG_BLOCK, &mask, nil) == 0 else { throw SystemError(operation: "pthread_sigmask") }
        // A closed stdout or stderr must not kill the daemon.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits up to `timeoutMilliseconds` for a signal; nil on timeout.
    public func wait(timeoutMilliseconds: Int) -> Event? {
        var timeout = timespec(tv_sec: timeoutMilliseconds / 1000, tv_nsec: (timeoutMilliseconds % 1000) * 1_000_000)
        var info = siginfo_t()
        let number = sigtimedwait(&mask, &info, &timeout)
        guard number > 0 else { return nil }
        return number == SIGHUP ? .reload : .stop(signal: number)
    }
}

/// A failed system call, with errno captured at the point of failure.
struct SystemError: Error, CustomStringConvertible, Sendable {
    var operation: String
    var code: Int32

    init(operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
