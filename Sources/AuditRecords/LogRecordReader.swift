/// audit.log text → parsed records, each with the clock a log replays by: the newest record time so far (a late,
/// older record must not move time backwards and hold reassembly open longer). Blank lines are skipped and
/// counted. The one record loop over a log: `auspex replay` and `auspex events --file` both read through it.
public struct LogRecordReader {
    private var lines: LogLineReader
    private var recordScratch = RecordScratch(reserving: 64 << 10)
    private let typeNames = RecordTypeNames()
    /// Newest record time so far, nanoseconds since the epoch.
    public private(set) var now: Int64 = 0
    public private(set) var blankLines = 0

    public init(descriptor: Int32) {
        lines = LogLineReader(descriptor: descriptor)
    }

    /// The next non-blank line's record (or why it did not parse), with ``now`` advanced past it; nil at the end.
    public mutating func next() -> Result<AuditRecord, AuditParseError>? {
        switch nextLine() {
        case .record(let record): return .success(record)
        case .malformed(let error): return .failure(error)
        case .end: return nil
        }
    }

    /// ``next()`` as a plain enum, for the replay loop: destroying an optional `Result` of a record goes through
    /// the runtime's generic value witnesses (~100 instructions a line), this one's does not.
    public mutating func nextLine() -> LogLine {
        while let line = lines.withNextLine({ line -> LogLine? in
            if LogLineReader.isBlank(line) { return nil }
            switch AuditParser.parseLogLine(line, scratch: &recordScratch, typeNames: typeNames) {
            case .success(let record): return .record(record)
            case .failure(let error): return .malformed(error)
            }
        }) {
            guard let line else {
                blankLines += 1
                continue
            }
            if case .record(let record) = line { now = max(now, record.timestamp.nanosecondsSinceEpoch) }
            return line
        }
        return .end
    }

    /// Lines read so far (the current record's line number).
    public var lineNumber: Int { lines.lineNumber }
    /// Lines longer than the reader's limit (cut, and reported as malformed records).
    public var truncatedLines: Int { lines.truncatedLines }
    /// errno of a failed read, if the input ended on an error.
    public var error: Int32? { lines.error }
}

/// What the next line of a log holds (``LogRecordReader/nextLine()``).
public enum LogLine {
    case record(AuditRecord)
    /// A line that did not parse, and why.
    case malformed(AuditParseError)
    /// No line is left (the input ended, or a read failed: ``LogRecordReader/error``).
    case end
}
