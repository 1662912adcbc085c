/// audit.log text → parsed records, each with the clock a log replays by: the newest record time so far (a late,
/// older record must not move time backwards and hold reassembly open longer). Blank lines are skipped and
/// counted. The one record loop over a log: `auspex replay` and `auspex events --file` both read through it.
public struct LogRecordReader {
    private var lines: LogLineReader
    private var fieldScratch = FieldScratch(reserving: 512)
    /// Newest record time so far, nanoseconds since the epoch.
    public private(set) var now: Int64 = 0
    public private(set) var blankLines = 0

    public init(descriptor: Int32) {
        lines = LogLineReader(descriptor: descriptor)
    }

    /// The next non-blank line's record (or why it did not parse), with ``now`` advanced past it; nil at the end.
    public mutating func next() -> Result<AuditRecord, AuditParseError>? {
        while let parsed = lines.withNextLine({ line in
            LogLineReader.isBlank(line) ? nil : AuditParser.parseLogLine(line, scratch: &fieldScratch)
        }) {
            guard let parsed else {
                blankLines += 1
                continue
            }
            if case .success(let record) = parsed { now = max(now, record.timestamp.nanosecondsSinceEpoch) }
            return parsed
        }
        return nil
    }

    /// Lines read so far (the current record's line number).
    public var lineNumber: Int { lines.lineNumber }
    /// Lines longer than the reader's limit (cut, and reported as malformed records).
    public var truncatedLines: Int { lines.truncatedLines }
    /// errno of a failed read, if the input ended on an error.
    public var error: Int32? { lines.error }
}
