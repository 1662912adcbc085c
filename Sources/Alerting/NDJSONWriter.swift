import Glibc

/// Writes each alert as one line of JSON (NDJSON) to a file descriptor, standard output by default
/// (`auspex replay`). Callers that write to a pipe should ignore SIGPIPE so a closed reader is an
/// `EPIPE` error, not a signal.
final class NDJSONWriter: AlertWriter {
    let fileDescriptor: Int32

    init(fileDescriptor: Int32 = STDOUT_FILENO) {
        self.fileDescriptor = fileDescriptor
    }

    func write(_ alert: Alert) throws -> AlertWriteReport {
        if let code = writeAll(alert.jsonLine, to: fileDescriptor) {
            throw AlertSinkError(code: code, operation: "write fd \(fileDescriptor)")
        }
        return AlertWriteReport()
    }

    /// The descriptor belongs to the caller; nothing to release.
    func close() {}

    /// A synchronous NDJSON sink on standard output.
    static func stdoutSink() -> DirectSink {
        DirectSink(name: "stdout", writer: NDJSONWriter())
    }
}
