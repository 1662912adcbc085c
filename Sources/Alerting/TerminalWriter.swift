#if canImport(Glibc)
import Glibc
#endif

/// The terminal view of `auspex run`: each alert's reason line (severity coloured), or each alert document as one
/// NDJSON line. Suppression summaries print too (dimmed). Use it behind a `QueuedSink`: a terminal can block
/// (Ctrl-S, a slow ssh link), and detection must not.
final class TerminalWriter: AlertWriter {
    typealias Format = AlertSinks.TerminalFormat

    let fileDescriptor: Int32
    let format: Format
    let color: Bool

    init(format: Format, color: Bool, fileDescriptor: Int32 = STDOUT_FILENO) {
        self.format = format
        self.color = color
        self.fileDescriptor = fileDescriptor
    }

    /// `--color auto`: colour when the descriptor is a terminal, `TERM` is not `dumb` and `NO_COLOR` is unset.
    static func colorIsWanted(fileDescriptor: Int32 = STDOUT_FILENO) -> Bool {
        guard isatty(fileDescriptor) == 1, getenv("NO_COLOR") == nil else { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    /// The line printed for an alert, without the newline.
    func line(for alert: Alert) -> [UInt8] {
        switch format {
        case .ndjson:
            return Array(alert.jsonLine.dropLast())
        case .reason:
            let time = alert.created.rfc3339
            let clock = time.count >= 19 ? String(time.dropFirst(11).prefix(8)) : time
            let severity = alert.rule.severity.rawValue.uppercased()
            // The reason line is escaped by construction; escape again in case a caller replaced it by hand.
            let reason = JournalEntry.oneLine(alert.reason)
            guard color else { return Array("\(clock) \(severity) \(reason)".utf8) }
            let tone = alert.isSuppressionSummary ? "2" : Self.colorCode(alert.rule.severity)
            return Array("\(clock) \u{1B}[\(tone)m\(severity)\u{1B}[0m \(alert.isSuppressionSummary ? "\u{1B}[2m" + reason + "\u{1B}[0m" : reason)".utf8)
        }
    }

    /// SGR codes: critical bold white on red, high bold red, medium yellow, low cyan.
    static func colorCode(_ severity: AlertRule.Severity) -> String {
        switch severity {
        case .critical: return "1;97;41"
        case .high: return "1;31"
        case .medium: return "33"
        case .low: return "36"
        }
    }

    func write(_ alert: Alert) throws -> AlertWriteReport {
        var bytes = line(for: alert)
        bytes.append(0x0A)
        if let code = writeAll(bytes, to: fileDescriptor) {
            throw AlertSinkError(code: code, operation: "write fd \(fileDescriptor)")
        }
        return AlertWriteReport()
    }

    func close() {}

    /// A terminal sink on its own thread behind a queue.
    static func sink(format: Format, color: Bool, capacity: Int = 1024, maxBytes: Int = 16 << 20) -> QueuedSink {
        QueuedSink(name: "stdout", writer: TerminalWriter(format: format, color: color), capacity: capacity,
                   maxBytes: maxBytes)
    }
}
