import Foundation

/// A sink that writes on the caller's thread (`auspex replay` to stdout, tests, a spool on a fast disk).
public final class DirectSink: AlertSink, @unchecked Sendable {
    public let name: String
    private let writer: AlertWriter
    private let lock = NSLock()
    private var closed = false
    private var state = SinkCounters()

    init(name: String, writer: AlertWriter) {
        self.name = name
        self.writer = writer
    }

    public func deliver(_ alert: Alert) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else {
            state.dropped += 1
            return
        }
        state.record(Result { try writer.write(alert) })
    }

    public var counters: SinkCounters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    @discardableResult
    public func flush(timeoutMilliseconds: Int) -> Bool { true }

    @discardableResult
    public func close(timeoutMilliseconds: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if !closed {
            closed = true
            writer.close()
        }
        return true
    }
}
