import Foundation

/// A sink that writes on the caller's thread (`auspex replay` to stdout, tests, a spool on a fast disk).
final class DirectSink: AlertSink, @unchecked Sendable {
    let name: String
    private let writer: AlertWriter
    private let lock = NSLock()
    private var closed = false
    private var state = SinkCounters()

    init(name: String, writer: AlertWriter) {
        self.name = name
        self.writer = writer
    }

    func deliver(_ alert: Alert) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else {
            state.dropped += 1
            return
        }
        state.record(Result { try writer.write(alert) })
    }

    var counters: SinkCounters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    @discardableResult
    func flush(timeoutMilliseconds: Int) -> Bool { true }

    @discardableResult
    func close(timeoutMilliseconds: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if !closed {
            closed = true
            writer.close()
        }
        return true
    }
}
