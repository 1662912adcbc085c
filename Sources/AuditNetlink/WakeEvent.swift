#if canImport(Glibc)
import Glibc
#endif

/// A pipe another thread's poll can wait on: the kernel reader's "stop now" (`AuditReader.receive`'s wake
/// descriptor). Once raised it stays readable (never drained), so every waiter sees it.
public final class WakeEvent: @unchecked Sendable {
    let descriptor: Int32
    private let writeEnd: Int32

    public init() throws(AuditNetlinkError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .system(operation: "pipe", errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    public func raise() {
        var one: UInt8 = 1
        _ = write(writeEnd, &one, 1)
    }

    /// Whether ``raise()`` was called.
    public var isRaised: Bool {
        var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0
    }
}
