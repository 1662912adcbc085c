import Detection
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a readable self-pipe, so a loop blocked in poll wakes at once and
/// cleans up on its own thread (nothing runs in signal-handler context; the pipe is never drained).
final class StopSignal {
    /// Readable once a stop was requested; pass it to poll as the wake descriptor.
    let descriptor: Int32
    private let writeEnd: Int32
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
        }
        descriptor = ends[0]
        writeEnd = ends[1]
        let queue = DispatchQueue(label: "auspex.stop-signal")
        let fd = writeEnd
        for number in signals {
            signal(number, SIG_IGN) // the dispatch source receives it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { StopSignal.raise(fd) }
            source.resume()
            sources.append(source)
        }
        // A closed stdout must end the run through the normal cleanup, not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        sources.forEach { $0.cancel() }
        close(descriptor)
        close(writeEnd)
    }

    /// Requests a stop (also used for limits reached and output errors).
    func raise() { StopSignal.raise(writeEnd) }

    private static func raise(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    var isRaised: Bool {
        var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0
    }
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

/// One line on stderr (the daemon's writer: one `write`, EINTR and short writes handled).
func printError(_ message: String) {
    StandardError.line(message)
}
