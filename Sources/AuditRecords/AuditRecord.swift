/// One audit record (one line of audit.log, or one netlink message), parsed in place over its bytes.
///
/// The record keeps a single copy of its bytes and, after them in the same array, the table of its key/value byte
/// ranges: one allocation per record (to make and to free), no per-field strings. Nothing is decoded until asked for.
public struct AuditRecord: Sendable {
    // Stored in 48 bytes (offsets as 32 bits, like the field table's): a record is moved and copied at every
    // stage, and its former 96 bytes cost instructions at each.

    /// Record type (`SYSCALL`, `EXECVE`, …) from the netlink header or the `type=` prefix.
    public let type: AuditRecordType
    private let milliseconds: UInt16
    /// Event serial number from `audit(SECS.MSEC:SERIAL)`; shared by all records of one event. Wraps at 2^32.
    public let serial: UInt32
    private let seconds: Int64
    /// The record's bytes (`storage[..<byteCount]`), then its field table from `fieldTableOffset`: ``AuditField``s
    /// in their order of appearance, fields nested in a user-space `msg='…'` value following the `msg` field.
    private let storage: [UInt8]
    /// Length of the record's bytes at the start of `storage`.
    private let storedByteCount: UInt32
    private let storedFieldCount: UInt32
    /// The `node=` value's bytes; a start of 0 means none (a value follows `node=`, so it never starts at 0).
    private let nodeStart: UInt32, nodeEnd: UInt32
    /// The ENRICHED suffix's bytes; a start of 0 means none (it follows its `\x1d` separator).
    private let enrichedStart: UInt32, enrichedEnd: UInt32

    /// Event time from `audit(SECS.MSEC:SERIAL)`.
    public var timestamp: AuditTimestamp { AuditTimestamp(seconds: seconds, milliseconds: milliseconds) }
    /// Length of the record's bytes at the start of `storage`.
    private var byteCount: Int { Int(storedByteCount) }
    /// Number of fields in the table.
    var fieldCount: Int { Int(storedFieldCount) }
    /// Byte range of the `node=` value, when the line had one.
    var nodeRange: Range<Int>? { nodeStart == 0 ? nil : Int(nodeStart)..<Int(nodeEnd) }
    /// Byte range of the ENRICHED translation suffix after the `\x1d` separator, when present.
    var enrichedRange: Range<Int>? { enrichedStart == 0 ? nil : Int(enrichedStart)..<Int(enrichedEnd) }

    /// The record whose `storage` holds `byteCount` bytes and then `fieldCount` fields (``RecordScratch``); byte
    /// offsets below 2^32 (``AuditParser/maximumLength``).
    init(storage: [UInt8], byteCount: Int, fieldCount: Int, type: AuditRecordType, timestamp: AuditTimestamp,
         serial: UInt32, nodeRange: Range<Int>?, enrichedRange: Range<Int>?) {
        assert(nodeRange.map { $0.lowerBound > 0 } ?? true, "a node= value follows its key")
        assert(enrichedRange.map { $0.lowerBound > 0 } ?? true, "an ENRICHED suffix follows its separator")
        self.type = type
        milliseconds = timestamp.milliseconds
        self.serial = serial
        seconds = timestamp.seconds
        self.storage = storage
        // The parser refuses records of more than 2^32 bytes: every offset fits.
        storedByteCount = UInt32(truncatingIfNeeded: byteCount)
        storedFieldCount = UInt32(truncatingIfNeeded: fieldCount)
        nodeStart = UInt32(truncatingIfNeeded: nodeRange?.lowerBound ?? 0)
        nodeEnd = UInt32(truncatingIfNeeded: nodeRange?.upperBound ?? 0)
        enrichedStart = UInt32(truncatingIfNeeded: enrichedRange?.lowerBound ?? 0)
        enrichedEnd = UInt32(truncatingIfNeeded: enrichedRange?.upperBound ?? 0)
    }

    /// Where the field table starts after `byteCount` bytes (aligned for its 32-bit offsets).
    static func fieldTableOffset(byteCount: Int) -> Int {
        (byteCount + MemoryLayout<AuditField>.alignment - 1) & ~(MemoryLayout<AuditField>.alignment - 1)
    }

    /// The record's bytes as received (the audit.log line without its line terminator, or the netlink payload).
    var bytes: ArraySlice<UInt8> { storage[..<byteCount] }

    /// The field at `index` of the table.
    func field(at index: Int) -> AuditField {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        return withStorage { _, fieldTable in
            BorrowedFields(bytes: UnsafeBufferPointer(start: nil, count: 0), fieldTable: fieldTable, count: fieldCount,
                           recordType: type).field(at: index)
        }
    }

    /// Calls `body` with the record's bytes and the start of its field table (nil when there are no fields), which
    /// must not escape the call.
    @inline(__always)
    func withStorage<Result>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeRawPointer?) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { all in
            let table = fieldCount > 0 ? UnsafeRawPointer(all.baseAddress! + Self.fieldTableOffset(byteCount: byteCount)) : nil
            return try body(UnsafeBufferPointer(rebasing: all[..<byteCount]), table)
        }
    }

    /// The `node=` name of a record forwarded by audisp-remote (audit.log lines only).
    var node: String? {
        nodeRange.map { String(decoding: storage[$0], as: UTF8.self) }
    }

    /// The `node=` name as bytes (no allocation), when the line had one.
    public var nodeBytes: ArraySlice<UInt8>? { nodeRange.map { storage[$0] } }

    /// The first field whose key equals `key` (compared byte by byte, no allocation).
    subscript(key: String) -> AuditValue? {
        guard let index = indexOfField(key) else { return nil }
        return value(at: index)
    }

    /// Whether the record has a field named `key`.
    func contains(_ key: String) -> Bool { indexOfField(key) != nil }

    /// The key of the field at `index` in the table, as bytes.
    func key(at index: Int) -> ArraySlice<UInt8> { storage[field(at: index).keyRange] }

    /// The key of the field at `index` in the table, as a string (`old auid` reads `old_auid`).
    func keyString(at index: Int) -> String { BorrowedFields.keyString(storage[field(at: index).keyRange]) }

    /// The value of the field at `index` in the table.
    func value(at index: Int) -> AuditValue {
        let field = field(at: index)
        return AuditValue(storage: storage, range: field.valueRange, quoting: field.quoting, keyRange: field.keyRange,
                          recordType: type)
    }

    /// Index in the table of the first field named `key`. A stored space (old LOGIN `old auid=`) matches `_`.
    func indexOfField(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { wanted in
            (0..<fieldCount).first { index in
                let keyRange = field(at: index).keyRange
                return keyRange.count == wanted.count && storage[keyRange].elementsEqual(wanted) {
                    $0 == $1 || ($0 == UInt8(ascii: " ") && $1 == UInt8(ascii: "_"))
                }
            }
        }
    }
}

/// Where one `key=value` pair sits in its record's bytes (32-bit offsets keep the per-record table small).
@usableFromInline struct AuditField: Sendable, Equatable {
    @usableFromInline let keyStart: UInt32
    @usableFromInline let keyEnd: UInt32
    @usableFromInline let valueStart: UInt32
    @usableFromInline let valueEnd: UInt32
    /// How the value was quoted.
    @usableFromInline let quoting: AuditQuoting

    init(keyRange: Range<Int>, valueRange: Range<Int>, quoting: AuditQuoting) {
        keyStart = UInt32(truncatingIfNeeded: keyRange.lowerBound)
        keyEnd = UInt32(truncatingIfNeeded: keyRange.upperBound)
        valueStart = UInt32(truncatingIfNeeded: valueRange.lowerBound)
        valueEnd = UInt32(truncatingIfNeeded: valueRange.upperBound)
        self.quoting = quoting
    }

    init(keyStart: UInt32, keyEnd: UInt32, valueStart: UInt32, valueEnd: UInt32, quoting: AuditQuoting) {
        self.keyStart = keyStart
        self.keyEnd = keyEnd
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        self.quoting = quoting
    }

    /// Byte range of the key.
    @inlinable var keyRange: Range<Int> { Int(keyStart)..<Int(keyEnd) }
    /// Byte range of the value, without its quotes.
    @inlinable var valueRange: Range<Int> { Int(valueStart)..<Int(valueEnd) }
}

/// How a value was written in the record.
public enum AuditQuoting: UInt8, Sendable, Equatable {
    /// Bare value: a number, a token, a hex-encoded string, `(null)`, `?`.
    case none
    /// `"…"`: a printable string logged verbatim by the kernel.
    case double
    /// `'…'`: user-space `msg='…'` payloads.
    case single
}

/// Seconds and milliseconds since the Unix epoch, as printed in `audit(SECS.MSEC:SERIAL)`.
public struct AuditTimestamp: Sendable, Hashable, Comparable {
    public let seconds: Int64
    public let milliseconds: UInt16

    init(seconds: Int64, milliseconds: UInt16) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    /// Nanoseconds since the Unix epoch; saturates at `Int64.max` / `Int64.min` (the parser refuses stamps
    /// beyond that range, so only hand-built timestamps can reach it).
    public var nanosecondsSinceEpoch: Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, carry) = scaled.addingReportingOverflow(Int64(milliseconds) * 1_000_000)
        return carry ? .max : sum
    }

    /// Milliseconds since the Unix epoch (saturating, like `nanosecondsSinceEpoch`).
    var millisecondsSinceEpoch: Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, carry) = scaled.addingReportingOverflow(Int64(milliseconds))
        return carry ? .max : sum
    }

    /// Whether `seconds.milliseconds` is representable as Int64 nanoseconds since the epoch.
    static func fitsInt64Nanoseconds(seconds: UInt64, milliseconds: UInt16) -> Bool {
        guard seconds <= UInt64(Int64.max) else { return false }
        let (scaled, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return false }
        return !scaled.addingReportingOverflow(Int64(milliseconds) * 1_000_000).overflow
    }

    public static func < (lhs: AuditTimestamp, rhs: AuditTimestamp) -> Bool {
        (lhs.seconds, lhs.milliseconds) < (rhs.seconds, rhs.milliseconds)
    }
}
