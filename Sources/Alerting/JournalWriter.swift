import CSystemd

/// Writes alerts to journald through libsystemd's native protocol (`sd_journal_sendv`).
///
/// Use it behind a `QueuedSink` (see `JournalWriter.sink`): sd_journal_sendv is a blocking `sendmsg`, and a
/// stalled journald must not stall detection. An absent journald (`ENOENT`, `ECONNREFUSED`) or a full socket
/// buffer (`EAGAIN`) is an `AlertSinkError`, counted as `failed` by the sink.
final class JournalWriter: AlertWriter {
    typealias Send = JournalEntry.Send

    private let send: Send

    init(send: @escaping Send = JournalEntry.libsystemdSend) {
        self.send = send
    }

    func write(_ alert: Alert) throws -> AlertWriteReport {
        let result = send(JournalEntry.fields(for: alert))
        if result < 0 { throw AlertSinkError(code: -result, operation: "sd_journal_sendv") }
        return AlertWriteReport()
    }

    func close() {}

    /// A journald sink on its own thread behind a queue of `capacity` alerts.
    static func sink(capacity: Int = 1024, maxBytes: Int = 16 << 20,
                     send: @escaping Send = JournalEntry.libsystemdSend) -> QueuedSink {
        QueuedSink(name: "journal", writer: JournalWriter(send: send), capacity: capacity, maxBytes: maxBytes)
    }
}

extension JournalEntry {
    /// Sends one entry; returns 0 or a negative errno. Injectable so tests can stand in for journald.
    typealias Send = @Sendable ([JournalField]) -> Int32

    /// Sends one entry of the caller's making (the daemon's lifecycle entries and warnings), its fields in order;
    /// a field whose name journald would refuse (see `JournalField.isValidName`) is left out. Returns 0 or a
    /// negative errno.
    public static func send(_ fields: [(name: String, value: String)]) -> Int32 {
        libsystemdSend(fields.compactMap { JournalField($0.name, $0.value) })
    }

    /// The real sender: one contiguous buffer of `NAME=value` items, one iovec per field.
    static let libsystemdSend: Send = { fields in
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        buffer.reserveCapacity(fields.reduce(0) { $0 + $1.name.utf8.count + 1 + $1.value.count })
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: field.value)
            ranges.append(start..<buffer.count)
        }
        return buffer.withUnsafeBytes { raw in
            let items = ranges.map { auspex_journal_field(base: raw.baseAddress! + $0.lowerBound, length: $0.count) }
            return items.withUnsafeBufferPointer { auspex_journal_send($0.baseAddress, Int32($0.count)) }
        }
    }
}
