import AuditNetlink
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP as a raised `WakeEvent`: the kernel reader polling it stops at once and the main loop
/// sees it between batches and cleans up on its own thread. The daemon's mechanism (`SignalChannel` takes the blocked
/// signals with `sigtimedwait`, here on a thread of its own), so nothing runs in signal-handler context.
final class StopSignal {
    /// Raised once a stop was requested: the kernel reader's wake, so a signal stops it at once.
    let wake: WakeEvent
    private let watcher: Thread

    /// Create it before any other thread starts: the signals stay blocked in every thread started after it.
    init() throws {
        let signals = try SignalChannel()
        let wake = try WakeEvent()
        watcher = Thread {
            while !Thread.current.isCancelled {
                if signals.wait(timeoutMilliseconds: 100) != nil { wake.raise() }
            }
        }
        self.wake = wake
        watcher.start()
    }

    deinit {
        watcher.cancel()
    }

    /// Requests a stop (also used for limits reached and output errors).
    func raise() { wake.raise() }

    var isRaised: Bool { wake.isRaised }
}


/// Buffered writes to a file descriptor; a failed write (EPIPE, …) is remembered, not fatal.
struct LineOutput {
    let descriptor: Int32
    private(set) var buffer: [UInt8] = []
    private(set) var failed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        var written = 0
        while written < buffer.count, !failed {
            let n = buffer[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if n > 0 { written += n } else if n < 0, errno == EINTR { continue } else { failed = true }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
