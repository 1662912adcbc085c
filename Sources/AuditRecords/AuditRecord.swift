/// One audit record (one line of audit.log, or one netlink message), parsed in place over its bytes.
///
/// The record keeps a single copy of its bytes and an ordered list of key/value byte ranges; nothing is
/// decoded until asked for, so parsing allocates two arrays per record and no per-field strings.
public struct AuditRecord: Sendable {
    /// Record type (`SYSCALL`, `EXECVE`, …) from the netlink header or the `type=` prefix.
    public let type: AuditRecordType
    /// Event time from `audit(SECS.MSEC:SERIAL)`.
    public let timestamp: AuditTimestamp
    /// Event serial number from `audit(SECS.MSEC:SERIAL)`; shared by all records of one event. Wraps at 2^32.
    public let serial: UInt32
    /// The record's bytes as received (the audit.log line without its line terminator, or the netlink payload).
    let bytes: [UInt8]
    /// Fields in their order of appearance. Fields nested in a user-space `msg='…'` value follow the `msg` field.
    let fields: [AuditField]
    /// Byte range of the `node=` value, when the line had one.
    let nodeRange: Range<Int>?
    /// Byte range of the ENRICHED translation suffix after the `\x1d` separator, when present.
    let enrichedRange: Range<Int>?

    /// The record `layout` describes, over its `bytes`.
    init(bytes: [UInt8], layout: RecordLayout) {
        type = layout.type
        timestamp = layout.timestamp
        serial = layout.serial
        self.bytes = bytes
        fields = layout.fields
        nodeRange = layout.nodeRange
        enrichedRange = layout.enrichedRange
    }

    /// The `node=` name of a record forwarded by audisp-remote (audit.log lines only).
    var node: String? {
        nodeRange.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The `node=` name as bytes (no allocation), when the line had one.
    public var nodeBytes: ArraySlice<UInt8>? { nodeRange.map { bytes[$0] } }

    /// The first field whose key equals `key` (compared byte by byte, no allocation).
    subscript(key: String) -> AuditValue? {
        guard let index = indexOfField(key) else { return nil }
        return value(at: index)
    }

    /// Whether the record has a field named `key`.
    func contains(_ key: String) -> Bool { indexOfField(key) != nil }

    /// The key of the field at `index` in `fields`, as bytes.
    func key(at index: Int) -> ArraySlice<UInt8> { bytes[fields[index].keyRange] }

    /// The key of the field at `index` in `fields`, as a string (`old auid` reads `old_auid`).
    func keyString(at index: Int) -> String { BorrowedFields.keyString(bytes[fields[index].keyRange]) }

    /// The value of the field at `index` in `fields`.
    func value(at index: Int) -> AuditValue {
        let field = fields[index]
        return AuditValue(storage: bytes, range: field.valueRange, quoting: field.quoting, keyRange: field.keyRange,
                          recordType: type)
    }

    /// Index in `fields` of the first field named `key`. A stored space (old LOGIN `old auid=`) matches `_`.
    func indexOfField(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { wanted in
            fields.firstIndex { field in
                field.keyRange.count == wanted.count && bytes[field.keyRange].elementsEqual(wanted) {
                    $0 == $1 || ($0 == UInt8(ascii: " ") && $1 == UInt8(ascii: "_"))
                }
            }
        }
    }
}

/// Where one `key=value` pair sits in its record's bytes (32-bit offsets keep the per-record array small).
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
