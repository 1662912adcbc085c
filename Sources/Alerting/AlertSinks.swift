/// Every destination of alerts, as an `AlertSink`: the writers and the queue or direct delivery in front of them
/// stay inside this module.
public enum AlertSinks {
    /// What the terminal view of `auspex run` prints per alert.
    public enum TerminalFormat: String, Sendable, CaseIterable {
        /// `<time> <SEVERITY> <reason line>`.
        case reason
        /// The alert document, one JSON object per line.
        case ndjson
    }

    /// Each alert as one NDJSON line on standard output, written on the caller's thread (`auspex replay`).
    public static func stdout() -> any AlertSink { NDJSONWriter.stdoutSink() }

    /// journald (one entry per alert, see `JournalEntry`) on its own thread behind a queue of `capacity` alerts.
    public static func journal(capacity: Int, maxBytes: Int) -> any AlertSink {
        JournalWriter.sink(capacity: capacity, maxBytes: maxBytes)
    }

    /// The spool (one JSON file per alert) on its own thread behind a queue of `capacity` alerts; throws when the
    /// spool directory cannot be used.
    public static func spool(_ configuration: SpoolConfiguration, capacity: Int = 4096, maxBytes: Int = 16 << 20) throws
        -> any AlertSink {
        try SpoolWriter.sink(configuration: configuration, capacity: capacity, maxBytes: maxBytes)
    }

    /// The terminal view on standard output, on its own thread behind a queue (a terminal can block).
    public static func terminal(format: TerminalFormat, color: Bool, capacity: Int, maxBytes: Int) -> any AlertSink {
        TerminalWriter.sink(format: format, color: color, capacity: capacity, maxBytes: maxBytes)
    }

    /// `--color auto`: colour when standard output is a terminal, `TERM` is not `dumb` and `NO_COLOR` is unset.
    public static func terminalWantsColor() -> Bool { TerminalWriter.colorIsWanted() }

    /// A second journal view of each alert handed to it, of the caller's making (`entry`: the blind-spot warning
    /// with its own `MESSAGE_ID`), on its own thread behind a small queue.
    public static func journalNotices(name: String, entry: @escaping @Sendable (Alert) -> [(name: String, value: String)])
        -> any AlertSink {
        JournalNoticeWriter.sink(name: name, entry: { alert in entry(alert).compactMap { JournalField($0.name, $0.value) } })
    }
}
