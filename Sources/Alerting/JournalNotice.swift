/// Writes one journal entry of the caller's making per alert handed to it: a second journal view of an alert
/// with its own `MESSAGE_ID` and priority (the blind-spot warning), beside the alert entry `JournalWriter` writes.
///
/// Use it behind a `QueuedSink` (`AlertSinks.journalNotices`), like `JournalWriter`, so a stalled journald never
/// blocks the thread that raises the notice.
final class JournalNoticeWriter: AlertWriter {
    typealias Entry = @Sendable (Alert) -> [JournalField]

    private let entry: Entry
    private let send: JournalEntry.Send

    init(entry: @escaping Entry, send: @escaping JournalEntry.Send = JournalEntry.libsystemdSend) {
        self.entry = entry
        self.send = send
    }

    func write(_ alert: Alert) throws -> AlertWriteReport {
        let result = send(entry(alert))
        if result < 0 { throw AlertSinkError(code: -result, operation: "sd_journal_sendv") }
        return AlertWriteReport()
    }

    func close() {}

    /// A notice sink on its own thread behind a queue of `capacity` alerts.
    static func sink(name: String, capacity: Int = 64, entry: @escaping Entry,
                     send: @escaping JournalEntry.Send = JournalEntry.libsystemdSend) -> QueuedSink {
        QueuedSink(name: name, writer: JournalNoticeWriter(entry: entry, send: send), capacity: capacity)
    }
}
