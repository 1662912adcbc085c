import Glibc

/// Writes each alert as one line of JSON (NDJSON) to a file descriptor, standard output by default
/// (`auspex replay`). Callers that write to a pipe should ignore SIGPIPE so a closed reader is an
/// `EPIPE` error, not a signal.
public final class NDJSONWriter: AlertWriter {
    let fileDescriptor: Int32

    public init(fileDescriptor: Int32 = STDOUT_FILENO) {
        self.fileDescriptor = fileDescriptor
    }

    public func write(_ alert: Alert) throws -> AlertWriteReport {
        let bytes = alert.jsonLine
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AlertSinkError(code: errno, operation: "write fd \(fileDescriptor)")
            }
            written += n
        }
        return AlertWriteReport()
    }

    /// The descriptor belongs to the caller; nothing to release.
    public func close() {}

    /// A synchronous NDJSON sink on standard output.
    public static func stdoutSink() -> DirectSink {
        DirectSink(name: "stdout", writer: NDJSONWriter())
    }
}
