#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A destination for alerts (journald, the spool, stdout).
///
/// `deliver` never throws and never waits on the destination for long: failures and drops are counted in
/// `counters`, which the daemon shows in `STATUS=` and `auspex status`.
public protocol AlertSink: AnyObject, Sendable {
    /// A short name for status lines: `journal`, `spool`, `stdout`.
    var name: String { get }
    /// Hands one alert to the sink.
    func deliver(_ alert: Alert)
    /// A snapshot of the sink's counters.
    var counters: SinkCounters { get }
    /// Waits until every alert handed over so far was written (or failed). False on timeout.
    @discardableResult func flush(timeoutMilliseconds: Int) -> Bool
    /// Stops accepting alerts, delivers what is queued (up to the timeout), releases the destination.
    /// False when the destination did not finish in time (its thread is left to finish on its own).
    @discardableResult func close(timeoutMilliseconds: Int) -> Bool
}

/// What a sink did with the alerts handed to it.
public struct SinkCounters: Hashable, Sendable, CustomStringConvertible {
    /// Written to the destination.
    public var delivered: UInt64 = 0
    /// Never attempted: the queue was full or the sink closed.
    public var dropped: UInt64 = 0
    /// Attempted and failed (journald absent, disk full, …); `lastError` says why.
    public var failed: UInt64 = 0
    /// Older alerts removed by the spool's retention limits.
    public var evicted: UInt64 = 0
    /// Old alerts the spool's retention could not remove (unlink failed); skipped, logged once.
    public var retentionErrors: UInt64 = 0
    /// Why the last failed write failed.
    public internal(set) var lastError: String?

    init() {}

    public var description: String {
        "delivered=\(delivered) dropped=\(dropped) failed=\(failed) evicted=\(evicted)"
            + (retentionErrors > 0 ? " retention_errors=\(retentionErrors)" : "")
            + (lastError.map { " last_error=\"\($0)\"" } ?? "")
    }
}

/// The synchronous half of a sink: writes one alert or throws. Used from a single thread at a time.
protocol AlertWriter: AnyObject {
    /// Writes the alert; returns how many older alerts retention removed on the way.
    func write(_ alert: Alert) throws -> AlertWriteReport
    /// Writes several alerts in order, one outcome per alert. Writers override it to share costs (the
    /// spool fsyncs its directory once per batch); the default writes them one by one.
    func write(batch alerts: [Alert]) -> [Result<AlertWriteReport, any Error>]
    /// Releases file descriptors; called once, after the last write.
    func close()
}

extension AlertWriter {
    func write(batch alerts: [Alert]) -> [Result<AlertWriteReport, any Error>] {
        alerts.map { alert in Result { try write(alert) } }
    }
}

struct AlertWriteReport: Hashable, Sendable {
    var evicted: Int
    /// Files retention failed to remove (skipped; see `SpoolWriter.retentionErrors`).
    var retentionErrors: Int
    init(evicted: Int = 0, retentionErrors: Int = 0) {
        self.evicted = evicted
        self.retentionErrors = retentionErrors
    }
}

/// A failed system call while writing an alert.
struct AlertSinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The errno value (`ENOENT`, `ENOSPC`, …).
    var code: Int32
    /// What was being done: `sd_journal_sendv`, `write tmp/<name>`, …
    var operation: String

    init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    var description: String {
        "\(operation): " + String(cString: strerror(code)) + " (errno \(code))"
    }
}
